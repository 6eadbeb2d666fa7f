// Retrieve a file (contract §14 "Retrieve"): request-data → the X-DPT-CAB-REQUEST-ID message
// with the download (a URL, a bare downstream token, or the payload inline) → stream the
// ciphertext, checking its length → decrypt. The GCM tag, under a key only the client holds, is
// what proves the bytes; the ETag's SHA-256 proves only what the engine says, so it is not
// computed again here. retrieveFile decrypts into a temporary file beside the target and renames
// it into place only after the GCM tag verifies (decryptToFile); a tampered or truncated payload
// fails with no file left behind. retrieveInto decrypts into any Writable for callers that hold
// the plaintext somewhere of their own (the CLI's stdout spool) and must not release it before
// the promise resolves.

import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, decryptToFile, GcmStreamError } from '../crypto/gcm-stream.ts';
import type { DownloadSource } from '../download-source.ts';
import { download, requestData } from '../endpoints/data-token.ts';
import { PrivicoreError } from '../privicore-error.ts';
import { checkDownloadTarget, downloadWriteError } from './download-target.ts';
import type { ProgressListener } from './transfer-progress.ts';
import type { VaultContext } from './vault-context.ts';

const GCM_OVERHEAD = 28;
const DEFAULT_REQUEST_TIMEOUT_MS = 2 * 60_000;
/** A request whose download message was lost in a reconnect is asked again, this many times. */
const REQUEST_ATTEMPTS = 3;

export interface RetrieveFileOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** How long the engine may take to find a storage device holding the data. */
  requestTimeoutMs?: number;
  /** Whether an existing file at the target may be replaced (default true). */
  replace?: boolean;
}

export interface RetrievedFile {
  target: string;
  /** Plaintext bytes written. */
  size: number;
}

export async function retrieveFile(
  ctx: VaultContext,
  token: string,
  target: string,
  dataKey: Buffer,
  options: RetrieveFileOptions = {},
): Promise<RetrievedFile> {
  // A target that cannot be written fails now, before the engine fetches anything.
  await checkDownloadTarget(target);
  try {
    const { bytes } = await retrieveWith(ctx, token, options, (ciphertext, onBytes) =>
      decryptToFile(ciphertext, dataKey, target, {
        onProgress: onBytes,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.replace === undefined ? {} : { replace: options.replace }),
      }),
    );
    return { target, size: bytes };
  } catch (error) {
    // Writing failed (the folder went away meanwhile, a folder took the name): said in terms
    // of the target, never of the hidden temporary file.
    throw downloadWriteError(error, target);
  }
}

/**
 * Fetches and decrypts a stored file into `sink`. The sink receives plaintext before the GCM tag
 * is checked: it must keep what it gets to itself and release it only once this resolves (the
 * tag verified; `sink` has finished). On any failure `sink` is destroyed.
 */
export async function retrieveInto(
  ctx: VaultContext,
  token: string,
  sink: Writable,
  dataKey: Buffer,
  options: RetrieveFileOptions = {},
): Promise<{ size: number }> {
  try {
    const { bytes } = await retrieveWith(ctx, token, options, async (ciphertext, onBytes) => {
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          onBytes(bytes);
          callback(null, chunk);
        },
      });
      // The sink's final() runs only after decryptStream's flush checked the tag.
      await pipeline(
        ciphertext,
        decryptStream(dataKey),
        count,
        sink,
        options.signal ? { signal: options.signal } : {},
      );
      return { bytes };
    });
    return { size: bytes };
  } catch (error) {
    // Without an error argument: the caller learns of the failure from the rejection, and a sink
    // with no 'error' listener must not crash the process.
    if (!sink.destroyed) sink.destroy();
    throw error;
  }
}

