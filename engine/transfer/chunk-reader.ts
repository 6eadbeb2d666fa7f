import { BusError, type ChunkRef, type DeviceBus } from '../bus/device-bus.ts';
import type { Logger } from '../log.ts';
import { openChunk } from './envelope.ts';

export interface IntactChunk {
  /** The envelope as the device stored it (forwarded as is when copying between devices). */
  envelope: Buffer;
  /** The stored bytes inside it. */
  chunk: Buffer;
  deviceId: string;
}

/** Length of chunk `index` of a blob of `size` bytes cut into `chunkSize` pieces. */
export function chunkLength(size: number, chunkSize: number, index: number): number {
  return Math.max(0, Math.min(chunkSize, size - index * chunkSize));
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/**
 * Reads chunks from the devices that hold a blob (contract §9 "Retrieve"): the first online
 * holder that returns an envelope that opens under the engine key, for this item and index,
 * with the expected length, wins. A holder that is missing the chunk or returns a damaged one
 * is skipped for that chunk only; a holder that fails at the bus level (offline, timed out)
 * moves to the back of the order for the rest of the caller's reads.
 */
export class ChunkReader {
  constructor(
    private readonly bus: DeviceBus,
    private readonly key: Buffer,
    private readonly log: Logger,
  ) {}

  /** `holders` is the caller's preference order; it is reordered in place as devices fail. */
  async read(
    holders: string[],
    ref: ChunkRef,
    expectedLength: number,
  ): Promise<IntactChunk | undefined> {
    for (const deviceId of [...holders]) {
      if (!this.bus.isOnline(deviceId)) continue;
      let envelope: Buffer | undefined;
      try {
        envelope = await this.bus.getChunk(deviceId, ref);
      } catch (error) {
        this.log.warn({ err: error, deviceId, ...ref }, 'chunk read failed; trying another holder');
        if (error instanceof BusError) demote(holders, deviceId);
        continue;
      }
      if (!envelope) {
        this.log.warn({ deviceId, ...ref }, 'holder is missing a chunk; trying another holder');
        continue;
      }
      const chunk = openChunk(this.key, ref, envelope);
      if (!chunk || chunk.length !== expectedLength) {
        this.log.warn(
          { deviceId, ...ref },
          'chunk failed its engine envelope check; trying another holder',
        );
        continue;
      }
      return { envelope, chunk, deviceId };
    }
    return undefined;
  }
}

function demote(holders: string[], deviceId: string): void {
  const at = holders.indexOf(deviceId);
  if (at < 0) return;
  holders.splice(at, 1);
  holders.push(deviceId);
}
