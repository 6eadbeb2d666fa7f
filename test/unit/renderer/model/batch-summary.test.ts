import { describe, expect, it } from 'vitest';
import type { Transfer } from '../../../../bridge/types.ts';
import { summarizeBatch } from '../../../../renderer/model/batch-summary.ts';

let next = 0;
function transfer(change: Partial<Transfer>): Transfer {
  next += 1;
  return {
    id: `t${next}`,
    batchId: 'b1',
    kind: 'upload',
    name: `file-${next}.pdf`,
    context: '/',
    bytes: 10,
    total: 10,
    state: 'done',
    error: null,
    token: null,
    target: null,
    renamedFrom: null,
    retryable: true,
    hold: null,
    ...change,
  };
}

describe('summarizeBatch', () => {
  it('counts secured and failed uploads and names the first failure', () => {
    const summary = summarizeBatch('b1', [
      transfer({}),
      transfer({}),
      transfer({
        name: 'big.zip',
        state: 'failed',
        error: 'The storage devices ran out of space.',
      }),
      transfer({}),
      transfer({ batchId: 'other', state: 'failed' }),
    ]);
    expect(summary).toMatchObject({ done: 3, failed: 1, cancelled: 0, tone: 'warning' });
    expect(summary.text).toBe('3 files secured, 1 failed');
    expect(summary.reason).toBe('big.zip: The storage devices ran out of space.');
  });

  it('uses the singular and says when everything worked', () => {
    const summary = summarizeBatch('b1', [transfer({})]);
    expect(summary.text).toBe('1 file secured');
    expect(summary.reason).toBeNull();
    expect(summary.tone).toBe('success');
  });

  it('leads with the first non-zero count', () => {
    const summary = summarizeBatch('b1', [
      transfer({ state: 'failed', error: 'Nope.' }),
      transfer({ state: 'failed', error: 'Also nope.' }),
      transfer({ state: 'cancelled' }),
    ]);
    expect(summary.text).toBe('2 files failed, 1 cancelled');
    expect(summary.reason).toMatch(/: Nope\. \(and 1 more\)$/);
    expect(summary.tone).toBe('error');
  });

  it('words downloads as downloads and copes with a missing reason', () => {
    const summary = summarizeBatch('b1', [
      transfer({ kind: 'download' }),
      transfer({ kind: 'download', state: 'failed', error: null, name: 'a.txt' }),
    ]);
    expect(summary.text).toBe('1 file downloaded, 1 failed');
    expect(summary.reason).toBe("a.txt: The reason wasn't reported.");
  });

  it('treats a batch cancelled outright as a warning, not a success', () => {
    expect(summarizeBatch('b1', [transfer({ state: 'cancelled' })])).toMatchObject({
      text: '1 file cancelled',
      tone: 'warning',
    });
  });
});
