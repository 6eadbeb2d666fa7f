import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BusError } from '../../../../engine/bus/device-bus.ts';
import { createLogger } from '../../../../engine/log.ts';
import { ChunkReader } from '../../../../engine/transfer/chunk-reader.ts';
import { deriveEnvelopeKey, sealChunk } from '../../../../engine/transfer/envelope.ts';
import { CHUNK_SIZE, StorageFanout } from '../../../../engine/transfer/storage-fanout.ts';
import { FakeDeviceBus } from './fake-device-bus.ts';

const log = createLogger('silent');
const key = deriveEnvelopeKey(randomBytes(32));
const ITEM = '0193a5c3-0000-7000-8000-000000000001';

/** Feeds `total` bytes in uneven pieces, counting how far the fan-out has pulled. */
function source(total: number, pulled: { bytes: number }): AsyncGenerator<Buffer> {
  return (async function* () {
    for (let sent = 0; sent < total;) {
      const piece = randomBytes(Math.min(total - sent, 100_000 + (sent % 7)));
      sent += piece.length;
      pulled.bytes = sent;
      yield piece;
    }
  })();
}

/** Lets the event loop go round `count` times: work that can progress without a device does. */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Releases puts until the write settles. */
async function drive<T>(bus: FakeDeviceBus, work: Promise<T>): Promise<T> {
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    bus.release();
    await turns(1);
  }
  return work;
}

describe('StorageFanout', () => {
  it('pulls the source only while the window has room', async () => {
    const bus = new FakeDeviceBus(['a', 'b']);
    const pulled = { bytes: 0 };
    const write = new StorageFanout(bus, key, log).write(
      ITEM,
      ['a', 'b'],
      source(20 * CHUNK_SIZE, pulled),
    );
    // No device answers: the fan-out fills its window and stalls. Everything it can do without
    // an answer happens within these turns (an unbounded reader would have read it all).
    await turns(200);
    expect(bus.putsInFlight).toBeGreaterThan(0);
    // Nothing was confirmed yet: a few chunks are out, the rest of the 20 MiB is unread.
    expect(pulled.bytes).toBeLessThan(8 * CHUNK_SIZE);
    const result = await drive(bus, write);
    expect(result.size).toBe(20 * CHUNK_SIZE);
    // Two devices, a handful of chunks each: never the whole file.
    expect(bus.maxPutsInFlight).toBeLessThanOrEqual(2 * 8);
    expect(bus.chunks.get('a')!.size).toBe(20);
  });

  it('hashes what it stored, and confirms only devices that took every chunk', async () => {
    const bus = new FakeDeviceBus(['a', 'b', 'c']);
    bus.failAfter.set('b', 2);
    bus.silent.add('c');
    const bytes = randomBytes(3 * CHUNK_SIZE + 5);
    const result = await drive(
      bus,
      new StorageFanout(bus, key, log).write(
        ITEM,
        ['a', 'b', 'c'],
        [bytes.subarray(0, 10), bytes.subarray(10)],
      ),
    );
    expect(result).toEqual({
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      chunkSize: CHUNK_SIZE,
      holders: ['a'],
      skipped: expect.arrayContaining(['b', 'c']),
    });
    const reader = new ChunkReader(bus, key, log);
    const last = await reader.read(['a'], { itemId: ITEM, index: 3 }, 5);
    expect(last?.chunk.equals(bytes.subarray(3 * CHUNK_SIZE))).toBe(true);
  });

  it('names a holder only once it flushed the item after its last chunk', async () => {
    const bus = new FakeDeviceBus(['a', 'b']);
    bus.failFlush.add('b');
    const stored = new Map<string, number>();
    const flushItem = bus.flushItem.bind(bus);
    bus.flushItem = async (deviceId, itemId) => {
      // Every chunk was confirmed before the flush was asked for.
      stored.set(deviceId, bus.chunks.get(deviceId)!.size);
      return flushItem(deviceId, itemId);
    };
    const result = await drive(
      bus,
      new StorageFanout(bus, key, log).write(
        ITEM,
        ['a', 'b'],
        source(3 * CHUNK_SIZE + 1, { bytes: 0 }),
      ),
    );
    expect(result.holders).toEqual(['a']);
    expect(result.skipped).toEqual(['b']);
    expect(stored).toEqual(
      new Map([
        ['a', 4],
        ['b', 4],
      ]),
    );
    expect(bus.unsyncedOf('a', ITEM)).toBe(0);
    expect(bus.flushes.sort()).toEqual([`a/${ITEM}`, `b/${ITEM}`]);
  });

  it('reads the source to its end even with no target left', async () => {
    const bus = new FakeDeviceBus(['a']);
    bus.online.clear();
    const pulled = { bytes: 0 };
    const result = await new StorageFanout(bus, key, log).write(
      ITEM,
      ['a'],
      source(3 * CHUNK_SIZE, pulled),
    );
    expect(result.holders).toEqual([]);
    expect(pulled.bytes).toBe(3 * CHUNK_SIZE);
  });
});

describe('ChunkReader', () => {
  const ref = { itemId: ITEM, index: 0 };
  const chunk = randomBytes(1000);
  const good = sealChunk(key, ref, chunk);

  it('skips missing, damaged, misplaced and offline copies for an intact one', async () => {
    const bus = new FakeDeviceBus(['missing', 'damaged', 'misplaced', 'offline', 'good']);
    const damaged = Buffer.from(good);
    damaged[20]! ^= 1;
    const copies: Record<string, Buffer | undefined> = {
      missing: undefined,
      damaged,
      misplaced: sealChunk(key, { itemId: ITEM, index: 1 }, chunk),
      offline: good,
      good,
    };
    bus.serve = (deviceId) => copies[deviceId];
    bus.online.delete('offline');
    const found = await new ChunkReader(bus, key, log).read(
      ['missing', 'damaged', 'misplaced', 'offline', 'good'],
      ref,
      1000,
    );
    expect(found?.deviceId).toBe('good');
    expect(found?.chunk.equals(chunk)).toBe(true);
  });

  it('refuses a chunk of the wrong length and reports no intact copy', async () => {
    const bus = new FakeDeviceBus(['a', 'b']);
    bus.serve = (deviceId) =>
      deviceId === 'a' ? sealChunk(key, ref, chunk.subarray(1)) : undefined;
    expect(await new ChunkReader(bus, key, log).read(['a', 'b'], ref, 1000)).toBeUndefined();
  });

  it('moves a holder that fails at the bus level to the back', async () => {
    const bus = new FakeDeviceBus(['flaky', 'good']);
    bus.serve = () => good;
    bus.getChunk = async (deviceId) => {
      if (deviceId === 'flaky') throw new BusError('timeout', 'silent');
      return good;
    };
    const order = ['flaky', 'good'];
    await new ChunkReader(bus, key, log).read(order, ref, 1000);
    expect(order).toEqual(['good', 'flaky']);
  });
});
