// Store a file or a stream (contract §14 "Store small" / "Store large"): reserve token space →
// temporary token → encrypt (AES-256-GCM, gcm-stream.ts) → inline exchange when the ciphertext
// fits in 1 MiB, else one streamed POST to the upstream URL (with a Content-Length for a file,
// chunked for a stream of unknown length) → store ack → configure-file-meta → the permanent D-
// token.
//
// Memory stays flat whatever the size: the file is read in 1 MiB pieces and each piece is
// encrypted and written to the socket before the next is read (stream backpressure), and each
// synchronous step (one AES-GCM update over 1 MiB) takes about a millisecond, so the event loop
// of an Electron main process is never held for long.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { encryptBuffer, encryptedSize, encryptStream } from '../crypto/gcm-stream.ts';
import {
  configureFileMeta,
  exchangeDataForToken,
  reserveTokenSpace,
  upstream,
  type StoredData,
  type TemporaryToken,
} from '../endpoints/data-token.ts';
import { PrivicoreError } from '../privicore-error.ts';
import { splitFileName } from './file-name.ts';
import type { ProgressListener } from './transfer-progress.ts';
import type { CommandHold, VaultContext } from './vault-context.ts';

/** Contract §7 exchange-data-for-token: 1 byte–1 MiB of decoded data. */
export const INLINE_LIMIT = 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
/** The reservation must outlive a slow upload; expiry only discards an unfinished store. */
const RESERVATION_TTL_MINUTES = 60;
const DEFAULT_STORE_TIMEOUT_MS = 5 * 60_000;

export interface StoreFileOptions {
  /** Grouping label, 1–1024 characters. */
  context: string;
  /** The name kept with the token; default the file's base name. */
  name?: string;
  /** Free path label kept with the token (≤1024). */
  path?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** How long the engine may take to confirm the store on every device. */
  storeTimeoutMs?: number;
}

export interface StoredFile {
  /** The permanent `D-` token. */
  token: string;
  name: string;
  /** Plaintext bytes. */
  size: number;
  context: string;
  path?: string;
  /** true: sent inline (exchange-data-for-token); false: streamed to the upstream URL. */
  inline: boolean;
  /** The status-2 body of the store, when the engine's message arrived. */
  stored: StoredData | undefined;
}

export async function storeFile(
  ctx: VaultContext,
  file: string,
  dataKey: Buffer,
  options: StoreFileOptions,
): Promise<StoredFile> {
  const { signal, onProgress } = options;
  const name = options.name ?? basename(file);
  const info = await stat(file);
  if (!info.isFile())
    throw new PrivicoreError({
      status: 0,
      reason: 'client.not_a_file',
      message: `${file} is not a regular file.`,
      details: { path: file },
    });
  const size = info.size;
  checkAborted(signal);

  onProgress?.({ phase: 'reserve', bytes: 0, total: size });
  const space = await reserve(ctx, options);
  checkAborted(signal);

  let stored: StoredData | undefined;
  const inline = encryptedSize(size) <= INLINE_LIMIT;
  if (inline) {
    onProgress?.({ phase: 'upload', bytes: 0, total: size });
    const plaintext = await readFile(file, signal ? { signal } : {});
    if (plaintext.length !== size) throw changedWhileReading(file);
    onProgress?.({ phase: 'store', bytes: size, total: size });
    stored = await sendInline(ctx, space, dataKey, plaintext, options);
  } else {
    const body = encryptedFile(file, size, dataKey, (bytes) =>
      onProgress?.({ phase: 'upload', bytes, total: size }),
    );
    stored = await sendStream(ctx, space, body, encryptedSize(size), options);
    onProgress?.({ phase: 'store', bytes: size, total: size });
  }
  return finalise(ctx, space, name, size, inline, stored, options);
}

/**
 * Stores a stream of unknown length (standard input) under `options.name`. Up to 1 MiB is read
 * first: a stream that ends by then goes inline, anything longer is encrypted as it is read and
 * sent as one chunked upload, so memory stays flat whatever the length.
 */
