import { describe, expect, it } from 'vitest';
import type { StoredFile } from '../../../client/vault/store-file.ts';
import {
  BATCH_BYTES,
  BATCH_CONCURRENCY,
  storeBatch,
  type BatchFile,
} from '../../../cli/put-batch.ts';

const KiB = 1024;

function storedAs(file: BatchFile): StoredFile {
  return {
    token: `D-${file.path}`,
    name: file.path,
    size: file.size,
    context: '/',
    inline: true,
    stored: undefined,
  };
}

/** A store that takes `delayOf(file)` ms, fails the paths in `failing`, and records overlaps. */
function scriptedStore(delayOf: (file: BatchFile) => number, failing: readonly string[] = []) {
  let running = 0;
  let runningBytes = 0;
  const seen = { started: [] as string[], mostAtOnce: 0, mostBytesAtOnce: 0 };
  const store = async (file: BatchFile) => {
    seen.started.push(file.path);
    running += 1;
    runningBytes += file.size;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, running);
    seen.mostBytesAtOnce = Math.max(seen.mostBytesAtOnce, runningBytes);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayOf(file)));
      if (failing.includes(file.path)) throw new Error(`${file.path} failed`);
      return storedAs(file);
    } finally {
      running -= 1;
      runningBytes -= file.size;
    }
  };
  return { store, seen };
}

describe('storeBatch', () => {
  it('runs small files together and reports them in the order given, whatever order they finish in', async () => {
    const files = Array.from({ length: 40 }, (_, n) => ({ path: `f${n}`, size: KiB }));
    // Later files finish first.
    const { store, seen } = scriptedStore((file) => 40 - Number(file.path.slice(1)));
    const reported: string[] = [];
    const outcome = await storeBatch(files, store, (stored) => reported.push(stored.name));
    expect(reported).toEqual(files.map((file) => file.path));
    expect(outcome.stored.map((stored) => stored.name)).toEqual(reported);
    expect(outcome.notStored).toEqual([]);
    expect(outcome.error).toBeUndefined();
    expect(seen.mostAtOnce).toBe(BATCH_CONCURRENCY);
  });

  it('keeps the bytes on their way under the budget, and sends a larger file alone', async () => {
    const big = { path: 'big', size: BATCH_BYTES * 3 };
    const files = [
      ...Array.from({ length: 6 }, (_, n) => ({ path: `m${n}`, size: BATCH_BYTES / 4 })),
      big,
      { path: 'after', size: KiB },
    ];
    const { store, seen } = scriptedStore(() => 5);
    const overlapsBig: string[] = [];
    let bigRunning = false;
    const outcome = await storeBatch(
      files,
      async (file) => {
        if (bigRunning) overlapsBig.push(file.path);
        if (file === big) bigRunning = true;
        try {
          return await store(file);
        } finally {
          if (file === big) bigRunning = false;
        }
      },
      () => undefined,
    );
    expect(outcome.stored).toHaveLength(files.length);
    expect(overlapsBig).toEqual([]);
    // The budget held while small files overlapped; the big one only ever ran by itself.
    expect(seen.mostBytesAtOnce).toBe(big.size);
    expect(seen.mostAtOnce).toBe(4);
  });

  it('after a failure starts nothing new, still reports what was stored, and names the rest', async () => {
    const files = Array.from({ length: 40 }, (_, n) => ({ path: `f${n}`, size: KiB }));
    // f2 fails at once; the files already on their way with it finish later and are stored.
    const { store, seen } = scriptedStore((file) => (file.path === 'f2' ? 1 : 20), ['f2', 'f5']);
    const reported: string[] = [];
    const outcome = await storeBatch(files, store, (stored) => reported.push(stored.name));
    expect(seen.started).toHaveLength(BATCH_CONCURRENCY);
    expect((outcome.error as Error).message).toBe('f2 failed');
    const started = files.slice(0, BATCH_CONCURRENCY).map((file) => file.path);
    const stored = started.filter((path) => path !== 'f2' && path !== 'f5');
    expect(reported).toEqual(stored);
    expect(outcome.stored.map((file) => file.name)).toEqual(stored);
    expect(outcome.notStored).toEqual(
      files.map((file) => file.path).filter((path) => !stored.includes(path)),
    );
  });
});
