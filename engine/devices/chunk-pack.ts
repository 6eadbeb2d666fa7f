import type { FileHandle } from 'node:fs/promises';

/*
 * One item's chunks on a storage device, appended to a single pack file,
 * `<dir>/chunks/<itemId>/chunks.pack`, one record per chunk:
 *
 *   bytes 0–3    "PVC1"
 *   bytes 4–7    chunk index, unsigned 32-bit big-endian
 *   bytes 8–11   L, the sealed length, unsigned 32-bit big-endian
 *   next L bytes the sealed chunk: [12-byte IV][ciphertext][16-byte GCM tag]
 *
 * The sealed bytes are what a chunk file of the first layout holds (chunk-store.ts), under the
 * same key and additional data, so the tag still binds them to their item and index: a record
 * whose header was altered, or that was copied into another item's pack, fails its tag.
 *
 * A later record of an index replaces an earlier one. Records are only ever appended, one at a
 * time per item, so a crash can damage only the tail: a scan stops at the first header that is
 * not whole and sane, and the writer cuts the file there before it appends again.
 *
 * One file per item rather than one per chunk: creating, renaming and fsyncing a file per 1 MiB
 * chunk made the file system's bookkeeping cost as much as the data (README "Files").
 */

export const PACK_NAME = 'chunks.pack';
export const RECORD_HEADER_BYTES = 12;
const MAGIC = Buffer.from('PVC1', 'latin1');
/** IV and tag: the smallest sealed chunk (an empty one). */
const MIN_SEALED_BYTES = 12 + 16;
/** Far above any chunk the engine sends (a bus frame is at most 8 MiB): a larger L is damage. */
const MAX_SEALED_BYTES = 64 * 1024 * 1024;

/** Where a chunk's sealed bytes are in its item's pack. */
export interface PackRecord {
  offset: number;
  length: number;
}

export interface PackIndex {
  records: Map<number, PackRecord>;
  /** Where the last whole record ends: the next record goes here. */
  end: number;
}

export function recordHeader(index: number, sealedLength: number): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(index, 4);
  header.writeUInt32BE(sealedLength, 8);
  return header;
}

/**
 * Reads the record headers of a pack of `size` bytes, from the start, and stops at the first
 * that is not whole and sane or whose record runs past the end.
 */
export async function scanPack(handle: FileHandle, size: number): Promise<PackIndex> {
  const records = new Map<number, PackRecord>();
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  let end = 0;
  while (end + RECORD_HEADER_BYTES <= size) {
    const { bytesRead } = await handle.read(header, 0, RECORD_HEADER_BYTES, end);
    if (bytesRead < RECORD_HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC)) break;
    const index = header.readUInt32BE(4);
    const length = header.readUInt32BE(8);
    const offset = end + RECORD_HEADER_BYTES;
    if (
      index >= 2 ** 31 ||
      length < MIN_SEALED_BYTES ||
      length > MAX_SEALED_BYTES ||
      offset + length > size
    )
      break;
    records.set(index, { offset, length });
    end = offset + length;
  }
  return { records, end };
}
