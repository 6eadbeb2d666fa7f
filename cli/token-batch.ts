// How `rm` and `get` work through several tokens (`ls --all -q | privicore-vault rm -`): a few at
// a time, each reported in the order given once every token before it has settled. A token that
// fails on its own (unknown, its file already in the folder, data that failed its check, a vote
// that said no) is named with its failure and the rest carry on. A failure that would fail every
// token alike (not signed in, the engine out of reach, Ctrl-C) stops new starts; the tokens
// already on their way finish and are reported, and the batch ends with that failure.

import { failureClass, type FailureClass } from './exit-codes.ts';
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
