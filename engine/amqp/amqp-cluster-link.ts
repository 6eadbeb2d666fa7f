import type { ClusterLink } from '../cluster/cluster-link.ts';
import type { Logger } from '../log.ts';
import type { Delivery, NodeBroker } from './node-broker.ts';
import type { AmqpNames } from './amqp-names.ts';

/**
 * The cluster link over the broker's `cluster` fan-out exchange (amqp-names.ts). Only engine
 * nodes may publish there, so a message's sender run (`appId`) is an engine node's word.
 */
export function amqpClusterLink(
  broker: NodeBroker,
  names: AmqpNames,
  self: string,
  log: Logger,
): ClusterLink & { deliver(message: Delivery): void } {
  const listeners = new Map<string, ((body: unknown, from: string) => void)[]>();
  // Sends keep their order: each waits for the one before it to be taken by the client.
  let chain = Promise.resolve();
  return {
    self,
    broadcast(topic, body) {
      const content = Buffer.from(JSON.stringify({ topic, body }));
      chain = chain
        .then(async () => {
          if (!(await broker.publish(names.clusterExchange, '', content, { appId: self })))
            log.warn({ topic }, 'cluster message not sent: the broker is unreachable');
        })
        .catch((err: unknown) => log.error({ err, topic }, 'cluster message not sent'));
    },
    on(topic, listener) {
      listeners.set(topic, [...(listeners.get(topic) ?? []), listener]);
    },
    deliver(message) {
      const from = message.properties.appId as string | undefined;
      if (!from || from === self) return;
      let parsed: { topic?: unknown; body?: unknown };
      try {
        parsed = JSON.parse(message.content.toString('utf8')) as typeof parsed;
      } catch (err) {
        log.error({ err, from }, 'unreadable cluster message');
        return;
      }
      for (const listener of listeners.get(String(parsed.topic)) ?? []) {
        try {
          listener(parsed.body, from);
        } catch (err) {
          log.error({ err, topic: parsed.topic }, 'cluster message handling failed');
        }
      }
    },
  };
}
