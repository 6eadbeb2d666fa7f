import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmod,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  rmdir,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { isId } from '../ids.ts';
import { acquireLock } from '../lock-file.ts';
import type { Logger } from '../log.ts';
import { PACK_NAME } from './chunk-pack.ts';
import { isMissing, ItemPack } from './item-pack.ts';

/*
 * The at-rest store of one storage device folder:
 *   <dir>/at-rest.key                     the 32-byte AES-256-GCM key as 64 hex characters, mode 0600
 *   <dir>/lock                            the runtime that has the folder open (lock-file.ts)
 *   <dir>/chunks/<itemId>/chunks.pack     the item's chunks, appended (chunk-pack.ts)
 *   <dir>/chunks/<itemId>/<index>.chunk   a chunk of the first layout, still read (see below)
 * Each chunk is sealed as [12-byte IV][ciphertext][16-byte GCM tag] with additional data
 * "privicore-chunk/<itemId>/<index>" (UTF-8), so sealed bytes moved to another item or index fail
 * their tag instead of serving the wrong bytes. The chunks are already engine-sealed envelopes;
 * this layer keeps a stolen disk from even showing which envelope is which, and detects bit rot.
 *
 * A put appends a record to the item's pack; a synced put fsyncs the pack and, the first time,
 * the folders that hold its name before it resolves. A deferred put (`sync: false`) skips the
 * fsyncs, and flushItem later fsyncs the pack and the folders, after which the item is as durable
 * as with synced puts. A crash can only tear the pack's last record: reads stop before it, the
 * next append replaces it, and a damaged record fails its tag and reads as missing, never as
 * wrong bytes. Deleted items are first renamed to `chunks/.deleting-<itemId>-<hex>`; those and
 * the temporary files of the first layout are removed when the store opens and never listed
 * (inside item folders only after a crash: a normal close leaves `<dir>/closed-cleanly`).
 *
 * The first layout wrote one file per chunk (`.<index>.<hex>.tmp`, fsynced, renamed into
 * place). Stores written by it open as they are: a chunk missing from the pack is looked for
 * there, and new chunks of any item go to its pack.
 */

const KEY_FILE = 'at-rest.key';
const LOCK_FILE = 'lock';
/**
 * Left by a runtime that closed the folder normally. Only a crash leaves leftovers inside item
 * folders, so only an open without it reads every item folder: with thousands of items that
 * sweep cost every start (every CLI command) a few hundred milliseconds per device.
 */
const CLEAN_FILE = 'closed-cleanly';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CHUNK_NAME = /^\d+\.chunk$/;
const TEMP_NAME = /^\..*\.tmp$/;
const DELETING_PREFIX = '.deleting-';
/** Item packs whose record index is kept in memory; idle ones beyond this are forgotten. */
const CACHED_PACKS = 256;
/** Item packs open for writing at once; the least recently used beyond this is closed. */
const OPEN_WRITERS = 32;
/** Folders read at once while listing, so a large store does not open thousands of handles. */
const LIST_CONCURRENCY = 64;
/** Files fsynced at once by a flush: enough to let the file system batch its journal commits. */
const SYNC_CONCURRENCY = 4;

export interface PutChunkOptions {
  /** false: resolve once the chunk is in place but perhaps not on disk (see flushItem). */
  sync?: boolean;
}

export interface ChunkStoreOptions {
  dir: string;
  log: Logger;
}

