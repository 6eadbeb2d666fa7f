import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkStore } from '../../../../engine/devices/chunk-store.ts';
import { readSealed, storedChunks, writeSealed } from '../../../support/chunk-packs.ts';
import { createLogger } from '../../../../engine/log.ts';

const log = createLogger('silent');

// Not test/support/engine.ts: that module starts whole engines, which this unit does not need.
function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'privicore-chunks-'));
}
const opened: ChunkStore[] = [];

async function openStore(dir: string): Promise<ChunkStore> {
  const store = await ChunkStore.open({ dir, log });
  opened.push(store);
  return store;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function sealFirstLayout(key: Buffer, item: string, index: number, chunk: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`privicore-chunk/${item}/${index}`));
  return Buffer.concat([iv, cipher.update(chunk), cipher.final(), cipher.getAuthTag()]);
}

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describe('ChunkStore', () => {
  it('round-trips chunks, empty and large, per item and index', async () => {
    const store = await openStore(tempDir());
    const item = randomUUID();
    const big = randomBytes(3 * 1024 * 1024 + 7);
    await store.put(item, 0, Buffer.from('first'));
    await store.put(item, 1, big);
    await store.put(item, 2, Buffer.alloc(0));
    expect(await store.get(item, 0)).toEqual(Buffer.from('first'));
    expect((await store.get(item, 1))!.equals(big)).toBe(true);
    expect(await store.get(item, 2)).toEqual(Buffer.alloc(0));
    expect(await store.get(item, 3)).toBeUndefined();
    expect(await store.get(randomUUID(), 0)).toBeUndefined();
    // Overwrite replaces the chunk.
    await store.put(item, 0, Buffer.from('second'));
    expect(await store.get(item, 0)).toEqual(Buffer.from('second'));
  });

  it('keeps the at-rest key in a 0600 file and reuses it after a reopen', async () => {
    const dir = tempDir();
    const item = randomUUID();
    const first = await openStore(dir);
    await first.put(item, 0, Buffer.from('survives a restart'));
    const keyFile = join(dir, 'at-rest.key');
    const key = readFileSync(keyFile, 'utf8');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await first.close();

    const second = await openStore(dir);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    expect(await second.get(item, 0)).toEqual(Buffer.from('survives a restart'));
  });

  it('never writes the plaintext: no file holds any 64-byte window of it', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    // Repetitive plaintext would show through any mode that leaks equal blocks.
    const plaintext = Buffer.alloc(
      256 * 1024,
      'privicore plaintext that must never touch the disk. ',
    );
    const random = randomBytes(64 * 1024);
    const item = randomUUID();
    await store.put(item, 0, plaintext);
    await store.put(item, 1, random);
    const files = filesUnder(dir).map((file) => readFileSync(file));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const input of [plaintext, random]) {
      for (let offset = 0; offset + 64 <= input.length; offset += 64) {
        const window = input.subarray(offset, offset + 64);
        for (const bytes of files) expect(bytes.includes(window)).toBe(false);
      }
    }
  });

  it('answers undefined for a chunk with a flipped byte, or one moved under another name', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const item = randomUUID();
    await store.put(item, 0, randomBytes(4096));
    await store.put(item, 1, randomBytes(4096));
    const held = storedChunks(join(dir, 'chunks', item));
    const first = readSealed(held.get(0)!);
    first[100] = first[100]! ^ 0x01;
    writeSealed(held.get(0)!, first);
    expect(await store.get(item, 0)).toBeUndefined();
    expect(await store.get(item, 1)).toBeDefined();

    // The additional data binds a chunk to its item and index: a record relabelled as index 2
    // (in a store opened afresh, which reads the pack again) fails its tag.
    const pack = join(dir, 'chunks', item, 'chunks.pack');
    const bytes = readFileSync(pack);
    bytes.writeUInt32BE(2, held.get(1)!.offset - 8);
    writeFileSync(pack, bytes);
    await store.close();
    const reopened = await openStore(dir);
    expect(await reopened.get(item, 2)).toBeUndefined();
    // ... and so does a pack copied into another item's folder.
    const other = randomUUID();
    await reopened.put(other, 5, Buffer.from('other item'));
    writeFileSync(join(dir, 'chunks', other, 'chunks.pack'), readFileSync(pack));
    await reopened.close();
    const third = await openStore(dir);
    expect(await third.get(other, 0)).toBeUndefined();
    expect(await third.get(other, 5)).toBeUndefined();

    writeFileSync(pack, Buffer.alloc(10));
    expect(await third.get(item, 0)).toBeUndefined();
  });

  it('keeps every chunk of an item in one pack file, a later put of an index replacing the earlier', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const item = randomUUID();
    const chunks = Array.from({ length: 40 }, () => randomBytes(1024));
    for (const [index, chunk] of chunks.entries())
      await store.put(item, index, chunk, { sync: false });
    await store.flushItem(item);
    expect(readdirSync(join(dir, 'chunks', item))).toEqual(['chunks.pack']);
    const replacement = randomBytes(700);
    await store.put(item, 7, replacement);
    expect((await store.get(item, 7))!.equals(replacement)).toBe(true);
    await store.close();

    const reopened = await openStore(dir);
    expect((await reopened.get(item, 7))!.equals(replacement)).toBe(true);
    for (const [index, chunk] of chunks.entries())
      if (index !== 7) expect((await reopened.get(item, index))!.equals(chunk)).toBe(true);
    // The test's own reader agrees on what the pack holds.
    expect([...storedChunks(join(dir, 'chunks', item)).keys()].sort((a, b) => a - b)).toEqual(
      chunks.map((_, index) => index),
    );
  });

  it('reads chunk files of the first layout, and adds new chunks of such an item to a pack', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    await first.close();
    // What the first layout wrote: <index>.chunk = IV ‖ ciphertext ‖ tag under the at-rest key.
    const key = Buffer.from(readFileSync(join(dir, 'at-rest.key'), 'utf8'), 'hex');
    const item = randomUUID();
    const old = randomBytes(5000);
    mkdirSync(join(dir, 'chunks', item));
    writeFileSync(join(dir, 'chunks', item, '0.chunk'), sealFirstLayout(key, item, 0, old));
    const oldOnly = randomUUID();
    mkdirSync(join(dir, 'chunks', oldOnly));
    writeFileSync(join(dir, 'chunks', oldOnly, '3.chunk'), sealFirstLayout(key, oldOnly, 3, old));

    const store = await openStore(dir);
    expect((await store.listItems()).sort()).toEqual([item, oldOnly].sort());
    expect((await store.get(item, 0))!.equals(old)).toBe(true);
    expect((await store.get(oldOnly, 3))!.equals(old)).toBe(true);
    const added = randomBytes(300);
    await store.put(item, 1, added);
    expect((await store.get(item, 1))!.equals(added)).toBe(true);
    expect((await store.get(item, 0))!.equals(old)).toBe(true);
    expect(readdirSync(join(dir, 'chunks', item)).sort()).toEqual(['0.chunk', 'chunks.pack']);
    await store.deleteItem(oldOnly);
    expect(await store.listItems()).toEqual([item]);
  });

  it('deletes an item with all its chunks, and deleting an unknown item is a no-op', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const item = randomUUID();
    const other = randomUUID();
    for (let index = 0; index < 5; index++) await store.put(item, index, randomBytes(100));
    await store.put(other, 0, Buffer.from('stays'));
    await store.deleteItem(item);
    expect(await store.get(item, 0)).toBeUndefined();
    expect(existsSync(join(dir, 'chunks', item))).toBe(false);
    expect(await store.listItems()).toEqual([other]);
    await store.deleteItem(randomUUID());
    expect(await store.get(other, 0)).toEqual(Buffer.from('stays'));
  });

  it('lists the items that hold at least one chunk', async () => {
    const store = await openStore(tempDir());
    expect(await store.listItems()).toEqual([]);
    const items = Array.from({ length: 70 }, () => randomUUID());
    await Promise.all(items.map((item, i) => store.put(item, i % 3, Buffer.from(item))));
    expect((await store.listItems()).sort()).toEqual([...items].sort());
  });

  it('ignores leftovers of a crash and removes them on open', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    const item = randomUUID();
    await first.put(item, 0, Buffer.from('kept'));
    await first.close();
    // What a crash mid-write, mid-delete and mid-key-creation leaves behind.
    const onlyTemp = randomUUID();
    mkdirSync(join(dir, 'chunks', onlyTemp));
    writeFileSync(join(dir, 'chunks', onlyTemp, '.0.deadbeef0000.tmp'), 'partial');
    writeFileSync(join(dir, 'chunks', item, '.1.cafe00000000.tmp'), 'partial');
    mkdirSync(join(dir, 'chunks', `.deleting-${randomUUID()}-abcdef012345`));
    writeFileSync(join(dir, '.at-rest.key.0123456789ab.tmp'), 'partial');
    // A crashed process leaves its lock behind (pid 2^22+1 is above Linux's default pid_max)
    // and no clean-close marker.
    writeFileSync(join(dir, 'lock'), String(2 ** 22 + 1));
    rmSync(join(dir, 'closed-cleanly'));

    const second = await openStore(dir);
    expect(await second.listItems()).toEqual([item]);
    expect(await second.get(item, 0)).toEqual(Buffer.from('kept'));
    const names = filesUnder(dir).map((file) => file.slice(dir.length + 1));
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'chunks', onlyTemp))).toBe(false);
    expect(readdirSync(join(dir, 'chunks')).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('reads no item folder when opening after a clean close; the marker goes while it is open', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    const item = randomUUID();
    await first.put(item, 0, Buffer.from('kept'));
    expect(existsSync(join(dir, 'closed-cleanly'))).toBe(false);
    await first.close();
    expect(existsSync(join(dir, 'closed-cleanly'))).toBe(true);
    // Inside an item folder only a crash leaves anything; after a clean close nobody looks.
    writeFileSync(join(dir, 'chunks', item, '.1.cafe00000000.tmp'), 'not looked at');
    // Interrupted deletes are always removed: that sweep reads only the chunks folder.
    mkdirSync(join(dir, 'chunks', `.deleting-${randomUUID()}-abcdef012345`));

    const second = await openStore(dir);
    // A crash from here on would leave no marker behind.
    expect(existsSync(join(dir, 'closed-cleanly'))).toBe(false);
    expect(existsSync(join(dir, 'chunks', item, '.1.cafe00000000.tmp'))).toBe(true);
    expect(readdirSync(join(dir, 'chunks')).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(await second.get(item, 0)).toEqual(Buffer.from('kept'));
  });

  it('serves a deferred put at once, and keeps it across a reopen after flushItem', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const item = randomUUID();
    const chunks = Array.from({ length: 6 }, (_, index) => randomBytes(1000 + index));
    await Promise.all(chunks.map((chunk, index) => store.put(item, index, chunk, { sync: false })));
    expect((await store.get(item, 5))!.equals(chunks[5]!)).toBe(true);
    await store.flushItem(item);
    // An item with nothing stored has nothing to flush.
    await store.flushItem(randomUUID());
    await store.close();
    opened.splice(opened.indexOf(store), 1);

    const reopened = await openStore(dir);
    expect(await reopened.listItems()).toEqual([item]);
    for (const [index, chunk] of chunks.entries())
      expect((await reopened.get(item, index))!.equals(chunk)).toBe(true);
    await expect(reopened.flushItem('../escape')).rejects.toThrow(RangeError);
  });

  it('reads a deferred chunk cut short by a crash as missing, never as other bytes', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const item = randomUUID();
    const kept = randomBytes(4096);
    await store.put(item, 0, kept, { sync: false });
    await store.put(item, 1, randomBytes(4096), { sync: false });
    await store.close();
    const pack = join(dir, 'chunks', item, 'chunks.pack');
    // What a power cut may leave of an unsynced append: the start of the last record.
    const whole = readFileSync(pack);
    writeFileSync(pack, whole.subarray(0, whole.length - 2000));

    const reopened = await openStore(dir);
    expect((await reopened.get(item, 0))!.equals(kept)).toBe(true);
    expect(await reopened.get(item, 1)).toBeUndefined();
    // The next append replaces the torn record instead of going after it, and nothing of the
    // torn bytes is left behind it.
    await reopened.put(item, 1, Buffer.from('short'));
    expect(readFileSync(pack).length).toBe(12 + 28 + 4096 + 12 + 28 + 5);
    const again = randomBytes(3000);
    await reopened.put(item, 1, again);
    await reopened.close();
    const third = await openStore(dir);
    expect((await third.get(item, 0))!.equals(kept)).toBe(true);
    expect((await third.get(item, 1))!.equals(again)).toBe(true);
    expect(readFileSync(pack).length).toBe(3 * (12 + 28) + 4096 + 5 + 3000);
  });

  it('reads a damaged record header as the end of the pack', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const item = randomUUID();
    await store.put(item, 0, Buffer.from('zero'));
    await store.put(item, 1, Buffer.from('one'));
    await store.close();
    const pack = join(dir, 'chunks', item, 'chunks.pack');
    const bytes = readFileSync(pack);
    // The second record claims more bytes than the file has.
    bytes.writeUInt32BE(0x7fffffff, 12 + 28 + 4 + 8);
    writeFileSync(pack, bytes);
    const reopened = await openStore(dir);
    expect(await reopened.get(item, 0)).toEqual(Buffer.from('zero'));
    expect(await reopened.get(item, 1)).toBeUndefined();
  });

  it('refuses to start when the key file has the wrong length', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'at-rest.key'), 'abcd');
    await expect(ChunkStore.open({ dir, log })).rejects.toThrow(
      /at-rest\.key does not hold an at-rest key \(expected 64 hexadecimal characters, found 4/,
    );
    // The failed open released the folder: fixing the key lets it start.
    rmSync(join(dir, 'at-rest.key'));
    await openStore(dir);
  });

  it('refuses a folder that is already open, until it is closed', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await expect(ChunkStore.open({ dir, log })).rejects.toThrow(/already open/);
    await store.close();
    await openStore(dir);
  });

  it('rejects item ids that are not UUIDs and bad indexes', async () => {
    const store = await openStore(tempDir());
    await expect(store.put('../escape', 0, Buffer.from('x'))).rejects.toThrow(RangeError);
    await expect(store.get('../../etc', 0)).rejects.toThrow(RangeError);
    await expect(store.deleteItem('..')).rejects.toThrow(RangeError);
    await expect(store.put(randomUUID(), -1, Buffer.from('x'))).rejects.toThrow(RangeError);
    await expect(store.put(randomUUID(), 1.5, Buffer.from('x'))).rejects.toThrow(RangeError);
  });
});
