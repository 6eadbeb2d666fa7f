import { createHash } from 'node:crypto';
import type { DeviceBus } from '../bus/device-bus.ts';
import type { Logger } from '../log.ts';
import { sealChunk } from './envelope.ts';

/** Chunk size of new blobs; each blob records its own, so this may change between versions. */
export const CHUNK_SIZE = 1024 * 1024;
/**
 * Chunks sealed and sent but not yet confirmed by every target: bounds memory per upload. Each
 * chunk in the window is a frame per target on this side and, on the devices' side, that frame
 * plus its at-rest ciphertext, and dead ones pile up to V8's 64 MB external-memory trigger in
 * both isolates. 2 rather than 4 took the CLI's peak RSS during a 256 MiB `put` from 236–245 MB
 * to 180–201 MB at the same speed (interleaved runs, README "Files"); the devices still have
 * the next chunk queued while they write one.
 */
const WINDOW = 2;

export interface FanoutResult {
  size: number;
  /** Hex SHA-256 of the bytes as received (the download ETag). */
  sha256: string;
  chunkSize: number;
  /** Targets that confirmed a durable write of every chunk. */
  holders: string[];
  /** Targets that failed or went silent (bus timeout) and were skipped. */
  skipped: string[];
}

/**
 * Writes a byte stream to storage devices (contract §9 "Store"): cuts it into chunks, seals
 * each in the engine envelope once and sends it to every target still in the running, with at
 * most WINDOW chunks awaiting confirmation. The source is pulled only while the window has
 * room, so a fast uploader is held back by the slowest live device instead of being buffered;
 * a device that fails a write (offline, error, silent past the bus timeout) drops out and the
 * rest carry on. The source is always read to its end, even when no target is left, so an
 * HTTP upload can still be answered.
 *
 * Chunks go out as deferred puts (no fsync each); once the last is confirmed, every target is
 * asked to flush the item, and only a target that confirmed the flush is a holder: the result
 * names no device before all of the item is durable on it.
 */
export class StorageFanout {
  constructor(
    private readonly bus: DeviceBus,
    private readonly key: Buffer,
    private readonly log: Logger,
  ) {}

  async write(
    itemId: string,
    targets: readonly string[],
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<FanoutResult> {
    const live = new Set(targets);
    const skipped = new Set<string>();
    const hash = createHash('sha256');
    const inFlight = new Set<Promise<void>>();
    let size = 0;
    let index = 0;
    // Reused: send() seals a chunk before its first await, so the buffer is free once submit returns.
    const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    let filled = 0;

    const drop = (deviceId: string, error: unknown, at?: number) => {
      if (live.delete(deviceId))
        this.log.warn(
          { err: error, deviceId, itemId, index: at },
          'storage device skipped for this store',
        );
      skipped.add(deviceId);
    };

    const send = async (bytes: Buffer, at: number): Promise<void> => {
      if (live.size === 0) return;
      const ref = { itemId, index: at };
      let envelope: Buffer | undefined = sealChunk(this.key, ref, bytes);
      const puts = [...live].map((deviceId) =>
        this.bus.putChunk(deviceId, ref, envelope!, { deferSync: true }).catch((error: unknown) => {
          drop(deviceId, error, at);
        }),
      );
      // The bus framed it for every device; the envelope need not live while they answer.
      envelope = undefined;
      await Promise.all(puts);
    };

    const submit = async (bytes: Buffer): Promise<void> => {
      while (inFlight.size >= WINDOW) await Promise.race(inFlight);
      const sending: Promise<void> = send(bytes, index++).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    };

    try {
      for await (const piece of source) {
        const bytes = Buffer.isBuffer(piece)
          ? piece
          : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        hash.update(bytes);
        size += bytes.length;
        let offset = 0;
        while (offset < bytes.length) {
          const take = Math.min(CHUNK_SIZE - filled, bytes.length - offset);
          bytes.copy(chunk, filled, offset, offset + take);
          filled += take;
          offset += take;
          if (filled === CHUNK_SIZE) {
            await submit(chunk);
            filled = 0;
          }
        }
      }
      if (filled > 0) await submit(chunk.subarray(0, filled));
    } finally {
      // Sends never reject; wait for them even when the source failed, so nothing runs on.
      await Promise.all(inFlight);
    }
    if (index > 0) {
      await Promise.all(
        [...live].map(async (deviceId) => {
          try {
            await this.bus.flushItem(deviceId, itemId);
          } catch (error) {
            drop(deviceId, error);
          }
        }),
      );
    }
    return {
      size,
      sha256: hash.digest('hex'),
      chunkSize: CHUNK_SIZE,
      holders: [...live],
      skipped: [...skipped],
    };
  }
}