export class ChunkStore {
  private readonly chunksDir: string;
  /** Item folders a deferred put created whose name is not yet durable in chunksDir. */
  private readonly unsyncedFolders = new Set<string>();
  /** Item id → its pack, least recently used first. */
  private readonly packs = new Map<string, ItemPack>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly unlock: () => void,
    private readonly key: Buffer,
    private readonly log: Logger,
  ) {
    this.chunksDir = join(dir, 'chunks');
  }

  /** Creates the folder layout and key on first use; refuses a folder another runtime holds. */
  static async open(options: ChunkStoreOptions): Promise<ChunkStore> {
    const { dir, log } = options;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const unlock = acquireLock(join(dir, LOCK_FILE), (owner) =>
      owner === 'this process'
        ? `${dir} is already open by another storage device in this process`
        : `${dir} is in use by process ${owner.pid}. If no storage device runs there, delete ${join(dir, LOCK_FILE)}.`,
    );
    try {
      const key = await loadAtRestKey(dir);
      const store = new ChunkStore(dir, unlock, key, log);
      await mkdir(store.chunksDir, { recursive: true, mode: 0o700 });
      // Removed before anything is written, so a crash of this runtime leaves no marker.
      const clean = await removeIfPresent(join(dir, CLEAN_FILE));
      const removed = await store.removeLeftovers(clean);
      if (removed > 0)
        log.info({ dir, removed }, 'removed leftovers of interrupted writes and deletes');
      return store;
    } catch (error) {
      unlock();
      throw error;
    }
  }

  /**
   * Resolves once the chunk is durable: appended to the item's pack, fsynced, and its folders
   * fsynced when new. With `sync: false`, once it is appended; flushItem makes it durable.
   */
  async put(
    itemId: string,
    index: number,
    chunk: Buffer,
    options: PutChunkOptions = {},
  ): Promise<void> {
    const sync = options.sync ?? true;
    const folder = this.itemFolder(itemId);
    checkIndex(index);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(itemId, index));
    // GCM's final() yields no bytes; the parts go out in one writev rather than one more copy.
    const sealed = cipher.update(chunk);
    cipher.final();
    const pack = this.pack(itemId, folder);
    await pack.append(
      index,
      [iv, sealed, cipher.getAuthTag()],
      IV_BYTES + sealed.length + TAG_BYTES,
      sync,
      async () => {
        if (await mkdir(folder, { recursive: true, mode: 0o700 })) this.unsyncedFolders.add(itemId);
      },
    );
    if (sync) {
      if (!pack.nameDurable) {
        await syncFolder(folder);
        pack.nameDurable = true;
      }
      if (this.unsyncedFolders.delete(itemId)) await syncFolder(this.chunksDir);
    }
    this.limitWriters(pack);
  }

  /**
   * Makes every chunk the store holds of the item durable: each chunk file fsynced, then its
   * folder and the chunks folder (which holds the item folder's name). An item with no folder
   * holds nothing, and nothing needs flushing.
   */
  async flushItem(itemId: string): Promise<void> {
    const folder = this.itemFolder(itemId);
    const pack = this.packs.get(itemId) ?? new ItemPack(join(folder, PACK_NAME));
    await pack.flush();
    let names: string[];
    try {
      names = (await readdir(folder)).filter((name) => CHUNK_NAME.test(name));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Chunk files of the first layout, should an item from before hold unsynced ones.
    let next = 0;
    const worker = async () => {
      while (next < names.length) await syncFile(join(folder, names[next++]!));
    };
    await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, names.length) }, worker));
    await syncFolder(folder);
    await syncFolder(this.chunksDir);
    this.unsyncedFolders.delete(itemId);
    pack.nameDurable = true;
  }

  /** The chunk, or undefined when it is absent or fails its tag (logged, so bit rot shows). */
  async get(itemId: string, index: number): Promise<Buffer | undefined> {
    const folder = this.itemFolder(itemId);
    checkIndex(index);
    const pack = this.pack(itemId, folder);
    const record = (await pack.records()).records.get(index);
    const bytes = record ? await pack.read(record) : await readFirstLayoutChunk(folder, index);
    if (!bytes) {
      if (record) this.log.warn({ itemId, index, folder }, 'item pack ends before this chunk');
      else this.log.debug({ itemId, index }, 'chunk not held');
      return undefined;
    }
    if (bytes.length < IV_BYTES + TAG_BYTES) {
      this.log.warn({ itemId, index, bytes: bytes.length }, 'stored chunk is truncated');
      return undefined;
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(additionalData(itemId, index));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const chunk = decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES));
      // GCM's final() yields no bytes; it checks the tag (and throws when it fails).
      decipher.final();
      return chunk;
    } catch {
      this.log.warn({ itemId, index, folder }, 'chunk failed its at-rest integrity check');
      return undefined;
    }
  }

  /** Removes every chunk of the item; an unknown item is already deleted. */
  async deleteItem(itemId: string): Promise<void> {
    const folder = this.itemFolder(itemId);
    const pack = this.packs.get(itemId);
    if (pack) {
      this.packs.delete(itemId);
      await pack.close();
    }
    // The rename makes the delete atomic: a crash during rm leaves only a leftover, never a
    // half-deleted item that would still be listed.
    const doomed = join(
      this.chunksDir,
      `${DELETING_PREFIX}${itemId}-${randomBytes(6).toString('hex')}`,
    );
    try {
      await rename(folder, doomed);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await syncFolder(this.chunksDir);
    this.unsyncedFolders.delete(itemId);
    await rm(doomed, { recursive: true, force: true });
  }

  /** Item ids with at least one stored chunk. */
  async listItems(): Promise<string[]> {
    const entries = await readdir(this.chunksDir, { withFileTypes: true });
    const candidates = entries
      .filter((entry) => entry.isDirectory() && isId(entry.name))
      .map((entry) => entry.name);
    const held: string[] = [];
    for (let start = 0; start < candidates.length; start += LIST_CONCURRENCY) {
      const batch = candidates.slice(start, start + LIST_CONCURRENCY);
      const flags = await Promise.all(batch.map((itemId) => this.holdsChunks(itemId)));
      batch.forEach((itemId, i) => {
        if (flags[i]) held.push(itemId);
      });
    }
    return held;
  }

  /** Releases the folder; the store must not be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const packs = [...this.packs.values()];
    this.packs.clear();
    try {
      await Promise.all(packs.map((pack) => pack.close()));
      await writeFile(join(this.dir, CLEAN_FILE), '', { mode: 0o600 });
    } finally {
      this.unlock();
    }
  }

  /** The item's pack, now the most recently used; forgets idle ones beyond CACHED_PACKS. */
  private pack(itemId: string, folder: string): ItemPack {
    let pack = this.packs.get(itemId);
    if (pack) this.packs.delete(itemId);
    else pack = new ItemPack(join(folder, PACK_NAME));
    this.packs.set(itemId, pack);
    if (this.packs.size > CACHED_PACKS) {
      for (const [id, cached] of this.packs) {
        if (this.packs.size <= CACHED_PACKS) break;
        if (cached.idle) this.packs.delete(id);
      }
    }
    return pack;
  }

  /** Closes the least recently used writers beyond OPEN_WRITERS (not `current`). */
  private limitWriters(current: ItemPack): void {
    let open = 0;
    for (const pack of this.packs.values()) if (pack.writing) open++;
    for (const pack of this.packs.values()) {
      if (open <= OPEN_WRITERS) break;
      if (pack === current || !pack.writing) continue;
      open--;
      pack
        .close()
        .catch((error: unknown) =>
          this.log.warn({ err: error, file: pack.file }, 'closing an item pack failed'),
        );
    }
  }

  private itemFolder(itemId: string): string {
    // The id becomes a path component: only a UUID may, so nothing escapes the chunks folder.
    if (!isId(itemId))
      throw new RangeError(
        `itemId must be a lowercase UUID, got ${JSON.stringify(itemId).slice(0, 48)}`,
      );
    if (this.closed) throw new Error('the chunk store is closed');
    return join(this.chunksDir, itemId);
  }

  private async holdsChunks(itemId: string): Promise<boolean> {
    try {
      return (await readdir(join(this.chunksDir, itemId))).some(holdsChunk);
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Temporary files and interrupted deletes; after a crash (`!clean`) inside item folders too. */
  private async removeLeftovers(clean: boolean): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      if (TEMP_NAME.test(name)) {
        await rm(join(this.dir, name), { force: true });
        removed++;
      }
    }
    for (const entry of await readdir(this.chunksDir, { withFileTypes: true })) {
      const path = join(this.chunksDir, entry.name);
      if (entry.name.startsWith(DELETING_PREFIX)) {
        await rm(path, { recursive: true, force: true });
        removed++;
        continue;
      }
      if (clean || !entry.isDirectory() || !isId(entry.name)) continue;
      const names = await readdir(path);
      for (const name of names.filter((n) => TEMP_NAME.test(n))) {
        await rm(join(path, name), { force: true });
        removed++;
      }
      // A folder left empty by a crash between mkdir and the first write.
      if (!names.some(holdsChunk)) await rmdir(path).catch(() => undefined);
    }
    return removed;
  }
}

