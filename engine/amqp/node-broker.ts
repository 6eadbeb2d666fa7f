import amqp from 'amqplib';
import type { Logger } from '../log.ts';
import { EVENT_EXCHANGE, type AmqpNames } from './amqp-names.ts';

/**
 * One engine node's connection to RabbitMQ (amqp-names.ts has the topology): it declares the
 * exchanges and the shared requests queue, its own run's queue bound to replies, the cluster
 * fan-out and the broker's consumer events, and hands each delivery to whoever listens. A lost
 * connection is re-established with backoff; listeners hear `down` and `up` so they can drop
 * and rebuild what they knew (device presence, pending requests).
 */
export interface NodeBrokerOptions {
  url: string;
  names: AmqpNames;
  incarnation: string;
  log: Logger;
}

export type Delivery = amqp.ConsumeMessage;

export interface NodeBrokerHandlers {
  /** A device's reply to a request of this run. */
  reply(message: Delivery): void;
  /** A device's hello or vote; exactly one node gets each. Acknowledged once it resolves. */
  request(message: Delivery): Promise<void>;
  /** Another node's broadcast. */
  cluster(message: Delivery): void;
  /** The broker's consumer.created / consumer.deleted events. */
  consumerEvent(kind: 'created' | 'deleted', headers: Record<string, unknown>): void;
  /** A request the broker could not route (the device's queue is gone). */
  returned(message: amqp.Message): void;
  up(): void;
  down(): void;
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;
/** Hellos and votes a node works on at once. */
const REQUEST_PREFETCH = 32;

export class NodeBroker {
  private connection: amqp.ChannelModel | undefined;
  private channel: amqp.Channel | undefined;
  private handlers: NodeBrokerHandlers | undefined;
  private closed = false;
  private reconnecting: NodeJS.Timeout | undefined;
  private drainWaiters: (() => void)[] = [];
  /** The socket took more than it wants; publishing waits for it to drain. */
  private full = false;

  constructor(private readonly options: NodeBrokerOptions) {}

  get connected(): boolean {
    return this.channel !== undefined;
  }

  /** Connects and sets up; rejects when the broker cannot be reached or lacks the plugin. */
  async start(handlers: NodeBrokerHandlers): Promise<void> {
    this.handlers = handlers;
    await this.connect();
  }

  /**
   * Publishes one message once the connection's socket has room (a full one holds the rest back
   * in order, so chunk traffic never piles up in memory); `content` may be made only then. False
   * when the node is not connected.
   */
  async publish(
    exchange: string,
    routingKey: string,
    content: Buffer | (() => { content: Buffer; headers?: Record<string, string> }),
    options: amqp.Options.Publish = {},
  ): Promise<boolean> {
    while (this.channel && this.full) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
    const channel = this.channel;
    if (!channel) return false;
    const made = typeof content === 'function' ? content() : { content };
    const headers = made.headers ? { ...options.headers, ...made.headers } : options.headers;
    if (!channel.publish(exchange, routingKey, made.content, { ...options, headers }))
      this.full = true;
    return true;
  }

  /** The device's queue, bound for requests and greetings; idempotent. */
  async declareDevice(deviceId: string): Promise<void> {
    const { names } = this.options;
    const channel = this.requireChannel();
    const queue = names.deviceQueue(deviceId);
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, names.deviceExchange, deviceId);
    await channel.bindQueue(queue, names.broadcastExchange, '');
  }

  async deleteDevice(deviceId: string): Promise<void> {
    await this.requireChannel().deleteQueue(this.options.names.deviceQueue(deviceId));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnecting);
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
    await connection?.close().catch(() => undefined);
  }

  private requireChannel(): amqp.Channel {
    if (!this.channel) throw new Error('not connected to the AMQP broker');
    return this.channel;
  }

  private async connect(): Promise<void> {
    const { names, incarnation, log } = this.options;
    const connection = await amqp.connect(this.options.url, {
      clientProperties: { connection_name: `privicore engine ${incarnation}` },
    });
    try {
      const channel = await connection.createChannel();
      await channel.assertExchange(names.deviceExchange, 'direct', { durable: true });
      await channel.assertExchange(names.broadcastExchange, 'fanout', { durable: true });
      await channel.assertExchange(names.engineExchange, 'direct', { durable: true });
      await channel.assertExchange(names.clusterExchange, 'fanout', { durable: true });
      await channel.assertQueue(names.requestsQueue, { durable: true });
      await channel.bindQueue(names.requestsQueue, names.engineExchange, names.deviceRoutingKey);
      const own = names.nodeQueue(incarnation);
      await channel.assertQueue(own, { exclusive: true, autoDelete: true, durable: false });
      await channel.bindQueue(own, names.engineExchange, names.replyKey(incarnation));
      await channel.bindQueue(own, names.clusterExchange, '');
      try {
        await channel.bindQueue(own, EVENT_EXCHANGE, 'consumer.*');
      } catch (error) {
        throw new Error(
          `the broker has no ${EVENT_EXCHANGE} exchange in this virtual host: enable the rabbitmq_event_exchange plugin (rabbitmq-plugins enable rabbitmq_event_exchange) and use the vhost it publishes to (${(error as Error).message})`,
        );
      }
      await channel.prefetch(REQUEST_PREFETCH);
      channel.on('drain', () => {
        this.full = false;
        for (const waiter of this.drainWaiters.splice(0)) waiter();
      });
      channel.on('return', (message: amqp.Message) => this.handlers?.returned(message));
      await channel.consume(own, (message) => message && this.dispatch(message), {
        noAck: true,
      });
      await channel.consume(
        names.requestsQueue,
        (message) => {
          if (!message) return;
          void this.handlers!.request(message)
            .catch((err: unknown) => log.error({ err }, 'device request handling failed'))
            .finally(() => {
              if (this.channel === channel) channel.ack(message);
            });
        },
        { noAck: false },
      );
      // Either failing means the connection is gone for our purposes: start over.
      const lost = (why: string) => this.lost(connection, why);
      connection.on('close', () => lost('connection closed'));
      connection.on('error', (err: Error) => log.warn({ err }, 'AMQP connection error'));
      channel.on('close', () => lost('channel closed'));
      channel.on('error', (err: Error) => log.warn({ err }, 'AMQP channel error'));
      this.connection = connection;
      this.channel = channel;
      this.full = false;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    log.info({ incarnation }, 'connected to the AMQP broker');
    this.handlers?.up();
  }

  private dispatch(message: Delivery): void {
    const { names } = this.options;
    const handlers = this.handlers!;
    switch (message.fields.exchange) {
      case names.engineExchange:
        handlers.reply(message);
        return;
      case names.clusterExchange:
        handlers.cluster(message);
        return;
      case EVENT_EXCHANGE: {
        const kind = message.fields.routingKey === 'consumer.deleted' ? 'deleted' : 'created';
        handlers.consumerEvent(kind, message.properties.headers ?? {});
        return;
      }
    }
  }

  private lost(connection: amqp.ChannelModel, why: string): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.channel = undefined;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
    void connection.close().catch(() => undefined);
    if (this.closed) return;
    this.options.log.error({ why }, 'lost the AMQP broker; reconnecting');
    this.handlers?.down();
    this.scheduleReconnect(RECONNECT_MIN_MS);
  }

  private scheduleReconnect(delay: number): void {
    if (this.closed) return;
    this.reconnecting = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.options.log.warn({ err, delay }, 'AMQP broker still unreachable');
        this.scheduleReconnect(Math.min(delay * 2, RECONNECT_MAX_MS));
      });
    }, delay);
    this.reconnecting.unref();
  }
}
