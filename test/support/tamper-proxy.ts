import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { Transform } from 'node:stream';

export type TamperMode =
  /** Flip one bit of the body at this offset; headers (ETag) untouched. */
  | { flipAt: number; dropEtag?: boolean }
  /** End the body early (Content-Length promises more). */
  | { truncateAt: number };

/**
 * An HTTP forwarder to an engine that alters download bodies (GET /downstream) the way a
 * faulty disk or a hostile network would, and, with `editJson`, JSON answers the way a hostile
 * engine would. Everything else passes through unchanged, WebSocket upgrades included, so a
 * whole client (and the engine's storage devices) can run through it.
 *
 * The target may be set after start (`retarget`): an engine whose public URL is this proxy's
 * (its download links then lead through the proxy) can only start once the proxy is listening.
 */
export class TamperProxy {
  mode: TamperMode | undefined;
  /** Rewrites every JSON answer's text (a hostile engine's lies), when set. */
  editJson: ((body: string) => string) | undefined;
  url = '';
  private server: Server | undefined;
  private target: URL | undefined;
  private readonly tunnels = new Set<{ destroy(): void }>();
  private readonly watchers: { matches(method: string, path: string): boolean; seen(): void }[] =
    [];

  /** Resolves when a request for a path starting with `prefix` arrives (e.g. 'POST /upstream'). */
  request(method: string, prefix: string): Promise<void> {
    return new Promise((resolve) =>
      this.watchers.push({
        matches: (m, path) => m === method && path.startsWith(prefix),
        seen: resolve,
      }),
    );
  }

  retarget(targetUrl: string): void {
    this.target = new URL(targetUrl);
  }

  static async start(targetUrl?: string): Promise<TamperProxy> {
    const proxy = new TamperProxy();
    if (targetUrl !== undefined) proxy.retarget(targetUrl);
    const server = createServer((incoming, outgoing) => {
      for (const watcher of [...proxy.watchers]) {
        if (!watcher.matches(incoming.method ?? '', incoming.url ?? '')) continue;
        proxy.watchers.splice(proxy.watchers.indexOf(watcher), 1);
        watcher.seen();
      }
      const target = proxy.target;
      if (!target) {
        outgoing.writeHead(502).end();
        return;
      }
      const upstream = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response: IncomingMessage) => {
          const edit = proxy.editJson;
          if (edit && /application\/json/.test(String(response.headers['content-type']))) {
            const parts: Buffer[] = [];
            response.on('data', (part: Buffer) => parts.push(part));
            response.on('end', () => {
              const body = Buffer.from(edit(Buffer.concat(parts).toString('utf8')), 'utf8');
              const headers = { ...response.headers, 'content-length': String(body.length) };
              delete headers['transfer-encoding'];
              outgoing.writeHead(response.statusCode ?? 502, headers);
              outgoing.end(body);
            });
            return;
          }
          const mode =
            incoming.url?.startsWith('/downstream') && incoming.method === 'GET'
              ? proxy.mode
              : undefined;
          const headers = { ...response.headers };
          if (mode && 'dropEtag' in mode && mode.dropEtag) delete headers['etag'];
          outgoing.writeHead(response.statusCode ?? 502, headers);
          if (!mode) {
            response.pipe(outgoing);
            return;
          }
          let offset = 0;
          const alter = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              const start = offset;
              offset += chunk.length;
              if ('truncateAt' in mode) {
                if (start >= mode.truncateAt) return callback();
                if (offset > mode.truncateAt) {
                  this.push(chunk.subarray(0, mode.truncateAt - start));
                  // Cut the connection as an engine that lost its source would.
                  setImmediate(() => outgoing.destroy());
                  return callback();
                }
                return callback(null, chunk);
              }
              if (mode.flipAt >= start && mode.flipAt < offset) {
                const copy = Buffer.from(chunk);
                copy[mode.flipAt - start]! ^= 0x01;
                return callback(null, copy);
              }
              callback(null, chunk);
            },
          });
          response.pipe(alter).pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      // A client that goes away mid-request (an upload cut short) takes the engine's side down
      // with it, as a direct connection would.
      outgoing.on('close', () => {
        if (!outgoing.writableFinished) upstream.destroy();
      });
      incoming.pipe(upstream);
    });
    server.on('upgrade', (incoming: IncomingMessage, socket, head: Buffer) => {
      const target = proxy.target;
      if (!target) return void socket.destroy();
      const upstream = connect(Number(target.port), target.hostname, () => {
        const lines = [`${incoming.method} ${incoming.url} HTTP/${incoming.httpVersion}`];
        for (let i = 0; i < incoming.rawHeaders.length; i += 2)
          lines.push(`${incoming.rawHeaders[i]}: ${incoming.rawHeaders[i + 1]}`);
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        upstream.write(head);
        socket.pipe(upstream).pipe(socket);
      });
      const tunnel = {
        destroy() {
          socket.destroy();
          upstream.destroy();
        },
      };
      proxy.tunnels.add(tunnel);
      const end = () => {
        proxy.tunnels.delete(tunnel);
        tunnel.destroy();
      };
      upstream.on('error', end);
      socket.on('error', end);
      upstream.on('close', end);
      socket.on('close', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    proxy.server = server;
    proxy.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return proxy;
  }

  /** The same URL, through this proxy. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    const own = new URL(this.url);
    parsed.host = own.host;
    return parsed.toString();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const tunnel of this.tunnels) tunnel.destroy();
    this.tunnels.clear();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
