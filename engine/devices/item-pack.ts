import { open, type FileHandle } from 'node:fs/promises';
import {
  RECORD_HEADER_BYTES,
  recordHeader,
  scanPack,
  type PackIndex,
  type PackRecord,
} from './chunk-pack.ts';

/** An item's pack is closed for writing after this long without an append. */
const IDLE_CLOSE_MS = 5_000;

/**
 * The pack file of one item (chunk-pack.ts) as a storage device uses it: appends go one at a
 * time through a queue, to a writer handle kept open while the item is being written; reads
 * take their own handle, so a writer closing never cuts one short. The record index is read
 * from disk once and kept up to date by the appends.
 */
export class ItemPack {
  private index: PackIndex | undefined;
  private loading: Promise<PackIndex> | undefined;
  private writer: FileHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Counts writer opens and appends, so a scan that raced one does not replace a newer index. */
  private changes = 0;
  /** A folder fsync made the pack's name durable since this process created it. */
  nameDurable = true;

  constructor(readonly file: string) {}

  /** Nothing queued and no writer open: the pack may be forgotten and read again later. */
  get idle(): boolean {
    return this.queued === 0 && this.writer === undefined;
  }

  get writing(): boolean {
    return this.writer !== undefined;
  }

  /** The pack's records (empty when there is no pack yet). */
  async records(): Promise<PackIndex> {
    if (this.index) return this.index;
    this.loading ??= this.scanFromDisk().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * Appends one record and resolves once it is written, and fsynced with `sync`. `prepare`
   * runs before the pack is first opened for writing (it creates the folder).
   */
  append(
    chunkIndex: number,
    sealed: Buffer[],
    sealedLength: number,
    sync: boolean,
    prepare: () => Promise<void>,
  ): Promise<void> {
    return this.enqueue(async () => {
      const writer = this.writer ?? (await this.openWriter(prepare));
      const index = this.index!;
      const start = index.end;
      try {
        await writeAllAt(writer, [recordHeader(chunkIndex, sealedLength), ...sealed], start);
        if (sync) await writer.sync();
      } catch (error) {
        // How much reached the file is unknown: the next writer scans it again and cuts the tail.
        await this.closeWriter();
        this.index = undefined;
        this.changes++;
        throw error;
      }
      index.records.set(chunkIndex, { offset: start + RECORD_HEADER_BYTES, length: sealedLength });
      index.end = start + RECORD_HEADER_BYTES + sealedLength;
      this.changes++;
      this.armIdleClose();
    });
  }

  /** A record's sealed bytes, or undefined when the pack no longer holds all of them. */
  async read(record: PackRecord): Promise<Buffer | undefined> {
    const handle = await openIfPresent(this.file, 'r');
    if (!handle) return undefined;
    try {
      const bytes = Buffer.allocUnsafe(record.length);
      let filled = 0;
      while (filled < bytes.length) {
        const { bytesRead } = await handle.read(
          bytes,
          filled,
          bytes.length - filled,
          record.offset + filled,
        );
        if (bytesRead === 0) return undefined;
        filled += bytesRead;
      }
      return bytes;
    } finally {
      await handle.close();
    }
  }

  /** Waits for queued appends, then fsyncs the pack; false when there is no pack file. */
  flush(): Promise<boolean> {
    return this.enqueue(async () => {
      if (this.writer) {
        await this.writer.sync();
        await this.closeWriter();
        return true;
      }
      // r+: Windows flushes only handles opened for writing.
      const handle = await openIfPresent(this.file, 'r+');
      if (!handle) return false;
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      return true;
    });
  }

  /** Waits for queued appends and closes the writer (unsynced appends stay unsynced). */
  close(): Promise<void> {
    return this.enqueue(() => this.closeWriter());
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.queue.then(work).finally(() => this.queued--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async scanFromDisk(): Promise<PackIndex> {
    const changes = this.changes;
    const handle = await openIfPresent(this.file, 'r');
    if (!handle) return { records: new Map(), end: 0 };
    try {
      const scanned = await scanPack(handle, (await handle.stat()).size);
      // A writer opened meanwhile scanned for itself and kept its index current.
      if (this.changes === changes) this.index = scanned;
      return this.index ?? scanned;
    } finally {
      await handle.close();
    }
  }

  private async openWriter(prepare: () => Promise<void>): Promise<FileHandle> {
    await prepare();
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r+');
    } catch (error) {
      if (!isMissing(error)) throw error;
      // 'wx': only this runtime writes the folder (its lock), so nothing else creates it.
      handle = await open(this.file, 'wx', 0o600);
      this.nameDurable = false;
    }
    try {
      const { size } = await handle.stat();
      const index = await scanPack(handle, size);
      // A crash mid-append leaves a torn record at the end; the next record goes in its place.
      if (index.end < size) await handle.truncate(index.end);
      this.index = index;
      this.changes++;
      this.writer = handle;
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private armIdleClose(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close().catch(() => undefined), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private async closeWriter(): Promise<void> {
    clearTimeout(this.idleTimer);
    const writer = this.writer;
    this.writer = undefined;
    await writer?.close();
  }
}

/** The file opened with `flags`, or undefined when it does not exist. */
async function openIfPresent(file: string, flags: 'r' | 'r+'): Promise<FileHandle | undefined> {
  try {
    return await open(file, flags);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** writev at a position, finishing what a short write left (writev may stop short like write). */
async function writeAllAt(handle: FileHandle, parts: Buffer[], position: number): Promise<void> {
  let written = (await handle.writev(parts, position)).bytesWritten;
  let at = position + written;
  for (const part of parts) {
    if (written >= part.length) {
      written -= part.length;
      continue;
    }
    for (let from = written; from < part.length;) {
      const { bytesWritten } = await handle.write(part, from, part.length - from, at);
      if (bytesWritten === 0) throw new Error(`short write to ${at} in a chunk pack`);
      from += bytesWritten;
      at += bytesWritten;
    }
    written = 0;
  }
}

/** A file or folder that is not there (also when a path component is a file). */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