export async function storeStream(
  ctx: VaultContext,
  source: Readable,
  dataKey: Buffer,
  options: StoreFileOptions & { name: string },
): Promise<StoredFile> {
  const { signal, onProgress } = options;
  // Reading blocks until the writer sends more; a cancel must not wait for it.
  const onAbort = () => source.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    checkAborted(signal);
    const input = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    // The head is read before the reservation, so a slow writer cannot outlive the temporary token.
    while (encryptedSize(headBytes) <= INLINE_LIMIT) {
      const next = await readNext(input, signal);
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      head.push(chunk);
      headBytes += chunk.length;
    }
    onProgress?.({ phase: 'reserve', bytes: 0, total: ended ? headBytes : undefined });
    const space = await reserve(ctx, options);
    checkAborted(signal);

    if (ended) {
      onProgress?.({ phase: 'store', bytes: headBytes, total: headBytes });
      const stored = await sendInline(ctx, space, dataKey, Buffer.concat(head), options);
      return await finalise(ctx, space, options.name, headBytes, true, stored, options);
    }
    let size = 0;
    async function* plaintext(): AsyncGenerator<Buffer> {
      for (let chunk = head.shift(); chunk; chunk = head.shift()) yield chunk;
      for (;;) {
        const next = await readNext(input, signal);
        if (next.done) return;
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    }
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        onProgress?.({ phase: 'upload', bytes: size, total: undefined });
        callback(null, chunk);
      },
    });
    const body = pipeline(
      Readable.from(plaintext()),
      count,
      encryptStream(dataKey),
      () => undefined,
    );
    const stored = await sendStream(ctx, space, body, undefined, options);
    onProgress?.({ phase: 'store', bytes: size, total: size });
    return await finalise(ctx, space, options.name, size, false, stored, options);
  } catch (error) {
    if (signal?.aborted) throw PrivicoreError.cancelled('Storing the data');
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readNext<T>(
  input: AsyncIterator<T>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T>> {
  const next = await input.next();
  checkAborted(signal);
  return next;
}

async function reserve(ctx: VaultContext, options: StoreFileOptions): Promise<TemporaryToken> {
  const reserved = await ctx.run(
    () => reserveTokenSpace(ctx.http, { context: options.context, ttl: RESERVATION_TTL_MINUTES }),
    { signal: options.signal },
  );
  // The status-2 body is the temporary token; after a reconnect it is re-read through
  // retrieve-temporary-data-token (AcceptedCommand.recover).
  if (!reserved?.token || !reserved.stream) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.protocol',
      message: 'The engine reserved token space but sent no temporary token.',
    });
  }
  return reserved;
}

function sendInline(
  ctx: VaultContext,
  space: TemporaryToken,
  dataKey: Buffer,
  plaintext: Buffer,
  options: StoreFileOptions,
): Promise<StoredData | undefined> {
  const data = encryptBuffer(dataKey, plaintext);
  return ctx.run(() => exchangeDataForToken(ctx.http, { temporaryTokenSpace: space.token, data }), {
    signal: options.signal,
    timeoutMs: options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
    onHold: heldProgress(options),
  });
}

/** One streamed POST to the upstream URL; without a length it goes chunked. */
async function sendStream(
  ctx: VaultContext,
  space: TemporaryToken,
  body: Readable,
  contentLength: number | undefined,
  options: StoreFileOptions,
): Promise<StoredData | undefined> {
  try {
    return await ctx.run(
      () =>
        upstream(ctx.http, space.stream, body, {
          ...(contentLength !== undefined ? { contentLength } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      {
        signal: options.signal,
        timeoutMs: options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
        onHold: heldProgress(options),
      },
    );
  } finally {
    body.destroy();
  }
}

/**
 * Contract §11: a policy may hold the store for a vote. The wait then lasts until the vote ends
 * (the session re-arms it), and progress says so; the bytes already sent stay as they were.
 */
function heldProgress(options: StoreFileOptions): (hold: CommandHold) => void {
  return (hold) => options.onProgress?.({ phase: 'held', bytes: 0, total: undefined, hold });
}

async function finalise(
  ctx: VaultContext,
  space: TemporaryToken,
  name: string,
  size: number,
  inline: boolean,
  stored: StoredData | undefined,
  options: StoreFileOptions,
): Promise<StoredFile> {
  options.onProgress?.({ phase: 'finalise', bytes: size, total: size });
  const split = splitFileName(name);
  const meta = {
    token: space.token,
    fileName: split.fileName,
    ...(split.extension ? { extension: split.extension } : {}),
    context: options.context,
    size,
    ...(options.path ? { path: options.path } : {}),
  };
  // Idempotent for 24 h (contract §7), so a dropped connection is simply retried.
  const { token } = await retryOnNetwork(() => configureFileMeta(ctx.http, meta));
  options.onProgress?.({ phase: 'done', bytes: size, total: size });
  return {
    token,
    name,
    size,
    context: options.context,
    ...(options.path ? { path: options.path } : {}),
    inline,
    stored,
  };
}

/** The file's bytes, encrypted, exactly `size` + 28 long or failing. */
function encryptedFile(
  file: string,
  size: number,
  dataKey: Buffer,
  onBytes: (bytes: number) => void,
): Readable {
  let read = 0;
  const source = createReadStream(file, { highWaterMark: READ_CHUNK });
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      if (read > size) return callback(changedWhileReading(file));
      onBytes(read);
      callback(null, chunk);
    },
    flush(callback) {
      callback(read === size ? null : changedWhileReading(file));
    },
  });
  // pipeline() ties the three together: the consumer destroying the last (an aborted upload)
  // closes the file, and a read error fails the body the consumer is reading.
  return pipeline(source, count, encryptStream(dataKey), () => undefined);
}

async function retryOnNetwork<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (
        attempt >= attempts ||
        !(error instanceof PrivicoreError) ||
        error.reason !== 'client.network'
      )
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

function changedWhileReading(file: string): PrivicoreError {
  return new PrivicoreError({
    status: 0,
    reason: 'client.file_changed',
    message: `${file} changed while it was being read; store it again.`,
  });
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw PrivicoreError.cancelled('Storing the file');
}
