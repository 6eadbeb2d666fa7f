// Payload encryption: AES-256-GCM (NIST SP 800-38D) in the reference client's wire format
// (Privicore wire contract §1.8).
//
//   [ IV: 12 random bytes ][ ciphertext: same length as the plaintext ][ tag: 16 bytes ]
//
// No additional authenticated data; the encrypted size is always plaintext + 28 bytes. The IV is
// the 96-bit one SP 800-38D §8.2.2 allows to be random, which is safe for one key up to 2^32
// messages — far beyond what a profile stores.
//
// A stream cannot know which bytes are the tag until it ends, so decryption holds back the last
// 16 bytes it has seen and emits plaintext as it goes. That plaintext is unauthenticated until the
// stream ends without error; decryptToFile is the safe way to use it: it writes to a temporary
// file and moves it into place only after the tag verifies.

import { createCipheriv, createDecipheriv, randomBytes, type DecipherGCM } from 'node:crypto';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fitBytes, NAME_MAX_BYTES } from '../vault/fit-name-bytes.ts';

const KEY_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const OVERHEAD = IV_LENGTH + TAG_LENGTH;
/**
 * Plaintext decryptToFile holds for the disk: decryption runs ahead of the writes, and what has
 * piled up goes out in one writev, instead of one awaited write per network read. 256 KiB took
 * a 256 MiB `get` from 2.1–2.2 s to 1.6–1.7 s for 4 MB more peak RSS; 1 MiB was no faster and
 * cost 15 MB (interleaved runs, README "Files").
 */
const SINK_BUFFER_BYTES = 256 * 1024;

export type GcmStreamErrorCode = 'ERR_TAMPERED';

export class GcmStreamError extends Error {
  readonly code: GcmStreamErrorCode = 'ERR_TAMPERED';
  constructor() {
    super('The file failed its integrity check (it was altered or is corrupt).');
    this.name = 'GcmStreamError';
  }
}

export interface DecryptToFileOptions {
  /** Called with the plaintext bytes written so far; the total is the encrypted size − 28. */
  onProgress?(bytes: number): void;
  signal?: AbortSignal;
  /**
   * Whether an existing file at the target may be replaced (default true: the person chose it in
   * a save dialog that asked). False fails with EEXIST instead, atomically.
   */
  replace?: boolean;
}

export function encryptedSize(plainSize: number): number {
  if (!Number.isSafeInteger(plainSize) || plainSize < 0) {
    throw new RangeError(`A plaintext size is a non-negative integer, got ${plainSize}.`);
  }
  return plainSize + OVERHEAD;
}

/** Plaintext in, `IV ‖ ciphertext ‖ tag` out. */
export function encryptStream(key: Buffer): Transform {
  checkKey(key);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, cipher.update(chunk));
    },
    flush(callback) {
      this.push(cipher.final());
      callback(null, cipher.getAuthTag());
    },
  });
  // Pushed up front so an empty plaintext still yields IV ‖ tag.
  stream.push(iv);
  return stream;
}

/**
 * `IV ‖ ciphertext ‖ tag` in, plaintext out. The output is unauthenticated until the stream ends
 * without error; a bad tag or an input shorter than 28 bytes fails the stream with ERR_TAMPERED.
 */
export function decryptStream(key: Buffer): Transform {
  checkKey(key);
  let iv = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  // The last TAG_LENGTH bytes seen so far: only the end of the input tells if they are the tag.
  let holdback = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let data = chunk;
      if (decipher === undefined) {
        const missing = IV_LENGTH - iv.length;
        iv = Buffer.concat([iv, data.subarray(0, missing)]);
        data = data.subarray(missing);
        if (iv.length < IV_LENGTH) return callback();
        decipher = createDecipheriv('aes-256-gcm', key, iv);
      }
      if (data.length >= TAG_LENGTH) {
        this.push(decipher.update(holdback));
        this.push(decipher.update(data.subarray(0, data.length - TAG_LENGTH)));
        // A copy, so the held bytes do not keep the whole incoming chunk alive.
        holdback = Buffer.from(data.subarray(data.length - TAG_LENGTH));
      } else {
        const joined = Buffer.concat([holdback, data]);
        const release = Math.max(0, joined.length - TAG_LENGTH);
        this.push(decipher.update(joined.subarray(0, release)));
        holdback = joined.subarray(release);
      }
      callback();
    },
    flush(callback) {
      if (decipher === undefined || holdback.length < TAG_LENGTH)
        return callback(new GcmStreamError());
      try {
        decipher.setAuthTag(holdback);
        decipher.final();
      } catch {
        return callback(new GcmStreamError());
      }
      callback();
    },
  });
}

