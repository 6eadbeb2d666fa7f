import { EventEmitter } from 'node:events';
import type * as amqp from 'amqplib';
import { WebSocket } from 'ws';
import { frameMessageOf, wholeFrame } from '../bus/amqp-frames.ts';
import { CLOSE_ABNORMAL, CLOSE_UNAUTHORIZED } from '../bus/bus-frames.ts';
import type { AmqpBus } from './device-bundle.ts';

/*
 * The device runtime's end of the `amqp` bus (contract §9), shaped like the WebSocket the
 * runtimes speak on the embedded bus, so storage-device.ts and authenticator.ts run unchanged on
 * either: `open` once the device consumes its queue, `message` per frame, `send` for frames to the
 * engine, `close` with the embedded bus's close codes.
 *
 * The device consumes its own queue exclusively and publishes to the bundle's exchange with its
 * broker user as `userId`, which the broker checks, so the engine knows who spoke. A frame that
 * answers a request goes to the reply key of the engine node that asked (the request's
 * `replyTo`); hello and votes go to the bundle's routing key, where any node takes them. Engine
 * control messages: `close` (headers code, reason) ends the connection with that code; `greet`
 * (a node started) sends the hello again, and the welcome it brings is not passed on twice.
 */

/** readyState takes WebSocket's values, which the bus code compares against. */
const { CONNECTING, OPEN, CLOSING, CLOSED } = WebSocket;

/** AMQP heartbeat: a broker that went away is noticed within about twice this. */
const HEARTBEAT_S = 10;
/** Requests a device works on at once; the broker holds the rest. */
const PREFETCH = 16;
/** The runtimes drop a connection that shows no life for a while; AMQP heartbeats are its pings. */
const PING_EVERY_MS = 15_000;
/** Close codes the runtimes know (bus-frames.ts), and one to try again later. */
const CLOSE_TRY_AGAIN = 1013;
const CHANNEL_CLOSE_GRACE_MS = 200;
const ERROR_CLOSE_GRACE_MS = 1_000;
const CLOSE_WAIT_MS = 1_000;

