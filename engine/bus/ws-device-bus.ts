import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { endWithError } from '../http/raw-error-response.ts';
import { DeviceConnection, type BusPeer, type DeviceAnswer } from './device-connection.ts';
import { PortSocket } from './port-socket.ts';
import type { Logger } from '../log.ts';
import {
  CLOSE_GOING_AWAY,
  CLOSE_MALFORMED,
  CLOSE_REPLACED,
  CLOSE_UNAUTHORIZED,
  FrameError,
  MAX_FRAME_BYTES,
  closeReason,
  decodeDeviceFrame,
  encodeFrame,
  frameOverhead,
  type BallotFrame,
  type EngineRequest,
} from './bus-frames.ts';
import {
  BusError,
  type ChunkRef,
  type ConnectedDevice,
  type DeviceBus,
  type PutOptions,
} from './device-bus.ts';

export interface WsDeviceBusOptions {
  log: Logger;
  /**
   * Maps a device token to its device (and the token's digest, so revoking it can drop the
   * connection); undefined when unknown, expired or revoked.
   */
  authenticate(
    deviceToken: string,
  ): Promise<{ deviceId: string; profileId: string; tokenHash?: string } | undefined>;
  /** Contract §9: a device silent for 60 s is skipped. */
  requestTimeoutMs?: number;
  /** Same liveness rhythm as the channel (contract §2: 30 s). Tests shorten it. */
  pingIntervalMs?: number;
  /**
   * A second connection for a device whose connection still answers pings gets the slot only by
   * proving it is the device (slot-proof.ts): the engine's public key to send with the
   * challenge, and the check of the answer. Without them a live slot is never taken over.
   */
  slotProof?: {
    enginePublicKey: string;
    verify(deviceId: string, nonce: string, proof: string): Promise<boolean>;
  };
  /** How long a connected device has to answer the ping that decides whether it is alive. Default 5 s. */
  slotProbeMs?: number;
}

/** What a vote over the bus came to: accepted, or the reason key it was refused with. */
export type VoteVerdict = { accepted: true } | { accepted: false; reason: string };

export type VoteHandler = (
  device: ConnectedDevice,
  vote: { ballotId: string; vote: 'yes' | 'no' },
) => Promise<VoteVerdict>;

export interface WsDeviceBus extends DeviceBus {
  /** Sends a ballot to an authenticator connected over the bus; false when it is not. */
  deliverBallot(deviceId: string, ballot: Omit<BallotFrame, 'op'>): boolean;
  /** Who decides votes sent over the bus (the voting domain). */
  onVote(handler: VoteHandler): void;
  /** Takes over an HTTP upgrade the server routed to the bus path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Takes a connection over a MessagePort (port-socket.ts) from a device on the embedded
   * engine's device thread; it says hello with its token like any other. False (and the port
   * closed) once the bus is closing.
   */
  acceptPort(port: MessagePort): boolean;
  connectedDevices(): ConnectedDevice[];
  /** Drops a removed or revoked device's connection (code 4401, so its runtime stops retrying). */
  closeDevice(deviceId: string, reason?: string): void;
  /** Drops the connections that authenticated with this token (it was revoked). */
  closeToken(tokenHash: string): void;
}

/** A request as the caller states it; the bus adds the id. */
type RequestBody = {
  [Op in EngineRequest['op']]: Omit<Extract<EngineRequest, { op: Op }>, 'id'>;
}[EngineRequest['op']];

/** A connection that has not said hello by then is not a device runtime. */
const HELLO_TIMEOUT_MS = 10_000;
const DEFAULT_SLOT_PROBE_MS = 5_000;

/**
 * The embedded device bus (contract §9): storage devices connect to the engine's /device-bus
 * WebSocket, say hello with their device token and then answer chunk requests. Frame layout in
 * bus-frames.ts.
 */
