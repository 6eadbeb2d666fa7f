import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { CLOSE_ABNORMAL } from './bus-frames.ts';

/*
 * A bus connection over a MessagePort, for storage devices on the embedded engine's device
 * thread (storage-device-thread.ts): the same frames, hello, token check, pings and close codes
 * as over the loopback WebSocket, without the socket. A frame crosses whole, instead of as 64 KiB
 * socket reads that are copied together again, and no kernel copy is made in either direction.
 *
 * It behaves as the part of a ws WebSocket that both ends use (readyState, send, ping/pong,
 * close with a code and reason, terminate, and the open/message/ping/pong/error/close events),
 * so ws-device-bus.ts and storage-device.ts treat it as they treat a WebSocket.
 *
 * Buffers are reused, not allocated per chunk: a receiver done with a large frame (a device that
 * has sealed a put's chunk) releases it, and its buffer goes back to the sender with the next
 * message, for the sender's next frame. The buffer is transferred each way, so only one thread
 * can see it at a time: a view kept by mistake reads as empty, never as another frame's bytes.
 *
 * Messages on the port, each checked on arrival (anything else closes the connection 1002):
 *   {kind:'frame', bytes, spare?} one bus frame (bus-frames.ts), bytes a Uint8Array; spare: up to
 *                                 MAX_SPARE ArrayBuffers of released frames, for reuse
 *   {kind:'ping'} / {kind:'pong'} liveness, as WebSocket ping and pong
 *   {kind:'close', code, reason}  the sender is closing; the receiver closes the port
 */

type PortMessage =
  | { kind: 'frame'; bytes: Uint8Array; spare?: ArrayBuffer[] }
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'close'; code: number; reason: string };

/** readyState takes WebSocket's values, which the bus code compares against. */
const { CONNECTING, OPEN, CLOSING, CLOSED } = WebSocket;

/** WebSocket's codes for a protocol error and a frame too big. */
const CLOSE_PROTOCOL = 1002;
const CLOSE_TOO_BIG = 1009;
/** Frames from this size on (chunks) are sent in reusable buffers; smaller ones are not worth it. */
const REUSE_FROM_BYTES = 64 * 1024;
/** Released buffers kept for reuse, per thread and per socket; more are left to the collector. */
const MAX_SPARE = 8;
/** Large frame buffers are allocated in multiples of this. */
const ROUND_BYTES = 16 * 1024;
/** This thread's buffers that came back over some port, ready for its next large frame. */
const spare: ArrayBuffer[] = [];
/** How long spares are kept after the last one came back. */
const SPARE_IDLE_MS = 5_000;
let spareTimer: NodeJS.Timeout | undefined;
/** Large frames' buffers received over a port, which release() may give back. */
const received = new WeakSet<ArrayBuffer>();
/** A close reason is at most 123 bytes in WebSocket; the same cap here. */
const MAX_REASON_LENGTH = 123;

export class PortSocket extends EventEmitter {
  readyState: number = CONNECTING;
  /**
   * Always 0: a port has no send buffer to fill. What is in flight is bounded by the engine's
   * own windows (storage-fanout.ts, downstream.ts), which wait for replies.
   */
  readonly bufferedAmount = 0;
  private port: MessagePort | undefined;
  /** The close this side started (sent) or received; absent: the port just went away. */
  private closeFrame: { code: number; reason: string } | undefined;
  /** Released frames' buffers, going back to the other side with the next message. */
  private returning: ArrayBuffer[] = [];

  /** With a port: open at once (the engine's end). Without: connecting until attach or fail. */
  constructor(
    port: MessagePort | undefined,
    private readonly maxPayload: number,
  ) {
    super();
    if (port) this.attach(port);
  }

  /** The port arrived: the connection is open (emits `open`). A closed socket closes it. */
  attach(port: MessagePort): void {
    if (this.readyState !== CONNECTING) {
      port.close();
      return;
    }
    this.port = port;
    this.readyState = OPEN;
    port.on('message', (message: unknown) => this.receive(message));
    port.on('close', () => this.ended());
    setImmediate(() => {
      if (this.readyState === OPEN) this.emit('open');
    });
  }

  /** No port could be had: emits `error`, then `close` 1006, as a refused WebSocket does. */
  fail(error: Error): void {
    if (this.readyState !== CONNECTING) return;
    this.readyState = CLOSED;
    setImmediate(() => {
      this.emit('error', error);
      this.emit('close', CLOSE_ABNORMAL, Buffer.alloc(0));
    });
  }

  /**
   * Sends one frame. The bytes are copied into a buffer of their own (a spare one the other side
   * gave back, when one fits), which is transferred (moved, not copied again): the caller may
   * reuse its buffer (the engine sends one put frame to each of its devices), and a small
   * Buffer's shared pool is never handed away. (Sharing one copy of a put frame among the
   * devices through a SharedArrayBuffer was tried: no faster, and more memory held.)
   */
  send(data: Buffer, _options?: { binary?: boolean }): void {
    if (this.readyState !== OPEN || !this.port) return;
    const bytes = frameBuffer(data.length);
    data.copy(bytes);
    const back = this.returning.splice(0);
    this.post({ kind: 'frame', bytes, ...(back.length > 0 ? { spare: back } : {}) }, [
      bytes.buffer as ArrayBuffer,
      ...back,
    ]);
  }

