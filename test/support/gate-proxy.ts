import { connect, createServer, type Server, type Socket } from 'node:net';

interface Gate {
  /** The request line that starts the transfer to hold. */
  request: string;
  /** Which way the held bytes flow: the answer (download) or the request body (upload). */
  direction: 'download' | 'upload';
  after: number;
  resolve: () => void;
  /** Set once holding: lets the transfer go on. */
  release?: () => void;
}

/**
 * A TCP proxy on 127.0.0.1 port 0 in front of an engine (HTTP and WebSocket alike) that can hold
 * a transfer in mid-flight: after `holdDownloadAfter(n)` the next GET /downstream gets n bytes of
 * its answer and then the proxy stops reading the engine (backpressure stops the engine reading
 * its devices); after `holdUploadAfter(n)` the next POST /upstream gets n bytes through and the
 * rest waits in the proxy, so the engine never sees the whole body and the app waits for its
 * answer. `release()` lets it go on. A test can change the world while a transfer is provably
 * unfinished, with no timing guesses. (An upload is buffered rather than paused so that the app
 * closing its end is still seen, as it is on a real network.)
 */
export class GatedProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private target: { host: string; port: number } | undefined;
  /** Connections that came before the engine listened; they go through once it does. */
  private readonly early: Socket[] = [];
  private gate: Gate | undefined;
  private server: Server | undefined;
  port = 0;

  static async start(): Promise<GatedProxy> {
    const proxy = new GatedProxy();
    const server = createServer((client) => proxy.pipe(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    proxy.server = server;
    proxy.port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where connections go; set once the engine behind it listens. */
  forwardTo(target: { host: string; port: number }): void {
    this.target = target;
    for (const client of this.early.splice(0)) this.pipe(client);
  }

  /** Resolves once a download has been held after `bytes` bytes of its answer. */
  holdDownloadAfter(bytes: number): Promise<void> {
    return this.hold('GET /downstream', 'download', bytes);
  }

  /** Resolves once an upload has been held after `bytes` bytes of its request. */
  holdUploadAfter(bytes: number): Promise<void> {
    return this.hold('POST /upstream', 'upload', bytes);
  }

  /** Lets the held transfer go on. */
  release(): void {
    const release = this.gate?.release;
    this.gate = undefined;
    release?.();
  }

  async close(): Promise<void> {
    this.release();
    for (const client of this.early.splice(0)) client.destroy();
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private hold(request: string, direction: Gate['direction'], after: number): Promise<void> {
    return new Promise((resolve) => {
      this.gate = { request, direction, after, resolve };
    });
  }

  private pipe(client: Socket): void {
    if (!this.target) {
      client.pause();
      this.early.push(client);
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    /** Bytes of the gated transfer seen on this connection; null while it carries none. */
    let counted: number | null = null;
    /** Request bytes kept back while an upload is held. */
    let withheld: Buffer[] | null = null;
    const reached = (gate: Gate, bytes: number) => {
      counted = (counted ?? 0) + bytes;
      return counted >= gate.after;
    };
    client.on('data', (chunk: Buffer) => {
      if (withheld) {
        withheld.push(chunk);
        return;
      }
      const gate = this.gate;
      if (gate && !gate.release && counted === null && chunk.includes(gate.request)) counted = 0;
      upstream.write(chunk);
      if (gate?.direction !== 'upload' || gate.release || counted === null) return;
      if (!reached(gate, chunk.length)) return;
      withheld = [];
      gate.release = () => {
        for (const piece of withheld ?? []) upstream.write(piece);
        withheld = null;
      };
      gate.resolve();
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      const gate = this.gate;
      if (gate?.direction !== 'download' || gate.release || counted === null) return;
      if (!reached(gate, chunk.length)) return;
      upstream.pause();
      gate.release = () => upstream.resume();
      gate.resolve();
    });
    client.resume();
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  }
}
