import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PrivicoreError } from '../../../client/privicore-error.ts';
import { exitCodeFor } from '../../../cli/exit-codes.ts';
import { IncompleteBatch } from '../../../cli/incomplete-batch.ts';
import { TOKEN_CONCURRENCY, eachToken, tokenArguments } from '../../../cli/token-batch.ts';
import { UsageError } from '../../../cli/usage-error.ts';

const notFound = () =>
  new PrivicoreError({ status: 404, reason: 'data_token.not_found', message: 'no such token' });
const offline = () =>
  new PrivicoreError({ status: 0, reason: 'client.network', message: 'engine unreachable' });

/** Work that takes `delay(token)` ms and fails as `failure(token)` says; records overlaps. */
function scripted(delay: (token: string) => number, failure: (token: string) => Error | undefined) {
  const seen = { started: [] as string[], running: 0, mostAtOnce: 0 };
  const work = async (token: string) => {
    seen.started.push(token);
    seen.running += 1;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, delay(token)));
      const error = failure(token);
      if (error) throw error;
      return `done ${token}`;
    } finally {
      seen.running -= 1;
    }
  };
  return { work, seen };
}

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    report: {
      done: (token: string, result: string) => lines.push(result),
      failed: (token: string, error: unknown) => lines.push(`failed ${token}: ${String(error)}`),
    },
  };
}

describe('eachToken', () => {
  it('reports in the order given, whatever order the work ends in, a few at a time', async () => {
    const tokens = Array.from({ length: 12 }, (_, n) => `t${n}`);
    // Later tokens finish first.
    const { work, seen } = scripted(
      (token) => 60 - 4 * Number(token.slice(1)),
      () => undefined,
    );
    const { lines, report } = recorder();
    const outcome = await eachToken(tokens, work, report);
    expect(lines).toEqual(tokens.map((token) => `done ${token}`));
    expect(outcome).toEqual({ done: 12, failed: [], notDone: [] });
    expect(seen.mostAtOnce).toBe(TOKEN_CONCURRENCY);
  });

  it('names a token that fails on its own and carries on with the rest', async () => {
    const tokens = ['a', 'missing', 'b', 'c'];
    const { work } = scripted(
      () => 5,
      (token) => (token === 'missing' ? notFound() : undefined),
    );
    const { lines, report } = recorder();
    const outcome = await eachToken(tokens, work, report);
    expect(lines).toEqual(['done a', `failed missing: ${String(notFound())}`, 'done b', 'done c']);
    expect(outcome.done).toBe(3);
    expect(outcome.failed.map((failed) => failed.token)).toEqual(['missing']);
    expect(outcome.notDone).toEqual([]);
    expect(outcome.stoppedBy).toBeUndefined();
  });

  it('stops at a failure every token would share, finishing and reporting what was on its way', async () => {
    const tokens = Array.from({ length: 20 }, (_, n) => `t${n}`);
    // t2 finds the engine gone; t0, t1 and t3 are on their way and succeed.
    const { work, seen } = scripted(
      (token) => (token === 't2' ? 1 : 30),
      (token) => (token === 't2' ? offline() : undefined),
    );
    const { lines, report } = recorder();
    const outcome = await eachToken(tokens, work, report);
    expect(seen.started).toEqual(['t0', 't1', 't2', 't3']);
    expect(lines).toEqual(['done t0', 'done t1', 'done t3']);
    expect(outcome.done).toBe(3);
    expect(outcome.failed).toEqual([]);
    expect(outcome.notDone).toEqual(['t2', ...tokens.slice(4)]);
    expect((outcome.stoppedBy as PrivicoreError).reason).toBe('client.network');
  });

  it("gives an incomplete batch the first failure's exit code", () => {
    expect(exitCodeFor(new IncompleteBatch('1 of 3 failed', 'notFound'))).toBe(3);
    expect(exitCodeFor(new IncompleteBatch('1 of 3 failed', 'integrity'))).toBe(6);
  });
});

describe('tokenArguments', () => {
  const stdin = (text: string) => Readable.from([Buffer.from(text)]);
  const noNote = () => undefined;

  it('takes the arguments, or with "-" the lines of standard input without blanks and spaces', async () => {
    expect(await tokenArguments(['D-a', 'D-b'], stdin('D-x\n'), 'rm', noNote)).toEqual([
      'D-a',
      'D-b',
    ]);
    expect(await tokenArguments(['-'], stdin('D-a\r\n\n  D-b  \n\n'), 'rm', noNote)).toEqual([
      'D-a',
      'D-b',
    ]);
  });

  it('refuses "-" among tokens, empty input, and input past any real list', async () => {
    await expect(tokenArguments(['-', 'D-a'], stdin(''), 'rm', noNote)).rejects.toThrow(UsageError);
    await expect(tokenArguments(['-'], stdin('\n \n'), 'rm', noNote)).rejects.toThrow(
      'standard input held no tokens',
    );
    const huge = Readable.from(
      (function* () {
        for (let n = 0; n < 200; n++) yield Buffer.alloc(64 * 1024, 'D');
      })(),
    );
    await expect(tokenArguments(['-'], huge, 'get', noNote)).rejects.toThrow(
      'more than 5000000 characters',
    );
  });
});