  /**
   * The receiver is done with a frame this socket delivered, and with every view of it: its
   * buffer goes back to the sender with the next message. A frame that did not come from this
   * kind of socket, or a small one, is left alone.
   */
  release(frame: Buffer): void {
    const buffer = frame.buffer;
    if (!(buffer instanceof ArrayBuffer) || !received.delete(buffer)) return;
    if (this.readyState === OPEN && this.returning.length < MAX_SPARE) this.returning.push(buffer);
  }

  ping(): void {
    if (this.readyState === OPEN) this.post({ kind: 'ping' });
  }

  /** Starts the close: the peer is told the code and reason, and closes the port. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    if (this.readyState === CONNECTING) {
      this.terminate();
      return;
    }
    this.readyState = CLOSING;
    this.closeFrame = { code, reason: reason.slice(0, MAX_REASON_LENGTH) };
    this.post({ kind: 'close', ...this.closeFrame });
  }

  /** Drops the connection at once (close 1006 on both ends). */
  terminate(): void {
    if (this.readyState === CLOSED) return;
    if (!this.port) {
      this.readyState = CLOSED;
      setImmediate(() => this.emit('close', CLOSE_ABNORMAL, Buffer.alloc(0)));
      return;
    }
    this.closeFrame = undefined;
    this.port.close();
  }

  private post(message: PortMessage, transfer: ArrayBuffer[] = []): void {
    this.port?.postMessage(message, transfer);
  }

  private receive(message: unknown): void {
    if (this.readyState !== OPEN && this.readyState !== CLOSING) return;
    const parsed = asPortMessage(message);
    if (!parsed) {
      this.close(CLOSE_PROTOCOL, 'malformed port message');
      return;
    }
    switch (parsed.kind) {
      case 'frame':
        for (const buffer of parsed.spare ?? []) keepSpare(buffer);
        if (this.readyState !== OPEN) return;
        if (
          parsed.bytes.byteLength >= REUSE_FROM_BYTES &&
          parsed.bytes.buffer instanceof ArrayBuffer
        )
          received.add(parsed.bytes.buffer);
        if (parsed.bytes.length > this.maxPayload) {
          this.close(CLOSE_TOO_BIG, 'Max payload size exceeded');
          return;
        }
        this.emit(
          'message',
          Buffer.from(parsed.bytes.buffer, parsed.bytes.byteOffset, parsed.bytes.byteLength),
          true,
        );
        return;
      case 'ping':
        this.post({ kind: 'pong' });
        this.emit('ping');
        return;
      case 'pong':
        this.emit('pong');
        return;
      case 'close':
        // The peer's close; a close of our own that crossed it keeps our code, as in ws.
        this.closeFrame ??= { code: parsed.code, reason: parsed.reason };
        this.port?.close();
        return;
    }
  }

  /** The port closed (either end): the connection is over. */
  private ended(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    const { code, reason } = this.closeFrame ?? { code: CLOSE_ABNORMAL, reason: '' };
    this.emit('close', code, Buffer.from(reason, 'utf8'));
  }
}

function asPortMessage(message: unknown): PortMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { kind } = message as { kind?: unknown };
  if (kind === 'ping' || kind === 'pong') return { kind };
  if (kind === 'frame') {
    const { bytes, spare: returned } = message as { bytes?: unknown; spare?: unknown };
    if (!(bytes instanceof Uint8Array)) return undefined;
    if (returned === undefined) return { kind, bytes };
    const buffers =
      Array.isArray(returned) &&
      returned.length <= MAX_SPARE &&
      returned.every((buffer) => buffer instanceof ArrayBuffer)
        ? (returned as ArrayBuffer[])
        : undefined;
    return buffers ? { kind, bytes, spare: buffers } : undefined;
  }
  if (kind === 'close') {
    const { code, reason } = message as { code?: unknown; reason?: unknown };
    if (!Number.isInteger(code) || typeof reason !== 'string') return undefined;
    return { kind, code: code as number, reason: reason.slice(0, MAX_REASON_LENGTH) };
  }
  return undefined;
}

/**
 * A buffer of its own for a frame of `length` bytes: a spare one that fits (not more than twice
 * the size), else a new one, not zero-filled first (every byte is copied over). A new large one
 * is rounded up, so that it still fits when a frame header grows by a digit or two.
 */
function frameBuffer(length: number): Buffer {
  if (length < REUSE_FROM_BYTES) return Buffer.allocUnsafeSlow(length);
  const at = spare.findIndex(
    (buffer) => buffer.byteLength >= length && buffer.byteLength <= 2 * length,
  );
  const buffer =
    at >= 0
      ? spare.splice(at, 1)[0]!
      : (Buffer.allocUnsafeSlow(Math.ceil(length / ROUND_BYTES) * ROUND_BYTES)
          .buffer as ArrayBuffer);
  return Buffer.from(buffer, 0, length);
}

/**
 * Keeps a buffer that came back for reuse; the oldest spare gives way when there are enough.
 * Spares are let go SPARE_IDLE_MS after the last one came back: an engine that has finished a
 * transfer does not keep them.
 */
function keepSpare(buffer: ArrayBuffer): void {
  if (spare.length >= MAX_SPARE) spare.shift();
  spare.push(buffer);
  clearTimeout(spareTimer);
  spareTimer = setTimeout(() => (spare.length = 0), SPARE_IDLE_MS);
  spareTimer.unref();
}
