/**
 * How engine nodes tell each other things (DESIGN "Scale"): a broadcast to every other node run,
 * by topic. Over RabbitMQ (amqp/amqp-cluster-link.ts) each node run has its own queue on a
 * fan-out exchange, so what one node sends reaches the others in the order it was sent. A single
 * node has nobody to tell (`soloLink`).
 */
export interface ClusterLink {
  /** This node run (cluster/node-run.ts incarnation). */
  readonly self: string;
  /** To every other node run; never back to this one. */
  broadcast(topic: string, body: unknown): void;
  /** What other node runs broadcast on `topic`, with the sender's run. */
  on(topic: string, listener: (body: unknown, from: string) => void): void;
}

export function soloLink(self: string): ClusterLink {
  return { self, broadcast: () => undefined, on: () => undefined };
}
