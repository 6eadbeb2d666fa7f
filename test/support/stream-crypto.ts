import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  type DecipherGCM,
} from 'node:crypto';
import { request } from 'node:http';

const PIECE = 256 * 1024;

/**
 * `size` pseudo-random bytes made on the fly (AES-256-CTR keystream of a random key), so a
 * test can move hundreds of MiB without holding them.
 */
export async function* generatedBytes(size: number): AsyncGenerator<Buffer> {
  const keystream = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const zeros = Buffer.alloc(PIECE);
  for (let left = size; left > 0; left -= PIECE)
    yield keystream.update(zeros.subarray(0, Math.min(PIECE, left)));
}

/** Tees a byte stream through SHA-256; `digest()` is valid once the stream was read. */
export function hashing(source: AsyncIterable<Buffer>): {
  stream: AsyncGenerator<Buffer>;
  digest(): string;
  size(): number;
} {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  async function* stream(): AsyncGenerator<Buffer> {
    for await (const piece of source) {
      hash.update(piece);
      size += piece.length;
      yield piece;
    }
    digest = hash.digest('hex');
  }
  return { stream: stream(), digest: () => digest!, size: () => size };
}

/** The reference client's layout as a stream: IV ‖ AES-256-GCM ciphertext ‖ tag. */
export async function* encryptStream(
  key: Buffer,
  plaintext: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  yield iv;
  for await (const piece of plaintext) yield cipher.update(piece);
  yield Buffer.concat([cipher.final(), cipher.getAuthTag()]);
}

/** Decrypts IV ‖ ciphertext ‖ tag as it streams; resolves with the plaintext's SHA-256 once the tag verified. */
export async function decryptStream(
  key: Buffer,
  payload: AsyncIterable<Buffer>,
): Promise<{ sha256: string; size: number }> {
  let head = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  let tail = Buffer.alloc(0);
  const hash = createHash('sha256');
  let size = 0;
  const take = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    const out = decipher!.update(bytes);
    hash.update(out);
    size += out.length;
  };
  for await (const piece of payload) {
    let bytes = piece;
    if (!decipher) {
      head = Buffer.concat([head, bytes]);
      if (head.length < 12) continue;
      decipher = createDecipheriv('aes-256-gcm', key, head.subarray(0, 12));
      bytes = head.subarray(12);
    }
    // The last 16 bytes are the tag: always hold them back.
    const joined = tail.length > 0 ? Buffer.concat([tail, bytes]) : bytes;
    take(joined.subarray(0, Math.max(0, joined.length - 16)));
    tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 16)));
  }
  decipher!.setAuthTag(tail);
  const last = decipher!.final();
  hash.update(last);
  size += last.length;
  return { sha256: hash.digest('hex'), size };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** POSTs a stream with chunked transfer encoding (no Content-Length) to an absolute URL. */
export function postStream(
  url: string,
  body: AsyncIterable<Buffer> | Iterable<Buffer>,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as unknown) : undefined,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    void (async () => {
      try {
        for await (const piece of body) {
          if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      } catch (error) {
        req.destroy(error as Error);
      }
    })();
  });
}
