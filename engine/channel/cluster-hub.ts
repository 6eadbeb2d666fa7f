import type { ClusterLink } from '../cluster/cluster-link.ts';
import type { EngineHub, PublishOptions } from './channel-hub.ts';
import type { Recipient, ServerMessage } from './messages.ts';
import type { JoinedSocket, SocketHub } from './socket-hub.ts';

/**
 * The WebSocket proxy's delivery across engine nodes (DESIGN "Scale"): a message published on
 * one node goes to the sockets joined on every node, so a client joined on node 2 hears the ack
 * of a command it sent to node 1. Each node tells the others how many sockets it has per
 * recipient, so the contract's buffering (§2: messages for a recipient with no socket wait 30 s
 * for the next one that joins) holds for the whole cluster: a node keeps a message only while no
 * socket for its recipient is joined anywhere, and drops what it kept once one joins elsewhere
 * (that node delivered its own copy).
 */
export class ClusterHub implements EngineHub {
  /** recipient key → node run → sockets joined there. */
  private readonly remote = new Map<string, Map<string, number>>();

  constructor(
    private readonly local: SocketHub,
    private readonly link: ClusterLink,
  ) {
    local.bufferHere = (key) => !this.joinedElsewhere(key);
    local.onCountChange((key, count) => link.broadcast('hub.count', { key, count }));
    link.on('hub.count', (body, from) => {
      const { key, count } = body as { key: string; count: number };
      this.setRemote(key, from, count);
    });
    link.on('hub.counts', (body, from) => {
      for (const [key, nodes] of this.remote)
        if (nodes.delete(from) && nodes.size === 0) this.remote.delete(key);
      for (const [key, count] of body as [string, number][]) this.setRemote(key, from, count);
    });
    link.on('hub.hello', () => link.broadcast('hub.counts', local.counts()));
    link.on('hub.publish', (body) => {
      const { recipient, message, buffer } = body as {
        recipient: Recipient;
        message: ServerMessage;
        buffer?: boolean;
      };
      this.deliver(recipient, message, buffer === false ? { buffer: false } : {});
    });
    link.on('hub.close-token', (body) =>
      local.closeToken((body as { tokenHash: string }).tokenHash),
    );
    link.on('hub.shorten-token', (body) => {
      const { tokenHash, expiresAt } = body as { tokenHash: string; expiresAt: number };
      local.shortenToken(tokenHash, expiresAt);
    });
    link.on('hub.close-device', (body) =>
      local.closeDevice((body as { deviceId: string }).deviceId),
    );
  }

  /** Once the link is up: a node that starts learns where sockets are joined already. */
  start(): void {
    this.link.broadcast('hub.hello', {});
  }

  publish(recipient: Recipient, message: ServerMessage, options: PublishOptions = {}): void {
    this.deliver(recipient, message, options);
    this.link.broadcast('hub.publish', {
      recipient,
      message,
      ...(options.buffer === false ? { buffer: false } : {}),
    });
  }

  closeToken(tokenHash: string): void {
    this.local.closeToken(tokenHash);
    this.link.broadcast('hub.close-token', { tokenHash });
  }

  shortenToken(tokenHash: string, expiresAt: number): void {
    this.local.shortenToken(tokenHash, expiresAt);
    this.link.broadcast('hub.shorten-token', { tokenHash, expiresAt });
  }

  closeDevice(deviceId: string): void {
    this.local.closeDevice(deviceId);
    this.link.broadcast('hub.close-device', { deviceId });
  }

  isDeviceJoined(deviceId: string): boolean {
    return this.local.isDeviceJoined(deviceId) || this.joinedElsewhere(`d:${deviceId}`);
  }

  join(socket: JoinedSocket): void {
    this.local.join(socket);
  }

  leave(socket: JoinedSocket): void {
    this.local.leave(socket);
  }

  sendTo(socket: JoinedSocket, message: ServerMessage): void {
    this.local.sendTo(socket, message);
  }

  /** Forgets the sockets of node runs that ended (cluster/node-run.ts sweep). */
  keepNodes(live: ReadonlySet<string>): void {
    for (const [key, nodes] of this.remote) {
      for (const node of nodes.keys()) if (!live.has(node)) nodes.delete(node);
      if (nodes.size === 0) this.remote.delete(key);
    }
  }

  private deliver(recipient: Recipient, message: ServerMessage, options: PublishOptions): void {
    // Where a key is joined elsewhere, that node delivers; local.bufferHere keeps no copy here.
    this.local.publish(recipient, message, options);
  }

  private joinedElsewhere(key: string): boolean {
    return (this.remote.get(key)?.size ?? 0) > 0;
  }

  private setRemote(key: string, node: string, count: number): void {
    const nodes = this.remote.get(key) ?? new Map<string, number>();
    if (count > 0) {
      nodes.set(node, count);
      this.remote.set(key, nodes);
      // A socket joined there got (or gets) what waits here: delivered once, not twice.
      this.local.dropBuffered(key);
    } else {
      nodes.delete(node);
      if (nodes.size === 0) this.remote.delete(key);
    }
  }
}
