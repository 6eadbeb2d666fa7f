// Where `get -o -` and `cat` keep a file between decryption and standard output. GCM verifies
// only at the very end, and bytes written to a pipe cannot be taken back, so the decrypted bytes
// wait here until the tag has verified, and only then are copied out.
//
// The spool is a file in a folder of its own under the OS temporary folder (mkdtemp: mode 0700;
// the file: 0600, created exclusively), never in the user's folders. It never holds plaintext:
// each piece is sealed with AES-256-GCM (gcm-stream.ts's wire format) under a one-time key that
// exists only in this process's memory, so a crash or a power cut leaves nothing readable
// behind. Each record is
//
//   [ length: u32 big-endian ][ IV ‖ AES-256-GCM(index: u64 big-endian ‖ piece) ‖ tag ]
//
// and reading checks every record's tag and index and the total written before releasing a
// byte, so a spool that changed on disk fails instead of leaking altered bytes. Where the OS
// allows (not Windows), the file is unlinked as soon as it is open: the kernel frees it when the
// process ends, even on SIGKILL. The folder is removed on dispose and, failing that, when the
// process exits.

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, open, rm, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { decryptBuffer, encryptBuffer, GcmStreamError } from '../client/crypto/gcm-stream.ts';
import { PrivicoreError } from '../client/privicore-error.ts';

const HEADER = 4;
const INDEX = 8;
const OVERHEAD = 28;
/** Pieces come from the download (≤ 64 KiB) or an inline payload (≤ 1 MiB); longer ones are split. */
const MAX_PIECE = 1024 * 1024;

export class PlaintextSpool {
  private key: Buffer = randomBytes(32);
  private written = 0;
  private records = 0;
  private finished = false;
  private disposed = false;
  private readonly removeOnExit = (): void => rmSync(this.dir, { recursive: true, force: true });

  private constructor(
    /** The private folder; exposed for tests that check it is gone. */
    readonly dir: string,
    private readonly handle: FileHandle,
  ) {
    process.once('exit', this.removeOnExit);
  }

  static async create(parent: string = tmpdir()): Promise<PlaintextSpool> {
    const dir = await mkdtemp(join(parent, 'privicore-vault-spool-'));
    const file = join(dir, 'spool');
    let handle: FileHandle;
    try {
      handle = await open(file, 'wx+', 0o600);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    // Windows refuses to unlink an open file; there the folder is removed by dispose() instead.
    await unlink(file).catch(() => undefined);
    return new PlaintextSpool(dir, handle);
  }

  /** Takes plaintext; `finish` marks it complete. */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.append(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.finished = true;
        callback();
      },
    });
  }

  /** The plaintext back, each record checked before it is released; only once finished. */
  readable(): Readable {
    if (!this.finished) throw new Error('The spool is read only after it was written in full.');
    let position = 0;
    let index = 0;
    const stream: Readable = new Readable({
      read: () => {
        this.readRecord(position, index).then(
          (record) => {
            if (record === undefined) return void stream.push(null);
            position = record.next;
            index += 1;
            stream.push(record.plaintext);
          },
          (error: unknown) => stream.destroy(error as Error),
        );
      },
    });
    return stream;
  }

  /** Closes and removes everything; safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.key.fill(0);
    await this.handle.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
    process.off('exit', this.removeOnExit);
  }

  private async append(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; at += MAX_PIECE) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + MAX_PIECE));
      const index = Buffer.alloc(INDEX);
      index.writeBigUInt64BE(BigInt(this.records));
      const sealed = encryptBuffer(this.key, Buffer.concat([index, piece]));
      const header = Buffer.alloc(HEADER);
      header.writeUInt32BE(sealed.length);
      const record = Buffer.concat([header, sealed]);
      await writeAll(this.handle, record, this.written);
      this.written += record.length;
      this.records += 1;
    }
  }

  private async readRecord(
    position: number,
    index: number,
  ): Promise<{ plaintext: Buffer; next: number } | undefined> {
    if (this.disposed) throw new Error('The spool was disposed.');
    if (position === this.written) {
      if (index !== this.records) throw altered();
      return undefined;
    }
    const header = await readExactly(this.handle, HEADER, position);
    const length = header.readUInt32BE(0);
    const next = position + HEADER + length;
    if (length < OVERHEAD + INDEX || length > OVERHEAD + INDEX + MAX_PIECE || next > this.written)
      throw altered();
    let opened: Buffer;
    try {
      opened = decryptBuffer(this.key, await readExactly(this.handle, length, position + HEADER));
    } catch (error) {
      if (error instanceof GcmStreamError) throw altered();
      throw error;
    }
    if (opened.readBigUInt64BE(0) !== BigInt(index)) throw altered();
    return { plaintext: opened.subarray(INDEX), next };
  }
}

function altered(): PrivicoreError {
  return new PrivicoreError({
    status: 0,
    reason: 'client.integrity',
    message:
      'The temporary copy of the file changed on disk while it was being written out; the output stops here.',
  });
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  for (let at = 0; at < data.length;) {
    const { bytesWritten } = await handle.write(data, at, data.length - at, position + at);
    at += bytesWritten;
  }
}

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  for (let at = 0; at < length;) {
    const { bytesRead } = await handle.read(buffer, at, length - at, position + at);
    if (bytesRead === 0) throw altered();
    at += bytesRead;
  }
  return buffer;
}
