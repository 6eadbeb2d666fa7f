import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { loadSelfSignedCertificate } from '../../engine/tls/self-signed.ts';
import { certificatePin } from '../../engine/tls/tls-pin.ts';

/**
 * An impostor: a TLS server with a certificate of its own that terminates TLS and records every
 * byte a client sends it after the handshake, and answers nothing. A client pinned to another
 * key must complete no request here: `received()` stays empty, so no header, token, password or
 * WebSocket hello reached it (it would read them in plain text).
 */
interface Seen {
  chunks: Buffer[];
  handshakes: number;
  connections: number;
}

export class TlsRecorder {
  private constructor(
    private readonly server: Server,
    private readonly seen: Seen,
    readonly url: string,
    /** The impostor's own pin (not the engine's). */
    readonly pin: string,
  ) {}

  static async start(): Promise<TlsRecorder> {
    const made = await loadSelfSignedCertificate(
      mkdtempSync(join(tmpdir(), 'privicore-impostor-')),
    );
    const sockets = new Set<TLSSocket>();
    const seen: Seen = { chunks: [], handshakes: 0, connections: 0 };
    const server = createServer({ key: made.keyPem, cert: made.certPem }, (socket) => {
      sockets.add(socket);
      seen.handshakes += 1;
      socket.on('data', (chunk: Buffer) => seen.chunks.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('connection', () => (seen.connections += 1));
    // A client that drops the connection mid-handshake (on a pin mismatch) is no server error.
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    server.on('close', () => {
      for (const socket of sockets) socket.destroy();
    });
    return new TlsRecorder(server, seen, `https://127.0.0.1:${port}`, certificatePin(made.certPem));
  }

  /** TCP connections accepted: the client did come here. */
  get connections(): number {
    return this.seen.connections;
  }

  /** TLS handshakes the server side completed. */
  get handshakes(): number {
    return this.seen.handshakes;
  }

  /** Everything the clients sent after their handshakes. */
  received(): Buffer {
    return Buffer.concat(this.seen.chunks);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
