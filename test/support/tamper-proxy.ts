import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import { Transform } from 'node:stream';

export type TamperMode =
  /** Flip one bit of the body at this offset; headers (ETag) untouched. */
  | { flipAt: number; dropEtag?: boolean }
  /** End the body early (Content-Length promises more). */
  | { truncateAt: number };

/**
 * An HTTP forwarder to an engine that alters download bodies (GET /downstream) the way a
 * faulty disk or a hostile network would. Everything else passes through unchanged.
 */
export class TamperProxy {
  mode: TamperMode | undefined;
  url = '';
  private server: Server | undefined;

  static async start(targetUrl: string): Promise<TamperProxy> {
    const target = new URL(targetUrl);
    const proxy = new TamperProxy();
    const server = createServer((incoming, outgoing) => {
      const upstream = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response: IncomingMessage) => {
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
      incoming.pipe(upstream);
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
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
