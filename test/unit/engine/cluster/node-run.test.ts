// engine/cluster/node-run.ts on a real SQLite store: a node on a database it shares beats and
// sweeps on its heartbeat; a node that owns its database (SQLite, behind the data folder's lock)
// sweeps once at start and then leaves the disk alone, however long it idles.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeRun } from '../../../../engine/cluster/node-run.ts';
import { createLogger } from '../../../../engine/log.ts';
import { openSqliteStore } from '../../../../engine/store/sqlite.ts';
import { tempDir } from '../../../support/engine.ts';

afterEach(() => {
  vi.useRealTimers();
});

async function idleFor(exclusiveDatabase: boolean): Promise<{ beats: number; sweeps: number }> {
  const store = openSqliteStore(tempDir());
  const beat = vi.spyOn(store.nodes, 'beat');
  // Only the timers: the store's group commit runs on setImmediate, which stays real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  const node = new NodeRun({
    store,
    log: createLogger('silent'),
    now: () => Date.now(),
    nodeId: 'test',
    exclusiveDatabase,
    heartbeatMs: 1_000,
  });
  let sweeps = 0;
  node.onSweep('count', async () => {
    sweeps++;
  });
  await node.start();
  await node.beat();
  // Ten heartbeats' worth of idling, each sweep allowed to finish before the next timer.
  for (let tick = 0; tick < 10; tick++) {
    await vi.advanceTimersByTimeAsync(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await node.stop();
  vi.useRealTimers();
  await store.close();
  return { beats: beat.mock.calls.length, sweeps };
}

describe('NodeRun', () => {
  it('on a shared database: beats and sweeps on every heartbeat', async () => {
    const { beats, sweeps } = await idleFor(false);
    expect(beats).toBeGreaterThan(3);
    expect(sweeps).toBeGreaterThan(3);
  });

  it('on its own database (SQLite): sweeps once at start and writes nothing while it idles', async () => {
    expect(await idleFor(true)).toEqual({ beats: 1, sweeps: 1 });
  });
});
