// The spool behind `cat` and `get -o -`: private, sealed, read back exactly, and any change on
// disk refused before an altered byte is released.

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PlaintextSpool } from '../../cli/plaintext-spool.ts';
import { tempDir } from '../support/engine.ts';

const spools: PlaintextSpool[] = [];
const parents: string[] = [];

afterEach(async () => {
  for (const spool of spools.splice(0)) await spool.dispose();
  for (const parent of parents.splice(0)) await rm(parent, { recursive: true, force: true });
});

function parentDir(): string {
  const dir = tempDir('privicore-spool-test-');
  parents.push(dir);
  return dir;
}

async function spooled(pieces: readonly Buffer[], parent = parentDir()): Promise<PlaintextSpool> {
  const spool = await PlaintextSpool.create(parent);
  spools.push(spool);
  await pipeline(Readable.from(pieces), spool.writable());
  return spool;
}

async function readBack(spool: PlaintextSpool): Promise<{ data: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of spool.readable() as AsyncIterable<Buffer>) chunks.push(chunk);
    return { data: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { data: Buffer.concat(chunks), error };
  }
}

/** The spool's file, through this process's descriptor for it (it has no name any more). */
async function spoolFile(spool: PlaintextSpool): Promise<string> {
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(spool.dir)) return `/proc/self/fd/${fd}`;
  }
  throw new Error('no descriptor for the spool');
}

async function patch(path: string, position: number, change: (byte: number) => number) {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, position);
    byte[0] = change(byte[0]!);
    await handle.write(byte, 0, 1, position);
  } finally {
    await handle.close();
  }
}

describe('PlaintextSpool', () => {
  it('gives back exactly what it was given, in pieces of any size', async () => {
    const pieces = [
      randomBytes(1),
      Buffer.alloc(0),
      randomBytes(65_536),
      randomBytes(3 * 1024 * 1024 + 7),
      randomBytes(100),
    ];
    const spool = await spooled(pieces);
    const { data, error } = await readBack(spool);
    expect(error).toBeUndefined();
    expect(data.equals(Buffer.concat(pieces))).toBe(true);
  });

  it('is a 0600 file without a name in a 0700 folder of its own, holding no plaintext', async () => {
    const parent = parentDir();
    const secret = Buffer.from('the plaintext of a very private file '.repeat(1000));
    const spool = await spooled([secret], parent);
    expect(spool.dir.startsWith(join(parent, 'privicore-vault-spool-'))).toBe(true);
    expect((await stat(spool.dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(spool.dir)).toEqual([]);
    const file = await spoolFile(spool);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const onDisk = await readFile(file);
    expect(onDisk.length).toBeGreaterThan(secret.length);
    expect(onDisk.includes(Buffer.from('very private'))).toBe(false);
    await spool.dispose();
    await expect(stat(spool.dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is read only once it was written in full', async () => {
    const spool = await PlaintextSpool.create(parentDir());
    spools.push(spool);
    expect(() => spool.readable()).toThrow(/written in full/);
  });

  it('stops at the first record that changed on disk, releasing nothing of it', async () => {
    const first = randomBytes(1000);
    const spool = await spooled([first, randomBytes(1000), randomBytes(1000)]);
    // Record 2 starts after record 1: 4 (length) + 12 (IV) + 8 (index) + 1000 + 16 (tag).
    const recordTwo = 4 + 12 + 8 + 1000 + 16;
    await patch(await spoolFile(spool), recordTwo + 4 + 12 + 8 + 500, (byte) => byte ^ 1);
    const { data, error } = await readBack(spool);
    expect(data.equals(first)).toBe(true);
    expect(error).toMatchObject({ reason: 'client.integrity' });
  });

  it('refuses a spool whose records were swapped or whose length changed', async () => {
    const record = 4 + 12 + 8 + 10 + 16;
    const spool = await spooled([randomBytes(10), randomBytes(10)]);
    const file = await spoolFile(spool);
    // Swap the two (equal-length) records: each still opens, but the indexes are out of order.
    const handle = await open(file, 'r+');
    const both = Buffer.alloc(2 * record);
    await handle.read(both, 0, both.length, 0);
    await handle.write(
      Buffer.concat([both.subarray(record), both.subarray(0, record)]),
      0,
      2 * record,
      0,
    );
    await handle.close();
    expect((await readBack(spool)).error).toMatchObject({ reason: 'client.integrity' });

    const lengthened = await spooled([randomBytes(10)]);
    await patch(await spoolFile(lengthened), 0, (byte) => byte + 1);
    expect((await readBack(lengthened)).error).toMatchObject({ reason: 'client.integrity' });
  });
});
