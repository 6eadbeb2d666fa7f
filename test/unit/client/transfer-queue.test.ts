import { describe, expect, it } from 'vitest';
import type { Transfer } from '../../../bridge/types.ts';
import { PrivicoreError } from '../../../client/privicore-error.ts';
import { TransferQueue, type TransferJob } from '../../../client/transfer-queue.ts';

/** One turn of the event loop: a step of work that takes time without a clock. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A job that reports progress in steps and can be released or failed by the test. */
function steppedJob(
  name: string,
  total: number,
  outcome: 'ok' | 'fail' = 'ok',
  steps = 4,
): TransferJob {
  return {
    kind: 'upload',
    name,
    context: '/t',
    total,
    run: async (signal, onProgress) => {
      for (let i = 1; i <= steps; i++) {
        if (signal.aborted) throw PrivicoreError.cancelled();
        await turn();
        onProgress({ phase: 'upload', bytes: (total * i) / steps, total });
      }
      if (signal.aborted) throw PrivicoreError.cancelled();
      if (outcome === 'fail')
        throw new PrivicoreError({ status: 0, reason: 'storage.unavailable', message: 'x' });
      return { token: `D-${name}` };
    },
  };
}

describe('TransferQueue', () => {
  it('runs a batch to completion with progress, tokens and a failure in plain words', async () => {
    const changes: Transfer[] = [];
    const queue = new TransferQueue({
      onChange: (t) => changes.push(t),
      progressIntervalMs: 0,
      concurrency: 2,
    });
    const { batchId, transfers } = queue.enqueue([
      steppedJob('a', 100),
      steppedJob('b', 200, 'fail'),
      steppedJob('c', 300),
    ]);
    expect(transfers.map((t) => t.state)).toEqual(['queued', 'queued', 'queued']);
    await queue.idle();
    const final = queue.list();
    expect(final.every((t) => t.batchId === batchId)).toBe(true);
    expect(final.map((t) => t.state)).toEqual(['done', 'failed', 'done']);
    expect(final[0]).toMatchObject({ token: 'D-a', bytes: 100 });
    expect(final[1]!.error).toMatch(/No storage device is online/);
    const progressOfC = changes
      .filter((t) => t.name === 'c' && t.state === 'running')
      .map((t) => t.bytes);
    expect(progressOfC.length).toBeGreaterThan(1);
    expect(progressOfC).toEqual([...progressOfC].sort((x, y) => x - y));
  });

  it('never runs more than `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    const job = (name: string): TransferJob => ({
      kind: 'download',
      name,
      context: '/',
      total: 1,
      run: async () => {
        peak = Math.max(peak, ++running);
        // Long enough for any other job the queue would start at the same time to start.
        for (let i = 0; i < 5; i++) await turn();
        running--;
        return {};
      },
    });
    const queue = new TransferQueue({ onChange: () => undefined, concurrency: 2 });
    queue.enqueue(['1', '2', '3', '4', '5'].map(job));
    await queue.idle();
    expect(peak).toBe(2);
  });

  it('cancels queued and running transfers', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const queue = new TransferQueue({
      onChange: (t) => {
        if (t.name === 'running' && t.state === 'running') started();
      },
      concurrency: 1,
    });
    const { transfers } = queue.enqueue([
      steppedJob('running', 10, 'ok', 1000),
      steppedJob('queued', 10),
    ]);
    await running;
    expect(queue.cancel(transfers[1]!.id)).toBe(true);
    expect(queue.cancel(transfers[0]!.id)).toBe(true);
    await queue.idle();
    expect(queue.list().map((t) => t.state)).toEqual(['cancelled', 'cancelled']);
    expect(queue.cancel(transfers[0]!.id)).toBe(false);
    expect(queue.cancel('unknown')).toBe(false);
  });

  it('holds queued transfers while paused', async () => {
    const queue = new TransferQueue({ onChange: () => undefined });
    queue.setPaused(true);
    queue.enqueue([steppedJob('waits', 10)]);
    // A queue that ignored the pause would have started the job within these turns.
    for (let i = 0; i < 20; i++) await turn();
    expect(queue.list()[0]!.state).toBe('queued');
    queue.setPaused(false);
    await queue.idle();
    expect(queue.list()[0]!.state).toBe('done');
  });

  it('lists a job that cannot start as failed at once, and runs the rest', async () => {
    const queue = new TransferQueue({ onChange: () => undefined });
    const { transfers } = queue.enqueue([
      steppedJob('ok', 10),
      {
        ...steppedJob('gone', 10),
        error: new PrivicoreError({
          status: 0,
          reason: 'client.file_missing',
          message: 'x',
          details: { path: '/tmp/gone' },
        }),
      },
    ]);
    expect(transfers[1]).toMatchObject({
      state: 'failed',
      error: '/tmp/gone is not there any more. It may have been moved or deleted.',
    });
    await queue.idle();
    expect(queue.list().map((t) => t.state)).toEqual(['done', 'failed']);
  });

  it('interrupts everything (sign-out, quit) and retries a transfer as a new batch', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const queue = new TransferQueue({
      onChange: (t) => {
        if (t.name === 'a' && t.state === 'running') started();
      },
      concurrency: 1,
    });
    const { transfers } = queue.enqueue([steppedJob('a', 10, 'ok', 1000), steppedJob('b', 10)]);
    await running;
    expect(queue.activeCount).toBe(2);
    await queue.interruptAll();
    expect(queue.list().map((t) => t.state)).toEqual(['interrupted', 'interrupted']);
    expect(queue.activeCount).toBe(0);
    const again = queue.retry(transfers[0]!.id)!;
    expect(again.batchId).not.toBe(transfers[0]!.batchId);
    await queue.idle();
    expect(queue.get(again.transfers[0]!.id)?.state).toBe('done');
    expect(queue.get(transfers[0]!.id)).toBeUndefined();
    expect(queue.retry(again.transfers[0]!.id)).toBeUndefined();
    expect(queue.forget([transfers[1]!.id])).toEqual([transfers[1]!.id]);
    expect(queue.get(transfers[1]!.id)).toBeUndefined();
  });

  it('restores transfers of an earlier run as interrupted, under their ids, without running them', async () => {
    let ran = false;
    const queue = new TransferQueue({ onChange: () => undefined });
    queue.restoreInterrupted([
      {
        ...steppedJob('old', 10),
        id: 'old-1',
        batchId: 'b-old',
        run: async () => {
          ran = true;
          return {};
        },
      },
    ]);
    expect(queue.get('old-1')).toMatchObject({ state: 'interrupted', batchId: 'b-old' });
    await queue.idle();
    expect(ran).toBe(false);
  });
});