/**
 * Decrypts `source` into `target` so that the user never sees unverified plaintext: the bytes go to
 * `.<name>.<random>.partial` beside the target (same directory, so the final rename is atomic and
 * never crosses a file system), are fsynced, and replace the target only once the tag verifies.
 * On any failure the temporary file is removed, an existing target is left as it was, and the
 * source is destroyed.
 */
export async function decryptToFile(
  source: Readable,
  key: Buffer,
  target: string,
  opts: DecryptToFileOptions = {},
): Promise<{ bytes: number }> {
  // Shortened so that a target whose name is already near the 255-byte limit still has one.
  const suffix = `.${randomBytes(8).toString('hex')}.partial`;
  const partial = join(
    dirname(target),
    `.${fitBytes(basename(target), NAME_MAX_BYTES - 1 - suffix.length)}${suffix}`,
  );
  // Until the pipeline takes the source over, an error it emits would find no listener and crash
  // the process; the pipeline still sees that error, as the source's stored one.
  const holdError = (): void => undefined;
  source.on('error', holdError);
  let handle: FileHandle;
  try {
    opts.signal?.throwIfAborted();
    checkKey(key);
    // 'wx': never follow or reuse a file someone else placed at the temporary name.
    handle = await open(partial, 'wx', 0o600);
  } catch (error) {
    // The caller handed the source over; a failure before the pipeline starts must release it too.
    source.destroy();
    throw error;
  } finally {
    source.off('error', holdError);
  }
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      opts.onProgress?.(bytes);
      callback(null, chunk);
    },
  });
  try {
    // Not handle.createWriteStream(): that stream holds the handle until it closes it itself, and
    // the fsync must come after the last write but before the close; final() runs in that gap.
    const sink = new Writable({
      highWaterMark: SINK_BUFFER_BYTES,
      write(chunk: Buffer, _encoding, callback) {
        writeAll(handle, chunk).then(() => callback(), callback);
      },
      writev(chunks, callback) {
        writeAllOf(
          handle,
          chunks.map((entry) => entry.chunk as Buffer),
        ).then(() => callback(), callback);
      },
      final(callback) {
        handle.sync().then(() => callback(), callback);
      },
    });
    await pipeline(
      source,
      decryptStream(key),
      count,
      sink,
      opts.signal ? { signal: opts.signal } : {},
    );
    await handle.close();
    if (opts.replace === false) {
      // link() refuses an existing target atomically; the partial name then goes.
      await link(partial, target);
      await unlink(partial);
    } else await rename(partial, target);
    return { bytes };
  } catch (error) {
    // close() waits for writes still in flight, so the unlink cannot race a late write.
    await handle.close().catch(() => undefined);
    await unlink(partial).catch(() => undefined);
    throw error;
  }
}

/** One-shot `IV ‖ ciphertext ‖ tag` with a fresh random IV, for payloads that fit in memory. */
export function encryptBuffer(key: Buffer, plaintext: Buffer): Buffer {
  return encryptWithIv(key, randomBytes(IV_LENGTH), plaintext);
}

export function decryptBuffer(key: Buffer, data: Buffer): Buffer {
  checkKey(key);
  if (data.length < OVERHEAD) throw new GcmStreamError();
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_LENGTH));
  decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
  const plaintext = decipher.update(data.subarray(IV_LENGTH, data.length - TAG_LENGTH));
  try {
    decipher.final();
  } catch {
    throw new GcmStreamError();
  }
  return plaintext;
}

/**
 * For test vectors only: a fixed IV makes the output reproducible, and reusing an IV with the same
 * key destroys GCM's confidentiality and integrity. Everything else uses encryptBuffer or
 * encryptStream.
 */
export function encryptWithIv(key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  checkKey(key);
  if (iv.length !== IV_LENGTH) {
    throw new RangeError(`The IV is ${IV_LENGTH} bytes, got ${iv.length}.`);
  }
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Buffers written in one writev: a write may take fewer bytes than offered; finish them all. */
async function writeAllOf(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    let { bytesWritten } = await handle.writev(pending);
    while (pending.length > 0 && bytesWritten >= pending[0]!.length) {
      bytesWritten -= pending[0]!.length;
      pending = pending.slice(1);
    }
    if (bytesWritten > 0) pending = [pending[0]!.subarray(bytesWritten), ...pending.slice(1)];
  }
}

// A file write may take fewer bytes than offered; finish the chunk before asking for the next.
async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let at = 0; at < chunk.length;) at += (await handle.write(chunk, at)).bytesWritten;
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_LENGTH) {
    throw new RangeError(`AES-256-GCM needs a ${KEY_LENGTH}-byte key, got ${key.length}.`);
  }
}
