import { describe, expect, it } from 'vitest';
import type { Transfer } from '../../../../bridge/types.ts';
import {
  applyTransfer,
  applyTransfers,
  isBatchFinished,
  percentDone,
  withoutFinished,
} from '../../../../renderer/model/transfer-list.ts';

function transfer(id: string, change: Partial<Transfer> = {}): Transfer {
  return {
    id,
    batchId: 'b1',
    kind: 'upload',
    name: `${id}.bin`,
    context: '/',
    bytes: 0,
    total: 100,
    state: 'queued',
    error: null,
    token: null,
    target: null,
    renamedFrom: null,
    retryable: true,
    hold: null,
    ...change,
  };
}

describe('applyTransfer', () => {
  it('appends new transfers and replaces known ones in place', () => {
    let list = applyTransfers([], [transfer('a'), transfer('b')]);
    list = applyTransfer(list, transfer('a', { state: 'running', bytes: 40 }));
    expect(list.map((t) => [t.id, t.state, t.bytes])).toEqual([
      ['a', 'running', 40],
      ['b', 'queued', 0],
    ]);
  });

  it('never moves a finished transfer back to running', () => {
    const done = [transfer('a', { state: 'done', bytes: 100 })];
    const after = applyTransfer(done, transfer('a', { state: 'running', bytes: 60 }));
    expect(after).toBe(done);
  });

  it('never moves a running transfer back to queued (the queuing call can answer late)', () => {
    const list = [transfer('a', { state: 'running', bytes: 30 })];
    expect(applyTransfer(list, transfer('a', { state: 'queued', bytes: 0 }))[0]).toMatchObject({
      state: 'running',
      bytes: 30,
    });
  });

  it('keeps bytes from going backwards while running', () => {
    const list = [transfer('a', { state: 'running', bytes: 70 })];
    expect(applyTransfer(list, transfer('a', { state: 'running', bytes: 50 }))[0]!.bytes).toBe(70);
  });

  it('takes a final state even with fewer bytes (a failure reports where it stopped)', () => {
    const list = [transfer('a', { state: 'running', bytes: 70 })];
    expect(applyTransfer(list, transfer('a', { state: 'failed', bytes: 0 }))[0]).toMatchObject({
      state: 'failed',
      bytes: 0,
    });
  });
});

describe('isBatchFinished', () => {
  it('waits for every member and for the announced count', () => {
    const list = [transfer('a', { state: 'done' }), transfer('b', { state: 'running' })];
    expect(isBatchFinished(list, 'b1')).toBe(false);
    const finished = applyTransfer(list, transfer('b', { state: 'failed' }));
    expect(isBatchFinished(finished, 'b1')).toBe(true);
    expect(isBatchFinished(finished, 'b1', 3)).toBe(false);
    expect(isBatchFinished(finished, 'unknown')).toBe(false);
  });
});

describe('withoutFinished', () => {
  it('drops finished transfers unless their batch still runs', () => {
    const list = [
      transfer('a', { state: 'done' }),
      transfer('b', { state: 'running' }),
      transfer('c', { state: 'done', batchId: 'b2' }),
    ];
    expect(withoutFinished(list).map((t) => t.id)).toEqual(['a', 'b']);
  });
});

describe('percentDone', () => {
  it('is a whole percent, 100 when done and 0 when the size is unknown', () => {
    expect(percentDone({ bytes: 1, total: 3, state: 'running' })).toBe(33);
    expect(percentDone({ bytes: 0, total: 0, state: 'done' })).toBe(100);
    expect(percentDone({ bytes: 5, total: 0, state: 'running' })).toBe(0);
    expect(percentDone({ bytes: 500, total: 100, state: 'running' })).toBe(100);
  });
});
