import { Readable } from 'node:stream';
import type { BlobRef } from '../store/data-store.ts';
import { chunkLength, type ChunkReader } from './chunk-reader.ts';

/** Chunks fetched ahead of the one being sent: keeps devices busy while the client reads. */
const READ_AHEAD = 3;

export class NoIntactCopyError extends Error {
  constructor(
    readonly blobId: string,
    readonly index: number,
  ) {
    super(`no holder has an intact copy of chunk ${index} of ${blobId}`);
    this.name = 'NoIntactCopyError';
  }
}

/**
 * Bytes `start`–`end` (inclusive) of a blob as a stream, chunk by chunk from its holders with
 * failover (ChunkReader), at most READ_AHEAD chunks in memory; the consumer's pace sets the
 * pace of the reads. The first chunk is read before this resolves, so a blob with no intact
 * copy of it fails (NoIntactCopyError) before any byte is promised; a later chunk without an
 * intact copy destroys the stream with that error, so the response ends short, never wrong.
 */
export async function openBlobRange(
  reader: ChunkReader,
  blob: BlobRef,
  holders: string[],
  start: number,
  end: number,
): Promise<Readable> {
  const firstIndex = Math.floor(start / blob.chunkSize);
  const lastIndex = Math.floor(end / blob.chunkSize);
  let next = firstIndex;
  const ahead: Promise<Buffer>[] = [];

  const read = async (index: number): Promise<Buffer> => {
    const found = await reader.read(
      holders,
      { itemId: blob.blobId, index },
      chunkLength(blob.size, blob.chunkSize, index),
    );
    if (!found) throw new NoIntactCopyError(blob.blobId, index);
    const from = index === firstIndex ? start - index * blob.chunkSize : 0;
    const to = index === lastIndex ? end - index * blob.chunkSize + 1 : found.chunk.length;
    return found.chunk.subarray(from, to);
  };
  const fill = () => {
    while (ahead.length < READ_AHEAD && next <= lastIndex) {
      const pending = read(next++);
      // Errors surface when the chunk's turn comes; until then they must not go unhandled.
      pending.catch(() => undefined);
      ahead.push(pending);
    }
  };

  fill();
  const first = await ahead.shift()!;
  async function* rest(): AsyncGenerator<Buffer> {
    yield first;
    for (;;) {
      fill();
      const pending = ahead.shift();
      if (!pending) return;
      yield await pending;
    }
  }
  return Readable.from(rest(), { objectMode: false, highWaterMark: 0 });
}