export function createWsDeviceBus(options: WsDeviceBusOptions): WsDeviceBus {
  const { log } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const slotProbeMs = options.slotProbeMs ?? DEFAULT_SLOT_PROBE_MS;
  // Chunks are ciphertext: compression would spend CPU for nothing.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  const connections = new Map<string, DeviceConnection>();
  /** Open connections over MessagePorts, which wss.clients does not list. */
  const portSockets = new Set<PortSocket>();
  /**
   * Per device, items a lost connection took deferred puts of: the device may have lost them
   * with it, so their flush fails even when the device is back (cleared by a flush or delete).
   */
  const lostUnsynced = new Map<string, Set<string>>();
  // One counter for the whole bus: ids need only be unique within a connection, and a chunk
  // fanned out to several devices can then go out as one frame under one id.
  let nextId = 1;
  /** The last put's frame, reused while the same envelope goes to the next device. */
  let lastPut: { envelope: Buffer; key: string; id: number; bytes: Buffer } | undefined;
  const connectListeners: ((device: ConnectedDevice) => void)[] = [];
  const disconnectListeners: ((device: ConnectedDevice) => void)[] = [];
  let voteHandler: VoteHandler | undefined;
  let closed = false;

  function notify(listeners: ((device: ConnectedDevice) => void)[], device: ConnectedDevice): void {
    for (const listener of listeners) {
      try {
        listener({ ...device });
      } catch (error) {
        log.error({ err: error, deviceId: device.deviceId }, 'device bus listener failed');
      }
    }
  }

  /** Takes a connection out of the routing table, fails its requests and tells the listeners. */
  function detach(conn: DeviceConnection, why: string): void {
    if (connections.get(conn.device.deviceId) !== conn) return;
    connections.delete(conn.device.deviceId);
    if (conn.unsynced.size > 0) {
      const lost = lostUnsynced.get(conn.device.deviceId) ?? new Set<string>();
      for (const itemId of conn.unsynced) lost.add(itemId);
      lostUnsynced.set(conn.device.deviceId, lost);
      conn.unsynced.clear();
    }
    conn.failPending(why);
    log.info({ deviceId: conn.device.deviceId, why }, 'storage device disconnected');
    notify(disconnectListeners, conn.device);
  }

  function accept(ws: BusPeer, remote: string | undefined): void {
    let phase: 'hello' | 'authenticating' | 'proving' | 'ready' = 'hello';
    let proofWaiter: ((proof: string) => void) | undefined;
    let conn: DeviceConnection | undefined;
    let alive = true;

    const refuse = (code: number, reason: string) => {
      const fields = { remote, deviceId: conn?.device.deviceId, code, reason };
      if (code === CLOSE_MALFORMED) log.warn(fields, 'malformed device bus frame');
      else log.info(fields, 'device bus connection refused');
      if (conn) detach(conn, reason);
      ws.close(code, closeReason(reason));
    };

    const helloTimer = setTimeout(
      () => refuse(CLOSE_MALFORMED, 'no hello within the handshake time'),
      HELLO_TIMEOUT_MS,
    );
    helloTimer.unref();

    ws.on('pong', () => {
      alive = true;
    });
    const pinger = setInterval(() => {
      if (!alive) {
        log.info({ remote, deviceId: conn?.device.deviceId }, 'device bus peer missed a pong');
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, pingIntervalMs);
    pinger.unref();

    ws.on('close', (code: number) => {
      clearTimeout(helloTimer);
      clearInterval(pinger);
      if (conn) detach(conn, `socket closed with ${code}`);
    });
    // ws closes the socket itself after an error (oversized frame, bad masking, reset).
    ws.on('error', (error) =>
      log.warn({ err: error, remote, deviceId: conn?.device.deviceId }, 'device bus socket error'),
    );

    ws.on('message', (raw: RawData, isBinary: boolean) => {
      alive = true;
      if (ws.readyState !== WebSocket.OPEN) return;
      try {
        const { header, payload } = decodeDeviceFrame(raw, isBinary);
        if (header.op === 'hello') {
          if (phase !== 'hello') throw new FrameError('hello after the handshake');
          phase = 'authenticating';
          clearTimeout(helloTimer);
          void authenticate(header.deviceToken, header.flush === true);
          return;
        }
        if (header.op === 'proof') {
          if (phase !== 'proving' || !proofWaiter)
            throw new FrameError('proof without a challenge');
          proofWaiter(header.proof);
          return;
        }
        if (phase !== 'ready' || !conn) {
          throw new FrameError(`${header.op} before the handshake finished`);
        }
        if (header.op === 'vote') {
          void vote(conn, header.ref, header.ballotId, header.vote);
          return;
        }
        conn.settle(header, payload);
      } catch (error) {
        if (error instanceof FrameError) {
          refuse(CLOSE_MALFORMED, error.message);
          return;
        }
        log.error({ err: error, remote }, 'device bus frame handling failed');
        ws.close(1011, 'internal error');
      }
    });

    async function authenticate(deviceToken: string, flush: boolean): Promise<void> {
      let device: (ConnectedDevice & { tokenHash?: string }) | undefined;
      try {
        device = await options.authenticate(deviceToken);
      } catch (error) {
        log.error({ err: error, remote }, 'device bus authentication failed');
        ws.close(1011, 'authentication unavailable');
        return;
      }
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!device) {
        refuse(CLOSE_UNAUTHORIZED, 'device token not valid');
        return;
      }
      if (closed) {
        ws.close(CLOSE_GOING_AWAY, 'engine shutting down');
        return;
      }
      if (connections.has(device.deviceId)) {
        // A token alone does not take a live device's place: a copied token would otherwise cut
        // the device off and receive its traffic. A dead connection (no pong) gives way.
        const previous = connections.get(device.deviceId)!;
        if ((await answersPing(previous.ws)) && !(await proveIdentity(device.deviceId))) {
          if (ws.readyState === WebSocket.OPEN)
            refuse(
              CLOSE_REPLACED,
              'the device is connected already and this connection did not prove it is the device',
            );
          return;
        }
        if (ws.readyState !== WebSocket.OPEN) return;
        const current = connections.get(device.deviceId);
        if (current) {
          detach(current, 'replaced by a newer connection');
          current.ws.close(CLOSE_REPLACED, 'replaced by a newer connection of the same device');
        }
      }
      conn = new DeviceConnection(
        ws,
        { deviceId: device.deviceId, profileId: device.profileId },
        device.tokenHash,
        flush,
        requestTimeoutMs,
        log,
      );
      connections.set(device.deviceId, conn);
      phase = 'ready';
      ws.send(encodeFrame({ op: 'welcome', deviceIdentifier: device.deviceId }));
      log.info(
        { deviceId: device.deviceId, profileId: device.profileId, remote },
        'storage device connected',
      );
      notify(connectListeners, conn.device);
    }

    async function vote(
      current: DeviceConnection,
      ref: number,
      ballotId: string,
      choice: 'yes' | 'no',
    ): Promise<void> {
      let verdict: VoteVerdict;
      try {
        verdict = voteHandler
          ? await voteHandler({ ...current.device }, { ballotId, vote: choice })
          : { accepted: false, reason: 'voting.ballot_not_found' };
      } catch (error) {
        log.error({ err: error, deviceId: current.device.deviceId }, 'bus vote failed');
        verdict = { accepted: false, reason: 'server.error' };
      }
      if (current.ws.readyState !== WebSocket.OPEN) return;
      current.ws.send(
        encodeFrame({ op: 'voted', ref, ...(verdict.accepted ? {} : { reason: verdict.reason }) }),
        { binary: true },
      );
    }

    /** Asks this connection to prove it is the device (slot-proof.ts); false on no proof. */
    async function proveIdentity(deviceId: string): Promise<boolean> {
      const check = options.slotProof;
      if (!check || ws.readyState !== WebSocket.OPEN) return false;
      const nonce = randomBytes(24).toString('base64url');
      phase = 'proving';
      const proof = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), HELLO_TIMEOUT_MS);
        timer.unref();
        proofWaiter = (answer) => {
          clearTimeout(timer);
          resolve(answer);
        };
        ws.once('close', () => resolve(undefined));
        ws.send(encodeFrame({ op: 'challenge', nonce, enginePublicKey: check.enginePublicKey }));
      });
      proofWaiter = undefined;
      phase = 'authenticating';
      return proof !== undefined && proof !== '' && (await check.verify(deviceId, nonce, proof));
    }
  }

  /** Whether a connection answers a ping within the probe time (a half-open one does not). */
  function answersPing(socket: BusPeer): Promise<boolean> {
    if (socket.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (alive: boolean) => {
        clearTimeout(timer);
        socket.off('pong', onPong);
        socket.off('close', onClose);
        resolve(alive);
      };
      const onPong = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), slotProbeMs);
      timer.unref();
      socket.on('pong', onPong);
      socket.on('close', onClose);
      socket.ping();
    });
  }

  function connection(deviceId: string): DeviceConnection {
    const conn = connections.get(deviceId);
    if (!conn) throw new BusError('offline', `device ${deviceId} is not connected`);
    return conn;
  }

  function request(
    conn: DeviceConnection,
    frame: RequestBody,
    payload?: Buffer,
  ): Promise<DeviceAnswer> {
    const header = { ...frame, id: nextId++ } as EngineRequest;
    if (payload && frameOverhead(header) + payload.length > MAX_FRAME_BYTES) {
      return Promise.reject(
        new BusError(
          'rejected',
          `a chunk of ${payload.length} bytes does not fit a ${MAX_FRAME_BYTES}-byte bus frame`,
        ),
      );
    }
    return conn.send(header, encodeFrame(header, payload));
  }

  function put(
    conn: DeviceConnection,
    ref: ChunkRef,
    envelope: Buffer,
    options: PutOptions | undefined,
  ): Promise<DeviceAnswer> {
    const defer = options?.deferSync === true && conn.flush;
    if (defer) conn.unsynced.add(ref.itemId);
    const key = `${ref.itemId}/${ref.index}/${defer}`;
    // The same envelope for the next device: the frame is the same bytes under the same id.
    const cached = lastPut;
    if (cached?.envelope === envelope && cached.key === key && !conn.awaits(cached.id)) {
      return conn.send({ op: 'put', id: cached.id, ...ref }, cached.bytes);
    }
    const header = {
      op: 'put',
      id: nextId++,
      itemId: ref.itemId,
      index: ref.index,
      ...(defer ? { defer: true as const } : {}),
    } as const;
    if (frameOverhead(header) + envelope.length > MAX_FRAME_BYTES) {
      return Promise.reject(
        new BusError(
          'rejected',
          `a chunk of ${envelope.length} bytes does not fit a ${MAX_FRAME_BYTES}-byte bus frame`,
        ),
      );
    }
    const bytes = encodeFrame(header, envelope);
    if (!cached) {
      // Only callers that fan out in one synchronous run share a frame; none is kept longer.
      queueMicrotask(() => (lastPut = undefined));
    }
    lastPut = { envelope, key, id: header.id, bytes };
    return conn.send(header, bytes);
  }

  return {
    isOnline: (deviceId) => connections.has(deviceId),

    deliverBallot(deviceId, ballot) {
      const conn = connections.get(deviceId);
      if (!conn || conn.ws.readyState !== WebSocket.OPEN) return false;
      conn.push(encodeFrame({ op: 'ballot', ...ballot }), 'ballot');
      return true;
    },

    onVote(handler) {
      voteHandler = handler;
    },

    putChunk(deviceId: string, ref: ChunkRef, envelope: Buffer, options?: PutOptions) {
      // Not async: a suspended call would keep the envelope alive until the device answered.
      try {
        return put(connection(deviceId), ref, envelope, options).then(() => undefined);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },

    async flushItem(deviceId: string, itemId: string): Promise<void> {
      const conn = connection(deviceId);
      if (lostUnsynced.get(deviceId)?.delete(itemId)) {
        throw new BusError(
          'offline',
          `device ${deviceId} reconnected since it took unsynced chunks of ${itemId}`,
        );
      }
      // A device without flush took every put durably.
      if (!conn.flush) return;
      await request(conn, { op: 'flush', itemId });
      conn.unsynced.delete(itemId);
    },

    async getChunk(deviceId: string, ref: ChunkRef): Promise<Buffer | undefined> {
      const reply = await request(connection(deviceId), {
        op: 'get',
        itemId: ref.itemId,
        index: ref.index,
      });
      return reply.header.op === 'data' ? reply.payload : undefined;
    },

    async deleteItem(deviceId: string, itemId: string): Promise<void> {
      const conn = connection(deviceId);
      await request(conn, { op: 'delete', itemId });
      // Nothing of the item is left to lose.
      conn.unsynced.delete(itemId);
      lostUnsynced.get(deviceId)?.delete(itemId);
    },

    async listItems(deviceId: string): Promise<string[]> {
      const reply = await request(connection(deviceId), { op: 'list' });
      return reply.header.op === 'items' ? reply.header.itemIds : [];
    },

    onConnect(listener) {
      connectListeners.push(listener);
    },

    onDisconnect(listener) {
      disconnectListeners.push(listener);
    },

    handleUpgrade(request, socket, head) {
      if (closed) {
        endWithError(socket, {
          status: 503,
          reason: 'server.error',
          message: 'The engine is shutting down; try again shortly.',
        });
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request.socket.remoteAddress));
    },

    acceptPort(port) {
      if (closed) {
        port.close();
        return false;
      }
      const socket = new PortSocket(port, MAX_FRAME_BYTES);
      portSockets.add(socket);
      socket.once('close', () => portSockets.delete(socket));
      accept(socket, 'device thread');
      return true;
    },

    connectedDevices: () => [...connections.values()].map((conn) => ({ ...conn.device })),

    closeDevice(deviceId, reason = 'device removed or its token revoked') {
      const conn = connections.get(deviceId);
      if (!conn) return;
      detach(conn, reason);
      conn.ws.close(CLOSE_UNAUTHORIZED, closeReason(reason));
    },

    closeToken(tokenHash) {
      for (const conn of [...connections.values()]) {
        if (conn.tokenHash === tokenHash)
          this.closeDevice(conn.device.deviceId, 'device token revoked');
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      const sockets: BusPeer[] = [...wss.clients, ...portSockets];
      for (const conn of [...connections.values()]) detach(conn, 'engine shutting down');
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close(CLOSE_GOING_AWAY, 'engine shutting down');
              // A peer that never answers the close handshake must not hold up shutdown.
              setTimeout(() => ws.terminate(), 2_000).unref();
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