function additionalData(itemId: string, index: number): Buffer {
  return Buffer.from(`privicore-chunk/${itemId}/${index}`, 'utf8');
}

/** Removes the file; false when there was none. */
async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function holdsChunk(name: string): boolean {
  return name === PACK_NAME || CHUNK_NAME.test(name);
}

/** A chunk file of the first layout, or undefined when there is none. */
async function readFirstLayoutChunk(folder: string, index: number): Promise<Buffer | undefined> {
  try {
    return await readFile(join(folder, `${index}.chunk`));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 31) {
    throw new RangeError(`chunk index must be a non-negative integer below 2^31, got ${index}`);
  }
}

async function loadAtRestKey(dir: string): Promise<Buffer> {
  const file = join(dir, KEY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
    text = randomBytes(32).toString('hex');
    // The folder lock is held, so no other runtime races this create.
    const temp = join(dir, `.${KEY_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncFolder(dir);
  }
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(
      `${file} does not hold an at-rest key (expected 64 hexadecimal characters, found ${hex.length} characters). ` +
        'Refusing to start: the chunks in this folder can only be read with the original key. ' +
        'Restore the key file, or move the folder aside to start an empty device.',
    );
  }
  // A copy restored from a backup may have lost its mode; the key is never group-readable.
  await chmod(file, 0o600);
  return Buffer.from(hex, 'hex');
}

/** Makes a file's data durable. */
async function syncFile(file: string): Promise<void> {
  // r+: Windows flushes only handles opened for writing.
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and creates inside `folder` durable. */
async function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
