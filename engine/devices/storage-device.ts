import type { RawData } from 'ws';
import { BUS_CLOSED, BUS_OPEN, openBusSocket, type BusSocket } from './bus-socket.ts';
import {
  CLOSE_GOING_AWAY,
  CLOSE_MALFORMED,
  CLOSE_REPLACED,
  CLOSE_UNAUTHORIZED,
  FrameError,
  MAX_FRAME_BYTES,
  closeReason,
  decodeEngineFrame,
  encodeFrame,
  type DeviceReply,
  type EngineRequest,
} from '../bus/bus-frames.ts';
import { proveSlot } from '../bus/slot-proof.ts';
import { createLogger, type Logger } from '../log.ts';
import { ChunkStore } from './chunk-store.ts';
import { busUrlForLogs, type DeviceBundle } from './device-bundle.ts';
import { PinMismatchError, PinnedAgent } from '../tls/pinned-agent.ts';

/**
 * connecting → connected → (connection lost) → connecting …; the last four are final:
 * unauthorized — the engine refused the device token (revoked, expired, device removed);
 * replaced — another runtime with this device's bundle connected, and two must not take turns;
 * untrusted — the engine's TLS certificate is not the one the bundle pins (nothing was sent);
 * stopped — stop() was called.
 */
export type StorageDeviceState =
  'connecting' | 'connected' | 'unauthorized' | 'replaced' | 'untrusted' | 'stopped';

export interface StorageDeviceOptions {
  bundle: DeviceBundle;
  /** The device folder: at-rest key and chunks (chunk-store.ts). */
  dir: string;
  log?: Logger;
  /** Reconnect backoff, doubling from the first to the cap. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * With no frame and no ping from the engine for this long the connection is presumed dead
   * (a sleeping laptop or a dropped NAT mapping never sends a FIN). Default: 2.5 engine ping
   * intervals of 30 s.
   */
  idleTimeoutMs?: number;
  /**
   * Opens each bus connection another way than the bundle's URL: a device on the embedded
   * engine's device thread asks for a MessagePort to its engine (port-socket.ts). The hello,
   * token check and everything after are the same.
   */
  dialBus?: () => BusSocket;
}

