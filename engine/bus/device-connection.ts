import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../log.ts';
import { answersRequest, FrameError, type DeviceReply, type EngineRequest } from './bus-frames.ts';
import { BusError, type ConnectedDevice } from './device-bus.ts';

/** Above this many queued bytes a sender waits for the socket to drain. */
const HIGH_WATER_BYTES = 16 * 1024 * 1024;
const DRAIN_POLL_MS = 5;

export interface DeviceAnswer {
  header: DeviceReply;
  payload: Buffer;
}

/**
 * A device's connection as the bus uses it: a ws WebSocket, or a PortSocket (port-socket.ts) for
 * a device on the embedded engine's device thread. readyState takes WebSocket's values.
 */
export interface BusPeer {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer, options?: { binary?: boolean }): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): this;
  on(event: 'message', listener: (raw: RawData, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'close', listener: () => void): this;
  off(event: 'pong' | 'close', listener: () => void): this;
}

interface Pending {
  op: EngineRequest['op'];
  resolve(reply: DeviceAnswer): void;
  reject(error: BusError): void;
  timer: NodeJS.Timeout;
}

/**
 * One device's authenticated bus connection and its request/reply bookkeeping: requests go out
 * one at a time so a full socket holds back the rest in order, each waits for the reply with its
 * id (or its timeout, or the device leaving), and a reply that answers nothing is a protocol
 * error. ws-device-bus.ts routes requests to connections and frames them.
 */
export class DeviceConnection {
  private readonly pending = new Map<number, Pending>();
  private sendChain: Promise<void> = Promise.resolve();
  /** Items this connection took deferred puts of that no flush has covered yet. */
  readonly unsynced = new Set<string>();

  constructor(
    readonly ws: BusPeer,
    readonly device: ConnectedDevice,
    /** Digest of the token this connection authenticated with, when the authenticator told. */
    readonly tokenHash: string | undefined,
    /** The device announced deferred puts and flush (bus-frames.ts). */
    readonly flush: boolean,
    private readonly requestTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** True while a request with this id waits for its reply. */
  awaits(id: number): boolean {
    return this.pending.has(id);
  }

  /** Sends a framed request and waits for its reply (or the timeout, or the device leaving). */
  send(header: EngineRequest, bytes: Buffer): Promise<DeviceAnswer> {
    const deviceId = this.device.deviceId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(header.id);
        reject(
          new BusError(
            'timeout',
            `device ${deviceId} did not answer ${header.op} within ${this.requestTimeoutMs} ms`,
          ),
        );
      }, this.requestTimeoutMs);
      timer.unref();
      this.pending.set(header.id, { op: header.op, resolve, reject, timer });
      const queued = this.sendChain.then(async () => {
        await drained(this.ws);
        // Timed out or went offline while queued: nobody waits for the answer any more.
        if (!this.pending.has(header.id) || this.ws.readyState !== WebSocket.OPEN) return;
        this.ws.send(bytes, { binary: true });
      });
      this.sendChain = queued.catch((error: unknown) =>
        this.log.error({ err: error, deviceId }, 'device bus send failed'),
      );
    });
  }

  /**
   * Sends a frame that expects no reply (a ballot), behind any queued request traffic, in order,
   * like every other frame to the device.
   */
  push(bytes: Buffer, what: string): void {
    const deviceId = this.device.deviceId;
    this.sendChain = this.sendChain
      .then(async () => {
        await drained(this.ws);
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: true });
      })
      .catch((error: unknown) => this.log.error({ err: error, deviceId }, `${what} send failed`));
  }

  /** Hands a reply to its request; throws FrameError when it answers something else. */
  settle(header: DeviceReply, payload: Buffer): void {
    const deviceId = this.device.deviceId;
    const pending = this.pending.get(header.id);
    // A reply after its request timed out: the caller has moved on.
    if (!pending) {
      this.log.debug({ deviceId, id: header.id, op: header.op }, 'late device bus reply');
      return;
    }
    this.pending.delete(header.id);
    clearTimeout(pending.timer);
    if (header.op === 'error') {
      pending.reject(
        new BusError('io', `device ${deviceId} failed ${pending.op}: ${header.message}`),
      );
      return;
    }
    if (!answersRequest(pending.op, header.op)) {
      pending.reject(
        new BusError('io', `device ${deviceId} answered ${pending.op} with ${header.op}`),
      );
      throw new FrameError(`${header.op} does not answer ${pending.op}`);
    }
    pending.resolve({ header, payload });
  }

  /** Fails every waiting request: the device went offline. */
  failPending(why: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new BusError('offline', `device ${this.device.deviceId} went offline (${why})`),
      );
      this.pending.delete(id);
    }
  }
}

/** Resolves once the socket's queue is below the high-water mark (or the socket is gone). */
async function drained(ws: BusPeer): Promise<void> {
  // ws exposes no 'drain' event of its own, and its net.Socket is private; polling the
  // public bufferedAmount is the supported way.
  while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > HIGH_WATER_BYTES) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}
