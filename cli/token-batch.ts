// How `rm` and `get` work through several tokens (`ls --all -q | privicore-vault rm -`): a few at
// a time, each reported in the order given once every token before it has settled. A token that
// fails on its own (unknown, its file already in the folder, data that failed its check, a vote
// that said no) is named with its failure and the rest carry on. A failure that would fail every
// token alike (not signed in, the engine out of reach, Ctrl-C) stops new starts; the tokens
// already on their way finish and are reported, and the batch ends with that failure.

import type { CliContext } from './cli-context.ts';
import { failureClass, type FailureClass } from './exit-codes.ts';
import { IncompleteBatch } from './incomplete-batch.ts';
import { UsageError } from './usage-error.ts';

/** Tokens on their way at once, at most. */
export const TOKEN_CONCURRENCY = 4;

/** Failures that are not the token's own: every later token would fail the same way. */
const STOPS_THE_BATCH: ReadonlySet<FailureClass> = new Set([
  'auth',
  'network',
  'untrusted',
  'cancelled',
]);

export interface TokenReport<R> {
  done(token: string, result: R): void;
  failed(token: string, error: unknown): void;
}

export interface TokenOutcome {
  done: number;
  /** Tokens that failed on their own, in the order given, with their failure. */
  failed: { token: string; error: unknown }[];
  /** Tokens not done because the batch stopped (never started, or failed as it stopped). */
  notDone: string[];
  /** The failure that stopped the batch, when one did. */
  stoppedBy?: unknown;
}

export async function eachToken<R>(
  tokens: readonly string[],
  work: (token: string) => Promise<R>,
  report: TokenReport<R>,
  concurrency = TOKEN_CONCURRENCY,
): Promise<TokenOutcome> {
  const results: ({ result: R } | { error: unknown } | undefined)[] = tokens.map(() => undefined);
  const running = new Set<Promise<void>>();
  let reported = 0;
  let started = 0;
  let stoppedBy: unknown;
  let stopped = false;
  const outcome: TokenOutcome = { done: 0, failed: [], notDone: [] };

  const reportReady = () => {
    while (reported < started) {
      const settled = results[reported];
      if (settled === undefined) return;
      const token = tokens[reported]!;
      if ('result' in settled) {
        outcome.done += 1;
        report.done(token, settled.result);
      } else if (STOPS_THE_BATCH.has(failureClass(settled.error))) {
        // Said once, at the end, as the batch's own failure.
        outcome.notDone.push(token);
      } else {
        outcome.failed.push({ token, error: settled.error });
        report.failed(token, settled.error);
      }
      reported += 1;
    }
  };

  for (; started < tokens.length && !stopped;) {
    while (running.size >= concurrency) await Promise.race(running);
    if (stopped) break;
    const index = started++;
    const job: Promise<void> = work(tokens[index]!)
      .then(
        (result) => {
          results[index] = { result };
        },
        (error: unknown) => {
          results[index] = { error };
          if (!stopped && STOPS_THE_BATCH.has(failureClass(error))) {
            stopped = true;
            stoppedBy = error;
          }
        },
      )
      .finally(() => {
        running.delete(job);
        reportReady();
      });
    running.add(job);
  }
  await Promise.all(running);
  reportReady();
  outcome.notDone.push(...tokens.slice(started));
  return stopped ? { ...outcome, stoppedBy } : outcome;
}

/**
 * Tokens to work through: the arguments, or with "-" standard input's lines (blank ones and
 * surrounding spaces ignored), so that a list from `ls -q` can be piped in.
 */
export async function tokenArguments(
  positionals: readonly string[],
  stdin: NodeJS.ReadableStream & { isTTY?: boolean },
  command: string,
  note: (line: string) => void,
): Promise<string[]> {
  if (!positionals.includes('-')) return [...positionals];
  if (positionals.length > 1)
    throw new UsageError(
      `${command}: "-" (tokens on standard input) cannot be mixed with tokens.`,
      command,
    );
  if (stdin.isTTY) note('Reading tokens from the terminal, one a line; end with Ctrl-D.');
  let text = '';
  stdin.setEncoding('utf8');
  for await (const piece of stdin) {
    text += piece as string;
    if (text.length > MAX_STDIN_CHARS)
      throw new UsageError(
        `${command}: standard input holds more than ${MAX_STDIN_CHARS} characters of tokens.`,
        command,
      );
  }
  const tokens = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (tokens.length === 0)
    throw new UsageError(`${command}: standard input held no tokens.`, command);
  return tokens;
}

/** 100 000 tokens of ~45 characters: far past any vault's list, short of exhausting memory. */
const MAX_STDIN_CHARS = 5_000_000;

/** --help of `rm` and `get` on several tokens. */
export function severalTokensHelp(verb: string): string[] {
  return [
    `Several tokens: each is reported in the order given as soon as it is ${verb}. A token that`,
    'fails on its own (unknown, say) is named on stderr and the rest carry on; the exit code is',
    "then the first failure's. Not being signed in, an engine out of reach or Ctrl-C stops the",
    `batch, which then says which tokens it has not ${verb}. --json: one document at the end.`,
  ];
}

/** Several tokens, or "-": reported one line each, with a closing summary. */
export function isBatch(positionals: readonly string[], tokens: readonly string[]): boolean {
  return tokens.length > 1 || positionals[0] === '-';
}

/** --json: the tokens a batch did not do, each with why. */
export function notDoneDocument(
  outcome: TokenOutcome,
  describe: (error: unknown) => string,
): { token: string; message: string }[] {
  return [
    ...outcome.failed.map(({ token, error }) => ({ token, message: describe(error) })),
    ...outcome.notDone.map((token) => ({
      token,
      message: `not done: ${describe(outcome.stoppedBy)}`,
    })),
  ];
}

/** Ends a batch: its stopping failure (after saying how far it got), or the first token's. */
export function endBatch(
  ctx: CliContext,
  command: string,
  verb: string,
  count: number,
  outcome: TokenOutcome,
): void {
  if (outcome.stoppedBy !== undefined) {
    const left = outcome.notDone;
    const more = left.length > 3 ? ` and ${left.length - 3} more` : '';
    ctx.out.note(
      `${command}: ${outcome.done} of ${count} ${verb}; not ${verb}: ${left.slice(0, 3).join(', ')}${more}.`,
    );
    throw outcome.stoppedBy;
  }
  const first = outcome.failed[0];
  if (first)
    throw new IncompleteBatch(
      `${command}: ${outcome.failed.length} of ${count} tokens failed (each is named above); ${outcome.done} ${verb}.`,
      failureClass(first.error),
    );
}
