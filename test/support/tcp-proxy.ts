import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 port 0 in front of an engine, so a test can cut connections the way a
 * network does: `drop()` destroys every open connection at once; `blackhole()` first stops
 * forwarding server→client bytes, so whatever the engine writes from then on is lost on the wire
 * while the engine still believes the connection is up.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private swallowing = false;
  private swallowedListeners: (() => void)[] = [];
  private server: Server | undefined;
  /** Server→client bytes dropped by blackhole() so far. */
  swallowed = 0;
  port = 0;

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy();
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      const pair = { client, upstream };
      proxy.pairs.add(pair);
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk: Buffer) => {
        if (!proxy.swallowing) {
          client.write(chunk);
          return;
        }
        proxy.swallowed += chunk.length;
        for (const listener of proxy.swallowedListeners.splice(0)) listener();
      });
      const end = () => {
        proxy.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    proxy.server = server;
    proxy.port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  static forUrl(url: string): Promise<TcpProxy> {
    const parsed = new URL(url);
    return TcpProxy.start({ host: parsed.hostname, port: Number(parsed.port) });
  }

  /** The URL with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString().replace(/\/$/, '');
  }

  get open(): number {
    return this.pairs.size;
  }

  /** Server→client bytes are dropped from now until restore(). */
  blackhole(): void {
    this.swallowing = true;
  }

  restore(): void {
    this.swallowing = false;
  }

  /** Resolves once more than `bytes` server→client bytes have been swallowed in all. */
  async swallowedMoreThan(bytes: number): Promise<void> {
    while (this.swallowed <= bytes)
      await new Promise<void>((resolve) => this.swallowedListeners.push(resolve));
  }

  /** Destroys every open connection (both sides). */
  drop(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
