import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/*
 * What a storage device folder holds, read the way a person with the disk would: the item packs
 * (`chunks/<itemId>/chunks.pack`, records of "PVC1" ‖ index u32 BE ‖ length u32 BE ‖ sealed
 * bytes) and chunk files of the first layout (`<index>.chunk`). Written apart from the engine's
 * own reader so a test does not take the engine's word for its format.
 */

export interface StoredChunk {
  file: string;
  /** Where the sealed bytes start in the file, and how many there are. */
  offset: number;
  length: number;
}

const MAGIC = Buffer.from('PVC1', 'latin1');

/** index → where its sealed bytes are; a later pack record of an index replaces an earlier one. */
export function storedChunks(itemFolder: string): Map<number, StoredChunk> {
  const held = new Map<number, StoredChunk>();
  let names: string[];
  try {
    names = readdirSync(itemFolder);
  } catch (error) {
    // Deleted between two reads (a removal under way): nothing held.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return held;
    throw error;
  }
  for (const name of names) {
    const match = /^(\d+)\.chunk$/.exec(name);
    if (!match) continue;
    const file = join(itemFolder, name);
    held.set(Number(match[1]), { file, offset: 0, length: readFileSync(file).length });
  }
  const pack = join(itemFolder, 'chunks.pack');
  if (names.includes('chunks.pack') && existsSync(pack)) {
    const bytes = readFileSync(pack);
    for (let at = 0; at + 12 <= bytes.length;) {
      if (!bytes.subarray(at, at + 4).equals(MAGIC)) break;
      const length = bytes.readUInt32BE(at + 8);
      if (at + 12 + length > bytes.length) break;
      held.set(bytes.readUInt32BE(at + 4), { file: pack, offset: at + 12, length });
      at += 12 + length;
    }
  }
  return held;
}

export function readSealed(chunk: StoredChunk): Buffer {
  return readFileSync(chunk.file).subarray(chunk.offset, chunk.offset + chunk.length);
}

/** Overwrites a chunk's sealed bytes in place with as many other bytes. */
export function writeSealed(chunk: StoredChunk, bytes: Buffer): void {
  if (bytes.length !== chunk.length)
    throw new Error(`sealed bytes are ${chunk.length} long, not ${bytes.length}`);
  const fd = openSync(chunk.file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, chunk.offset);
  } finally {
    closeSync(fd);
  }
}