/** The request, the download and its checks; `decrypt` consumes the ciphertext stream. */
async function retrieveWith(
  ctx: VaultContext,
  token: string,
  options: RetrieveFileOptions,
  decrypt: (ciphertext: Readable, onBytes: (bytes: number) => void) => Promise<{ bytes: number }>,
): Promise<{ bytes: number }> {
  const { signal, onProgress } = options;
  onProgress?.({ phase: 'request', bytes: 0, total: undefined });
  const source = await requestDownload(ctx, token, options);
  if (signal?.aborted) throw PrivicoreError.cancelled('Retrieving the file');

  let ciphertext: Readable;
  let total: number | undefined;
  if (source.kind === 'inline') {
    ciphertext = Readable.from([source.data]);
    total = Math.max(0, source.data.length - GCM_OVERHEAD);
  } else {
    const response = await download(ctx.http, source.url, signal ? { signal } : {});
    if (response.status !== 200) {
      response.body.destroy();
      throw new PrivicoreError({
        status: response.status,
        reason: 'client.protocol',
        message: `The download answered ${response.status} to a request for the whole file.`,
      });
    }
    total =
      response.contentLength === undefined
        ? undefined
        : Math.max(0, response.contentLength - GCM_OVERHEAD);
    ciphertext = response.body.pipe(verifyLength(response.contentLength));
    // pipe() does not forward errors: a connection cut short must fail the decryption.
    response.body.once('error', (error) => ciphertext.destroy(truncated(error)));
  }

  onProgress?.({ phase: 'download', bytes: 0, total });
  try {
    const { bytes } = await decrypt(ciphertext, (bytes) =>
      onProgress?.({ phase: 'download', bytes, total }),
    );
    onProgress?.({ phase: 'done', bytes, total: bytes });
    return { bytes };
  } catch (error) {
    throw mapDecryptError(error, signal);
  }
}

/** request-data, then its download message; asked again if a reconnect lost the message. */
async function requestDownload(
  ctx: VaultContext,
  token: string,
  options: RetrieveFileOptions,
): Promise<DownloadSource> {
  for (let attempt = 1; ; attempt += 1) {
    const since = ctx.channel.epoch;
    // Contract §11: a policy may hold the request for a vote; progress says so.
    let requestId: string | undefined;
    const reported = new Set<string>();
    const held = (hold: { commandId: string; poolId: string; policyId: string }) => {
      if (hold.commandId !== requestId || reported.has(hold.poolId)) return;
      reported.add(hold.poolId);
      options.onProgress?.({ phase: 'held', bytes: 0, total: undefined, hold });
    };
    const unsubscribe = ctx.channel.on('vote-pending', held);
    let outcome;
    try {
      requestId = (await requestData(ctx.http, { token })).requestId;
      for (const hold of ctx.channel.holdsOf(requestId)) held({ commandId: requestId, ...hold });
      outcome = await ctx.channel.waitRequest(requestId, {
        timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        since,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      unsubscribe();
    }
    ctx.channel.forget(requestId);
    if (outcome.status === 3) throw PrivicoreError.rejected(requestId, outcome.reason);
    if (outcome.source) return outcome.source;
    if (attempt >= REQUEST_ATTEMPTS) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.network',
        message: 'The download link was lost in reconnects three times; try again.',
      });
    }
  }
}

/**
 * Passes the ciphertext through, failing at the end unless its length is the one announced: a
 * body cut short is an interrupted download, not a failed decryption. The ETag's SHA-256 is not
 * checked: the GCM tag after it fails for any changed byte, and unlike the ETag it cannot be
 * forged by whoever serves the bytes.
 */
function verifyLength(expectedLength: number | undefined): Transform {
  let length = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      length += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      if (expectedLength !== undefined && length !== expectedLength) return callback(truncated());
      callback();
    },
  });
}

/**
 * The engine answered, then the bytes stopped short (the file was deleted meanwhile, a storage
 * device went away, the connection dropped): a fault of this download, not of reaching the
 * engine, so it has its own reason.
 */
function truncated(cause?: unknown): PrivicoreError {
  return new PrivicoreError({
    status: 0,
    reason: 'client.download_interrupted',
    message: 'The download ended early; nothing was written. Try again.',
    cause,
  });
}

function mapDecryptError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof PrivicoreError) return error;
  if (error instanceof GcmStreamError) {
    return new PrivicoreError({
      status: 0,
      reason: 'client.integrity',
      message: `${error.message} Nothing was written.`,
      cause: error,
    });
  }
  if (signal?.aborted || (error as { name?: string }).name === 'AbortError')
    return PrivicoreError.cancelled('Retrieving the file');
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') {
    return new PrivicoreError({
      status: 0,
      reason: 'client.target_exists',
      message: 'There is a file with that name already; it was left as it is. Choose another name.',
      cause: error,
    });
  }
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE'
  )
    return truncated(error);
  return error;
}
