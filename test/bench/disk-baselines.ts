// What storing and retrieving cost at the least, on the same disk in the same run, so each
// benchmark divides by a baseline doing the same kind of work as what it measures:
//   write baseline: AES-256-GCM over the bytes while writing three copies, each fsynced
//                   (a store: the bytes sealed once and made durable on three devices);
//   read baseline:  one copy read, decrypted with its tag checked, and the plaintext written to
//                   an output file and fsynced (a retrieve: one holder read, the file saved).

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;

export interface SealedCopy {
  path: string;
  key: Buffer;
  iv: Buffer;
  tag: Buffer;
  /** Every copy the write baseline made, for cleaning up. */
  files: string[];
}

/** Seals `pieces` with AES-256-GCM into three fsynced copies in `dir`; returns the seconds taken. */
export async function writeBaseline(
  pieces: () => AsyncIterable<Buffer> | Iterable<Buffer>,
  dir: string,
): Promise<{ seconds: number; copy: SealedCopy }> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const files = [0, 1, 2].map((n) => join(dir, `baseline-copy-${n}.bin`));
  const started = performance.now();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const copies = await Promise.all(files.map((file) => open(file, 'w')));
  try {
    for await (const piece of pieces()) {
      const sealed = cipher.update(piece);
      await Promise.all(copies.map((copy) => copy.write(sealed)));
    }
    cipher.final();
    await Promise.all(copies.map((copy) => copy.sync()));
  } finally {
    await Promise.all(copies.map((copy) => copy.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, copy: { path: files[0]!, key, iv, tag: cipher.getAuthTag(), files } };
}

/** Reads the copy, decrypts it (tag checked) into `output` and fsyncs that; returns the seconds. */
export async function readBaseline(copy: SealedCopy, output: string): Promise<number> {
  const started = performance.now();
  const decipher = createDecipheriv('aes-256-gcm', copy.key, copy.iv);
  decipher.setAuthTag(copy.tag);
  const out = await open(output, 'w');
  try {
    for await (const chunk of createReadStream(copy.path, { highWaterMark: MiB }))
      await out.write(decipher.update(chunk as Buffer));
    decipher.final();
    await out.sync();
  } finally {
    await out.close();
  }
  return (performance.now() - started) / 1000;
}

export async function removeBaselineFiles(copy: SealedCopy, output: string): Promise<void> {
  await Promise.all([...copy.files, output].map((file) => rm(file, { force: true })));
}
