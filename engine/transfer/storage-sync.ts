import type { DeviceBus } from '../bus/device-bus.ts';
import type { Logger } from '../log.ts';
import type { BlobRef } from '../store/data-store.ts';
import { SerialLock } from '../store/serial-lock.ts';
import type { Store } from '../store/store.ts';
import { chunkCount, chunkLength, type ChunkReader } from './chunk-reader.ts';

export interface SynchronizeResult {
  /** Blobs now on the device that were not (or not verifiably) there before. */
  copied: string[];
  /** Blobs with some chunk that no online holder had intact. */
  missing: number;
}

/** Runs work for a device while no other engine node does (cluster/node-run.ts leases). */
export type ClusterExclusive = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/**
 * Keeps storage devices in step with what the engine recorded (contract §9): removals owed to
 * a device are applied when it is online, and a storage device receives the stores it missed
 * (offline or skipped) since it became a storage device. Work for one device runs one at a
 * time, across every engine node; a reconcile asked for while another waits to start is the
 * same reconcile.
 */
export class StorageSync {
  private readonly locks = new Map<string, SerialLock>();
  private readonly queued = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly bus: DeviceBus,
    private readonly reader: ChunkReader,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly cluster: ClusterExclusive = (_name, work) => work(),
  ) {}

  /** Applies pending removals and backfills missed stores; never rejects. */
  reconcile(deviceId: string): Promise<void> {
    const waiting = this.queued.get(deviceId);
    if (waiting) return waiting;
    const run = this.exclusive(deviceId, async () => {
      this.queued.delete(deviceId);
      await this.applyDeletes(deviceId);
      await this.backfill(deviceId);
    }).catch((error: unknown) =>
      this.log.error({ err: error, deviceId }, 'storage reconcile failed'),
    );
    this.queued.set(deviceId, run);
    return run;
  }

  /** Copies every stored blob of the profile the device lacks (storage.synchronize). */
  synchronize(deviceId: string, profileId: string): Promise<SynchronizeResult> {
    return this.exclusive(deviceId, async () => {
      await this.applyDeletes(deviceId);
      const listed = new Set(await this.bus.listItems(deviceId));
      const recorded = new Set(await this.store.holdings.heldBy(deviceId));
      const result: SynchronizeResult = { copied: [], missing: 0 };
      for (const blob of await this.store.dataTokens.storedBlobs(profileId)) {
        if (listed.has(blob.blobId) && recorded.has(blob.blobId)) continue;
        // Listed but unrecorded may be a fragment of an interrupted store: completed in place.
        const copy = await this.copyBlob(blob, deviceId, listed.has(blob.blobId));
        if (copy === 'target-failed')
          throw new Error(`storage device ${deviceId} failed while synchronizing`);
        if (copy === 'copied') result.copied.push(blob.blobId);
        else result.missing++;
      }
      return result;
    });
  }

  /** Waits for running work (engine shutdown, after the bus closed). */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private exclusive<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    let lock = this.locks.get(deviceId);
    if (!lock) this.locks.set(deviceId, (lock = new SerialLock()));
    const run = lock.run(() => this.cluster(`storage-device:${deviceId}`, work));
    this.running.add(run);
    const forget = () => void this.running.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async applyDeletes(deviceId: string): Promise<void> {
    for (const blobId of await this.store.pendingDeletes.forDevice(deviceId)) {
      if (this.closed || !this.bus.isOnline(deviceId)) return;
      // A copy recorded after the removal was queued (synchronize, backfill) is wanted.
      if ((await this.store.holdings.holders(blobId)).includes(deviceId)) {
        await this.store.pendingDeletes.remove(deviceId, blobId);
        continue;
      }
      try {
        await this.bus.deleteItem(deviceId, blobId);
      } catch (error) {
        this.log.warn({ err: error, deviceId, blobId }, 'removal not applied; it stays queued');
        return;
      }
      await this.store.pendingDeletes.remove(deviceId, blobId);
    }
  }

  private async backfill(deviceId: string): Promise<void> {
    const device = await this.store.devices.byId(deviceId);
    if (!device || device.role !== 'storage' || device.storageSince === null) return;
    for (const blob of await this.store.dataTokens.owedTo(
      deviceId,
      device.profileId,
      device.storageSince,
    )) {
      if (this.closed || !this.bus.isOnline(deviceId)) return;
      const copy = await this.copyBlob(blob, deviceId);
      // A device that cannot take a write now gets the rest when it next connects.
      if (copy === 'target-failed') return;
      if (copy === 'copied') await this.record(blob.blobId, deviceId);
    }
  }

  /** Records a copy, or removes it again when its data token went away meanwhile. */
  private async record(blobId: string, deviceId: string): Promise<void> {
    const kept = await this.store.atomic(async (tx) => {
      const device = await tx.devices.byId(deviceId);
      if (!device || device.role !== 'storage' || !(await tx.dataTokens.blobStored(blobId)))
        return false;
      await tx.holdings.add(blobId, deviceId, this.now());
      await tx.pendingDeletes.remove(deviceId, blobId);
      return true;
    });
    if (!kept)
      await this.bus
        .deleteItem(deviceId, blobId)
        .catch(() => this.store.pendingDeletes.add(deviceId, blobId, this.now()));
  }

  /**
   * Copies a blob onto `target` from its other holders, chunk by chunk. When the target may
   * already hold some of it (listed but unrecorded), its own intact chunks are kept rather than
   * fetched again. A copy that stops short is left unrecorded, so it is never read; it goes
   * with the data token's removal.
   */
  private async copyBlob(
    blob: BlobRef,
    target: string,
    targetMayHold = false,
  ): Promise<'copied' | 'no-source' | 'target-failed'> {
    const sources = (await this.store.holdings.holders(blob.blobId)).filter(
      (deviceId) => deviceId !== target,
    );
    const count = chunkCount(blob.size, blob.chunkSize);
    for (let index = 0; index < count; index++) {
      const ref = { itemId: blob.blobId, index };
      const length = chunkLength(blob.size, blob.chunkSize, index);
      if (targetMayHold && (await this.reader.read([target], ref, length))) continue;
      const found = await this.reader.read(sources, ref, length);
      if (!found) {
        this.log.warn(
          { blobId: blob.blobId, index, target },
          'no intact source for a chunk; the copy waits for a later reconcile',
        );
        return 'no-source';
      }
      try {
        await this.bus.putChunk(target, ref, found.envelope, { deferSync: true });
      } catch (error) {
        this.log.warn({ err: error, blobId: blob.blobId, index, target }, 'copy to device failed');
        return 'target-failed';
      }
    }
    // One flush makes the copied chunks durable, and the ones the target already had.
    try {
      await this.bus.flushItem(target, blob.blobId);
    } catch (error) {
      this.log.warn({ err: error, blobId: blob.blobId, target }, 'copy to device not flushed');
      return 'target-failed';
    }
    this.log.info(
      { blobId: blob.blobId, target, chunks: count },
      'copied a blob to a storage device',
    );
    return 'copied';
  }
}
