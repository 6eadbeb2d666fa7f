import type { DeviceBus } from '../bus/device-bus.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { ChunkReader } from './chunk-reader.ts';
import { deriveEnvelopeKey } from './envelope.ts';
import { StorageFanout } from './storage-fanout.ts';
import { StorageSync, type ClusterExclusive } from './storage-sync.ts';
import { UploadSessions } from './upload-sessions.ts';

/** The storage data path's machinery, one per engine (EngineContext.transfer). */
export interface TransferServices {
  readonly fanout: StorageFanout;
  readonly reader: ChunkReader;
  readonly sync: StorageSync;
  readonly uploads: UploadSessions;
  /** Contract §9: how long request-data waits for a holder to come online. */
  readonly holderWaitMs: number;
}

export function createTransferServices(options: {
  store: Store;
  bus: DeviceBus;
  sealKey: Buffer;
  log: Logger;
  now: () => number;
  holderWaitMs?: number;
  /** Device work that runs on one engine node at a time. */
  exclusive?: ClusterExclusive;
}): TransferServices {
  const key = deriveEnvelopeKey(options.sealKey);
  const reader = new ChunkReader(options.bus, key, options.log);
  return {
    fanout: new StorageFanout(options.bus, key, options.log),
    reader,
    sync: new StorageSync(
      options.store,
      options.bus,
      reader,
      options.log,
      options.now,
      options.exclusive,
    ),
    uploads: new UploadSessions(),
    holderWaitMs: options.holderWaitMs ?? 60_000,
  };
}
