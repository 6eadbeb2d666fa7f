import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';

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
 * Messages on the port, each checked on arrival (anything else closes the connection 1002):
 *   {kind:'frame', bytes}         one bus frame (bus-frames.ts), bytes a Uint8Array
 *   {kind:'ping'} / {kind:'pong'} liveness, as WebSocket ping and pong
 *   {kind:'close', code, reason}  the sender is closing; the receiver closes the port
 */

type PortMessage =
  | { kind: 'frame'; bytes: Uint8Array }
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'close'; code: number; reason: string };

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** WebSocket's codes for a connection lost without a close, a protocol error, a frame too big. */
const CLOSE_ABNORMAL = 1006;
const CLOSE_PROTOCOL = 1002;
const CLOSE_TOO_BIG = 1009;
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
   * Sends one frame. The bytes are copied into a buffer of their own, which is transferred
   * (moved, not copied again): the caller may reuse its buffer (the engine sends one put frame
   * to each of its devices), and a small Buffer's shared pool is never handed away. Measured
   * against sharing one copy of a put frame among the devices in a SharedArrayBuffer, this was
   * as fast and held less memory: V8 frees transferred buffers sooner.
   */
  send(data: Buffer, _options?: { binary?: boolean }): void {
    if (this.readyState !== OPEN || !this.port) return;
    // Its own ArrayBuffer, not zero-filled first: every byte is copied over.
    const bytes = Buffer.allocUnsafeSlow(data.length);
    data.copy(bytes);
    this.post({ kind: 'frame', bytes }, [bytes.buffer as ArrayBuffer]);
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
        if (this.readyState !== OPEN) return;
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
    const { bytes } = message as { bytes?: unknown };
    return bytes instanceof Uint8Array ? { kind, bytes } : undefined;
  }
  if (kind === 'close') {
    const { code, reason } = message as { code?: unknown; reason?: unknown };
    if (!Number.isInteger(code) || typeof reason !== 'string') return undefined;
    return { kind, code: code as number, reason: reason.slice(0, MAX_REASON_LENGTH) };
  }
  return undefined;
}
