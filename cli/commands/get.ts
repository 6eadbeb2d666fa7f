// get and cat: files out of the vault, verified before anything is released; get of several
// tokens (or "-" for a list on standard input) goes through token-batch.ts.

import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { findDataToken } from '../../client/vault/file-catalog.ts';
import { joinFileName } from '../../client/vault/file-name.ts';
import { localFileName } from '../../client/vault/local-file-name.ts';
import type { CliContext } from '../cli-context.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { progressWithHolds } from '../hold-notice.ts';
import { formatBytes } from '../output.ts';
import { createProgressBar } from '../progress-bar.ts';
import {
  eachToken,
  endBatch,
  isBatch,
  notDoneDocument,
  severalTokensHelp,
  tokenArguments,
} from '../token-batch.ts';
import { UsageError } from '../usage-error.ts';
import { VERIFIED_STDOUT_HELP, writeVerifiedToStdout } from '../verified-stdout.ts';

export const getCommand: CommandSpec = {
  name: 'get',
  synopsis: ['get <tokens...> [-o FILE|DIR]', 'get - [-o DIR]', 'get <token> -o -'],
  summary: 'Fetch, verify and decrypt a file (default: its stored name in the current folder).',
  details: [
    'A file is written beside its target and moved into place only once it has verified.',
    'Into a folder (the current one, or -o DIR) it goes under its stored name and never replaces',
    'a file already there; -o FILE replaces FILE. A DIR ending in / must exist.',
    '"-o -" writes the plaintext to standard output instead, as `cat` does.',
    '"-" reads the tokens from standard input, one a line (as `ls --all -q` prints them).',
    ...severalTokensHelp('saved'),
    '',
    ...VERIFIED_STDOUT_HELP,
  ],
  options: { output: { type: 'string', short: 'o' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, Infinity, 'get', 'the token');
    const tokens = await tokenArguments(positionals, process.stdin, 'get', (line) =>
      ctx.out.note(line),
    );
    const output = stringOption(values, 'output');
    const batch = isBatch(positionals, tokens);
    if (output === '-') {
      if (batch)
        throw new UsageError(
          'get: "-o -" writes one file to standard output; give one token.',
          'get',
        );
      await catToStdout(ctx, tokens[0]!, 'get');
      return;
    }
    const folder = await targetFolder(output, batch);
    const session = await ctx.session();
    if (!batch) {
      const saved = await getOne(ctx, session, tokens[0]!, folder, output, newClaims());
      ctx.out.result(`Saved ${saved.file} (${formatBytes(saved.size)}).`, saved);
      return;
    }
    const { describeError } = await import('../describe-error.ts');
    // One bar for the whole batch; each file's bytes count towards it.
    const bar = createProgressBar(`${tokens.length} files`, process.stderr, {
      quiet: ctx.out.quiet,
    });
    const progress = { done: 0, running: new Map<string, number>() };
    const claims = newClaims();
    const saved: Saved[] = [];
    const outcome = await eachToken(
      tokens,
      (token) =>
        getOne(ctx, session, token, folder!, undefined, claims, (bytes) => {
          progress.running.set(token, bytes);
          let sum = progress.done;
          for (const value of progress.running.values()) sum += value;
          bar.update(sum, undefined);
        }).finally(() => {
          progress.done += progress.running.get(token) ?? 0;
          progress.running.delete(token);
        }),
      {
        done(_token, file) {
          bar.finish();
          saved.push(file);
          if (!ctx.out.json)
            ctx.out.result(`Saved ${file.file} (${formatBytes(file.size)}).`, undefined);
        },
        failed(token, error) {
          bar.finish();
          ctx.out.problem(`get ${token}: ${describeError(error)}`);
        },
      },
    );
    bar.finish();
    if (ctx.out.json)
      ctx.out.result([], { files: saved, notSaved: notDoneDocument(outcome, describeError) });
    endBatch(ctx, 'get', 'saved', tokens.length, outcome);
  },
};

interface Saved {
  token: string;
  file: string;
  size: number;
}

/** The target names a batch of `get` has taken so far, and whose turn it is to take one. */
interface Claims {
  names: Set<string>;
  turn: Promise<void>;
}

const newClaims = (): Claims => ({ names: new Set(), turn: Promise.resolve() });

/**
 * Where `get` writes: a folder (the current one, or -o DIR), or undefined for -o FILE. Several
 * tokens need a folder.
 */
async function targetFolder(
  output: string | undefined,
  batch: boolean,
): Promise<string | undefined> {
  if (output === undefined) return process.cwd();
  if ((await stat(output).catch(() => undefined))?.isDirectory()) return output;
  if (/[\\/]$/.test(output)) {
    // "-o sub/" means a folder: one that is missing is an error, not a file named "sub".
    await stat(output).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw error;
    });
    throw new UsageError(`get: ${output} is not a folder.`, 'get');
  }
  if (batch)
    throw new UsageError(
      `get: several files go into a folder, and ${output} is not one (-o DIR/ names an existing folder).`,
      'get',
    );
  return undefined;
}

/**
 * Fetches one file: into `folder` under its stored name, never replacing a file already there
 * nor one an earlier token of the same batch claimed, or to -o FILE (replacing it, as cp does).
 */
async function getOne(
  ctx: CliContext,
  session: Awaited<ReturnType<CliContext['session']>>,
  token: string,
  folder: string | undefined,
  output: string | undefined,
  claims: Claims,
  onBytes?: (bytes: number) => void,
): Promise<Saved> {
  // Names are claimed in the order the tokens were given, whichever lookup answers first.
  const earlier = claims.turn;
  let myTurnDone!: () => void;
  claims.turn = new Promise((resolve) => (myTurnDone = resolve));
  let target: string;
  try {
    if (folder === undefined) target = resolve(output!);
    else {
      const record = await findDataToken(session.http, token);
      // The app's rules: no folders, no control characters, at most 255 bytes.
      target = resolve(folder, localFileName(joinFileName(record.fileName, record.extension)));
      await earlier;
      if (claims.names.has(target) || (await exists(target))) {
        // In a batch the line already names the command and the token.
        throw new UsageError(
          onBytes
            ? `${target} already exists; it was not replaced.`
            : `get: ${target} already exists; choose where to write with -o FILE.`,
          'get',
        );
      }
      claims.names.add(target);
    }
  } finally {
    myTurnDone();
  }
  const bar = onBytes
    ? { update: (bytes: number) => onBytes(bytes), finish: () => undefined }
    : createProgressBar(basename(target), process.stderr, { quiet: ctx.out.quiet });
  try {
    const { size } = await session.retrieveFile(token, target, {
      signal: ctx.signal,
      onProgress: progressWithHolds(ctx, `get ${basename(target)}`, bar),
    });
    return { token, file: target, size };
  } finally {
    bar.finish();
  }
}

export const catCommand: CommandSpec = {
  name: 'cat',
  synopsis: 'cat <token>',
  summary: "Write a file's verified plaintext to standard output.",
  details: VERIFIED_STDOUT_HELP,
  async run(ctx, { positionals }) {
    expectArgs(positionals, 1, 1, 'cat', 'the token');
    await catToStdout(ctx, positionals[0]!, 'cat');
  },
};

async function catToStdout(ctx: CliContext, token: string, command: string): Promise<void> {
  // Standard output carries the file itself: there is no room for a JSON document.
  if (ctx.out.json)
    throw new UsageError(`${command}: --json cannot go with the file on standard output.`, command);
  const session = await ctx.session();
  await writeVerifiedToStdout(session, token, { signal: ctx.signal, quiet: ctx.out.quiet });
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