export class AmqpBusSocket extends EventEmitter {
  readonly OPEN = OPEN;
  readonly CLOSED = CLOSED;
  readyState: number = CONNECTING;
  private connection: amqp.ChannelModel | undefined;
  private channel: amqp.Channel | undefined;
  private tag: string | undefined;
  private hello: Buffer | undefined;
  private welcomed = false;
  /** Request id → the delivery it came in and who to answer. */
  private readonly asked = new Map<number, { message: amqp.ConsumeMessage; replyTo: string }>();
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: AmqpBus,
    private readonly deviceUser: string,
  ) {
    super();
    void this.connect();
  }

  send(data: Buffer): void {
    const channel = this.channel;
    if (this.readyState !== OPEN || !channel) return;
    const header = frameHeader(data);
    const id = typeof header?.id === 'number' ? header.id : undefined;
    const asked = id === undefined ? undefined : this.asked.get(id);
    const { content, headers } = frameMessageOf(data);
    if (asked) {
      this.asked.delete(id!);
      channel.publish(this.bus.exchange, asked.replyTo, content, {
        userId: this.deviceUser,
        correlationId: String(id),
        headers,
      });
      channel.ack(asked.message);
      return;
    }
    if (this.hello === undefined && header?.op === 'hello') this.hello = data;
    channel.publish(this.bus.exchange, this.bus.routingKey, content, {
      userId: this.deviceUser,
      messageId: this.tag,
      headers,
    });
  }

  close(code = 1000, reason = ''): void {
    this.finish(code, reason);
  }

  terminate(): void {
    this.finish(CLOSE_ABNORMAL, 'terminated');
  }

  private async connect(): Promise<void> {
    let connection: amqp.ChannelModel;
    try {
      const url = new URL(this.bus.url);
      url.searchParams.set('heartbeat', String(HEARTBEAT_S));
      // Loaded on first use: a device on the engine's own bus (the CLI's, the app's) never does.
      const { default: amqplib } = await import('amqplib');
      connection = await amqplib.connect(url.toString(), {
        clientProperties: { connection_name: `privicore device ${this.deviceUser}` },
      });
    } catch (error) {
      // The broker refusing the login means the device's user is gone: it was removed.
      const refused = /ACCESS.REFUSED|403/.test((error as Error).message);
      this.emit('error', error);
      this.finish(refused ? CLOSE_UNAUTHORIZED : CLOSE_ABNORMAL, (error as Error).message);
      return;
    }
    if (this.readyState !== CONNECTING) {
      await connection.close().catch(() => undefined);
      return;
    }
    this.connection = connection;
    connection.on('error', (error: Error) => {
      this.emit('error', error);
      // amqplib does not always follow a socket error with 'close' (seen: ECONNRESET while the
      // broker force-closed a removed device's connection), which left the runtime believing it
      // was connected. The connection is done either way; a close that comes in time keeps its
      // own code.
      setTimeout(() => this.finish(CLOSE_ABNORMAL, error.message), ERROR_CLOSE_GRACE_MS).unref();
    });
    connection.on('close', (error?: Error) => {
      const forced = /CONNECTION.FORCED|320/.test(String(error?.message));
      this.finish(forced ? CLOSE_UNAUTHORIZED : CLOSE_ABNORMAL, String(error?.message ?? 'closed'));
    });
    try {
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) => this.emit('error', error));
      // The broker closing the connection closes the channel first; the connection's reason
      // (a deleted user) is the one that counts, so a channel close waits a moment for it.
      channel.on('close', () =>
        setTimeout(() => this.finish(CLOSE_ABNORMAL, 'channel closed'), CHANNEL_CLOSE_GRACE_MS),
      );
      await channel.prefetch(PREFETCH);
      this.channel = channel;
      const { consumerTag } = await channel.consume(
        this.bus.queue,
        (message) => {
          // The broker cancels the consumer when the queue is deleted: the device was removed.
          if (message === null) this.finish(CLOSE_UNAUTHORIZED, 'the device queue was deleted');
          else this.deliver(message);
        },
        { exclusive: true, noAck: false },
      );
      this.tag = consumerTag;
    } catch (error) {
      // Another runtime with this bundle holds the queue; it may be a dead one the broker has
      // not noticed yet, so this one tries again later rather than giving up.
      const inUse = /exclusive use/.test((error as Error).message);
      this.emit('error', error);
      this.finish(inUse ? CLOSE_TRY_AGAIN : CLOSE_ABNORMAL, (error as Error).message);
      return;
    }
    if (this.readyState !== CONNECTING) return;
    this.readyState = OPEN;
    this.pinger = setInterval(() => this.emit('ping'), PING_EVERY_MS);
    this.pinger.unref();
    this.emit('open');
  }

  private deliver(message: amqp.ConsumeMessage): void {
    const channel = this.channel!;
    const type = message.properties.type as string | undefined;
    if (type === 'close') {
      channel.ack(message);
      const headers = message.properties.headers ?? {};
      this.finish(Number(headers.code) || CLOSE_ABNORMAL, String(headers.reason ?? ''));
      return;
    }
    if (type === 'greet') {
      channel.ack(message);
      if (this.hello) this.send(this.hello);
      return;
    }
    const frame = wholeFrame(message.content, message.properties.headers);
    const header = frameHeader(frame);
    const replyTo = message.properties.replyTo as string | undefined;
    if (typeof header?.id === 'number' && replyTo) {
      // Acknowledged with the answer, so the device holds at most PREFETCH requests.
      this.asked.set(header.id, { message, replyTo });
    } else {
      channel.ack(message);
      if (header?.op === 'welcome') {
        if (this.welcomed) return;
        this.welcomed = true;
      }
    }
    this.emit('message', frame, true);
  }

  private finish(code: number, reason: string): void {
    if (this.readyState === CLOSED || this.readyState === CLOSING) return;
    this.readyState = CLOSING;
    clearInterval(this.pinger);
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    this.asked.clear();
    // A connection whose socket failed may never answer close(): the close event must not wait
    // on it, or the runtime goes on believing it is connected.
    void (connection ? closeWithin(connection, CLOSE_WAIT_MS) : Promise.resolve()).then(() => {
      this.readyState = CLOSED;
      this.emit('close', code, Buffer.from(reason));
    });
  }
}

/** Closes the connection, waiting at most `ms` for the broker to confirm. */
function closeWithin(connection: amqp.ChannelModel, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void connection
      .close()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

/** A frame's header (bus-frames.ts layout), if it reads as one; the runtime checks it fully. */
function frameHeader(frame: Buffer): Record<string, unknown> | undefined {
  if (frame.length < 4) return undefined;
  const length = frame.readUInt32BE(0);
  if (length > frame.length - 4) return undefined;
  try {
    const header: unknown = JSON.parse(frame.subarray(4, 4 + length).toString('utf8'));
    return typeof header === 'object' && header !== null
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