export interface RunningStorageDevice {
  readonly deviceIdentifier: string;
  readonly state: StorageDeviceState;
  /** True while the engine has welcomed this connection. */
  readonly connected: boolean;
  /** In `untrusted`: which certificate was found and which one is pinned. */
  readonly pinMismatch: PinMismatchError | undefined;
  /** Fires after every welcome: the first connection and each reconnection. */
  onReady(listener: () => void): void;
  onStateChange(listener: (state: StorageDeviceState) => void): void;
  /** Closes the connection, lets running requests finish and releases the folder. */
  stop(): Promise<void>;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Failed attempts in a row between two warnings while the engine stays unreachable. */
const WARN_EVERY_ATTEMPTS = 12;
const MAX_ERROR_MESSAGE = 1024;

/**
 * The masking key of every frame the device sends: all zero, which ws then skips (and so does
 * the engine's unmasking). Masking (RFC 6455 §5.3) keeps script-chosen bytes in a browser from
 * looking like HTTP to a proxy on the way; a device runtime sends no script's bytes, only
 * ciphertext and its own headers, and masking a mebibyte chunk costs more than sealing it.
 */
function unmasked(mask: Buffer): void {
  mask.fill(0);
}

/**
 * The storage device runtime: serves the engine's chunk requests from a folder. Runs
 * in-process (the desktop app hosts several) or as storage-device-main.ts.
 */
export async function startStorageDevice(
  options: StorageDeviceOptions,
): Promise<RunningStorageDevice> {
  const { bundle } = options;
  const log = (options.log ?? createLogger()).child({
    component: 'storage-device',
    deviceId: bundle.deviceIdentifier,
  });
  const minMs = options.reconnectMinMs ?? 250;
  const maxMs = options.reconnectMaxMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 75_000;
  const store = await ChunkStore.open({ dir: options.dir, log });

  if (Date.parse(bundle.deviceTokenExpiresAt) <= Date.now()) {
    log.warn(
      { expiresAt: bundle.deviceTokenExpiresAt },
      'the device token has expired; the engine will refuse it',
    );
  }

  let state: StorageDeviceState = 'connecting';
  let socket: BusSocket | undefined;
  let welcomed = false;
  let failures = 0;
  let lastError: string | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let halting: Promise<void> | undefined;
  let pinMismatch: PinMismatchError | undefined;
  // With a pin, every connection goes through an agent that checks the engine's certificate
  // before the upgrade request is written: the device token (sent after the upgrade) never
  // reaches a server with another key.
  const agent = bundle.engine.tlsPin ? new PinnedAgent(bundle.engine.tlsPin) : undefined;
  const inflight = new Set<Promise<void>>();
  const readyListeners: (() => void)[] = [];
  const stateListeners: ((state: StorageDeviceState) => void)[] = [];

  function setState(next: StorageDeviceState): void {
    if (state === next) return;
    state = next;
    for (const listener of stateListeners) call(() => listener(next));
  }

  function call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      log.error({ err: error }, 'storage device listener failed');
    }
  }

  function connect(): void {
    retryTimer = undefined;
    if (halting) return;
    setState('connecting');
    let ws: BusSocket;
    try {
      // Chunks are ciphertext: compression would spend CPU for nothing.
      ws = options.dialBus
        ? options.dialBus()
        : openBusSocket(bundle, {
            maxPayload: MAX_FRAME_BYTES,
            perMessageDeflate: false,
            handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
            generateMask: unmasked,
            ...(agent ? { agent } : {}),
          });
    } catch (error) {
      log.error({ err: error }, 'cannot open the device bus');
      scheduleReconnect(true);
      return;
    }
    socket = ws;
    welcomed = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        log.warn({ idleTimeoutMs }, 'no sign of the engine; dropping the bus connection');
        ws.terminate();
      }, idleTimeoutMs);
      idleTimer.unref();
    };
    const violate = (message: string) => {
      log.error({ reason: message }, 'the engine sent a malformed bus frame');
      ws.close(CLOSE_MALFORMED, closeReason(message));
    };

    ws.on('open', () => {
      touch();
      ws.send(encodeFrame({ op: 'hello', deviceToken: bundle.deviceToken, flush: true }));
    });
    ws.on('ping', touch);
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      touch();
      if (ws !== socket || halting) return;
      let frame: ReturnType<typeof decodeEngineFrame>;
      try {
        frame = decodeEngineFrame(raw, isBinary);
      } catch (error) {
        return violate(error instanceof FrameError ? error.message : 'undecodable frame');
      }
      const { header, payload } = frame;
      if (header.op === 'challenge') {
        // Another connection of this device is alive: prove this one is the device, with the
        // private key when the bundle carries it (an empty proof otherwise: the engine refuses).
        if (welcomed) return violate('a challenge after the welcome');
        const proof = bundle.keys.private
          ? proveSlot(
              bundle.keys.private,
              header.enginePublicKey,
              bundle.deviceIdentifier,
              header.nonce,
            )
          : undefined;
        ws.send(encodeFrame({ op: 'proof', proof: proof ?? '' }));
        return;
      }
      if (header.op === 'welcome') {
        if (welcomed) return violate('a second welcome');
        if (header.deviceIdentifier !== bundle.deviceIdentifier) {
          log.error(
            { welcomedAs: header.deviceIdentifier },
            'the engine knows this device token under another device; the bundle does not belong together',
          );
          void halt('unauthorized');
          return;
        }
        welcomed = true;
        failures = 0;
        lastError = undefined;
        log.info('connected to the device bus');
        setState('connected');
        for (const listener of readyListeners) call(listener);
        return;
      }
      if (!welcomed) return violate(`${header.op} before the welcome`);
      // Ballots go to authenticators only; a storage device is never sent one.
      if (header.op === 'ballot' || header.op === 'voted')
        return violate(`${header.op} sent to a storage device`);
      serve(ws, header, payload, raw as Buffer);
    });
    ws.on('error', (error) => {
      lastError = error.message;
      if (error instanceof PinMismatchError) pinMismatch = error;
      log.debug({ err: error }, 'device bus socket error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(idleTimer);
      if (ws !== socket) return;
      socket = undefined;
      const wasWelcomed = welcomed;
      welcomed = false;
      if (halting) return;
      if (pinMismatch) {
        log.error(
          {
            expected: pinMismatch.expected,
            actual: pinMismatch.actual,
            url: busUrlForLogs(bundle.bus.url),
          },
          'the engine presented a TLS certificate other than the pinned one; nothing was sent, not reconnecting',
        );
        void halt('untrusted');
        return;
      }
      if (code === CLOSE_UNAUTHORIZED) {
        log.error(
          { reason: reason.toString() },
          'the engine refused the device token (revoked, expired or device removed); not reconnecting',
        );
        void halt('unauthorized');
        return;
      }
      if (code === CLOSE_REPLACED) {
        log.error(
          'another runtime connected with this device configuration; this one stops so they do not take turns',
        );
        void halt('replaced');
        return;
      }
      if (wasWelcomed) {
        log.warn({ code, reason: reason.toString() }, 'device bus connection lost; reconnecting');
      }
      scheduleReconnect(!wasWelcomed);
    });
  }

  function scheduleReconnect(afterFailedAttempt: boolean): void {
    if (halting) return;
    setState('connecting');
    const base = Math.min(maxMs, minMs * 2 ** Math.min(failures, 20));
    // Jitter keeps devices that lost the same engine from reconnecting in lockstep.
    const delay = Math.round(Math.min(maxMs, Math.max(minMs, base * (0.8 + Math.random() * 0.4))));
    failures++;
    if (afterFailedAttempt && failures % WARN_EVERY_ATTEMPTS === 1) {
      log.warn(
        { url: busUrlForLogs(bundle.bus.url), attempt: failures, delayMs: delay, error: lastError },
        'device bus unreachable; retrying',
      );
    }
    retryTimer = setTimeout(connect, delay);
  }

  /** `frame` is the whole frame `payload` is part of (given back to the bus after a put). */
  function serve(ws: BusSocket, request: EngineRequest, payload: Buffer, frame: Buffer): void {
    const task = (async () => {
      let reply: DeviceReply;
      let data: Buffer | undefined;
      try {
        switch (request.op) {
          case 'put':
            await store.put(request.itemId, request.index, payload, { sync: !request.defer });
            // Sealed and written: nothing holds the frame any more, and it may be reused.
            ws.release?.(frame);
            reply = { op: 'ok', id: request.id };
            break;
          case 'flush':
            await store.flushItem(request.itemId);
            reply = { op: 'ok', id: request.id };
            break;
          case 'get':
            data = await store.get(request.itemId, request.index);
            reply = data ? { op: 'data', id: request.id } : { op: 'missing', id: request.id };
            break;
          case 'delete':
            await store.deleteItem(request.itemId);
            reply = { op: 'ok', id: request.id };
            break;
          case 'list':
            reply = { op: 'items', id: request.id, itemIds: await store.listItems() };
            break;
        }
      } catch (error) {
        log.error({ err: error, op: request.op }, 'storage request failed');
        reply = {
          op: 'error',
          id: request.id,
          message: String((error as Error).message ?? error).slice(0, MAX_ERROR_MESSAGE),
        };
      }
      let bytes = encodeFrame(reply, data);
      if (bytes.length > MAX_FRAME_BYTES) {
        // A list of some 200 000 items outgrows one frame; the engine gets a clear failure.
        bytes = encodeFrame({
          op: 'error',
          id: request.id,
          message: `reply of ${bytes.length} bytes exceeds the bus frame limit`,
        });
      }
      // Replies are bounded by the engine's own backpressure: it sends no more requests than
      // it can take answers for, so the device does not throttle here.
      if (ws.readyState === BUS_OPEN && ws === socket && !halting) ws.send(bytes);
    })();
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
  }

  function halt(final: 'unauthorized' | 'replaced' | 'untrusted' | 'stopped'): Promise<void> {
    if (halting) return halting;
    halting = shutDown(final);
    // After the assignment: a listener that calls stop() must get this same shutdown.
    setState(final);
    return halting;
  }

  async function shutDown(final: StorageDeviceState): Promise<void> {
    clearTimeout(retryTimer);
    const ws = socket;
    socket = undefined;
    welcomed = false;
    if (ws && ws.readyState !== BUS_CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(CLOSE_GOING_AWAY, 'device stopping');
        // An engine that never answers the close handshake must not hold up stopping.
        setTimeout(() => ws.terminate(), 2_000).unref();
      });
    }
    await Promise.allSettled([...inflight]);
    await store.close();
    log.info({ state: final }, 'storage device stopped');
  }

  connect();

  return {
    deviceIdentifier: bundle.deviceIdentifier,
    get state() {
      return state;
    },
    get connected() {
      return state === 'connected';
    },
    get pinMismatch() {
      return pinMismatch;
    },
    onReady(listener) {
      readyListeners.push(listener);
    },
    onStateChange(listener) {
      stateListeners.push(listener);
    },
    stop: () => halt('stopped'),
  };
}
