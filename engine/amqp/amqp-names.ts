/**
 * The engine's names on a RabbitMQ broker (contract §9 bus kind `amqp`), all under one prefix so
 * several engines can share a broker. Devices get write access to `engine` and read access to
 * their own `deviceQueue`, nothing else (broker-accounts.ts).
 *
 *   device   direct exchange  engine → a device, routing key = device id, into its deviceQueue
 *   devices  fanout exchange  engine → every device queue (a node that starts asks all to greet)
 *   engine   direct exchange  device → engine: key `device` (hello, vote) into `requests`, which
 *                             every node consumes; key `reply.<run>` into that node run's queue
 *   cluster  fanout exchange  node → every node run's queue (channel messages, device presence)
 *
 * The event exchange (`amq.rabbitmq.event`, plugin rabbitmq_event_exchange) tells every node
 * the moment a device's consumer goes away, so a device is offline as soon as its connection is.
 */
export interface AmqpNames {
  readonly prefix: string;
  readonly deviceExchange: string;
  readonly broadcastExchange: string;
  readonly engineExchange: string;
  readonly clusterExchange: string;
  readonly requestsQueue: string;
  /** The routing key devices publish hello and vote frames with. */
  readonly deviceRoutingKey: string;
  deviceQueue(deviceId: string): string;
  /** The device a queue name belongs to, or undefined. */
  deviceOfQueue(queue: string): string | undefined;
  nodeQueue(incarnation: string): string;
  replyKey(incarnation: string): string;
  /** The broker user of a device. */
  deviceUser(deviceId: string): string;
  /** The device a broker user name belongs to, or undefined. */
  deviceOfUser(user: string): string | undefined;
}

export const EVENT_EXCHANGE = 'amq.rabbitmq.event';
export const DEFAULT_PREFIX = 'privicore';
const PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

export function amqpNames(prefix = DEFAULT_PREFIX): AmqpNames {
  if (!PREFIX_PATTERN.test(prefix))
    throw new Error(`the AMQP prefix must match ${PREFIX_PATTERN}, got "${prefix}"`);
  const queuePrefix = `${prefix}.device.`;
  const userPrefix = `${prefix}-device-`;
  return {
    prefix,
    deviceExchange: `${prefix}.device`,
    broadcastExchange: `${prefix}.devices`,
    engineExchange: `${prefix}.engine`,
    clusterExchange: `${prefix}.cluster`,
    requestsQueue: `${prefix}.engine.requests`,
    deviceRoutingKey: 'device',
    deviceQueue: (deviceId) => `${queuePrefix}${deviceId}`,
    deviceOfQueue: (queue) =>
      queue.startsWith(queuePrefix) ? queue.slice(queuePrefix.length) : undefined,
    nodeQueue: (incarnation) => `${prefix}.node.${incarnation}`,
    replyKey: (incarnation) => `reply.${incarnation}`,
    deviceUser: (deviceId) => `${userPrefix}${deviceId}`,
    deviceOfUser: (user) =>
      user.startsWith(userPrefix) ? user.slice(userPrefix.length) : undefined,
  };
}

/** A literal for a RabbitMQ permission pattern (an Erlang regular expression). */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
