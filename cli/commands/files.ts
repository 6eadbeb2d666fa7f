// put, get, cat, mv, classify, rm: the vault's files (ls and find are in file-list.ts).

import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  configureInformationSecurityRiskMeta,
  deleteData,
  updateDataToken,
} from '../../client/endpoints/data-token.ts';
import type { StoredFile } from '../../client/vault/store-file.ts';
import { findDataToken } from '../../client/vault/file-catalog.ts';
import { joinFileName, splitFileName } from '../../client/vault/file-name.ts';
import type { CliContext } from '../cli-context.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatBytes } from '../output.ts';
import { holdNotice, progressWithHolds } from '../hold-notice.ts';
import { createProgressBar } from '../progress-bar.ts';
import { storeBatch, type BatchFile, type BatchOutcome } from '../put-batch.ts';
import { UsageError } from '../usage-error.ts';
import { eachToken, tokenArguments, type TokenOutcome } from '../token-batch.ts';
import { IncompleteBatch } from '../incomplete-batch.ts';
import { failureClass } from '../exit-codes.ts';
import { VERIFIED_STDOUT_HELP, writeVerifiedToStdout } from '../verified-stdout.ts';

const DEFAULT_CONTEXT = '/';
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const putCommand: CommandSpec = {
  name: 'put',
  synopsis: [
    'put <files...> [--context C] [--path P] [--name NAME]',
    'put - --name NAME [--context C] [--path P]',
  ],
  summary:
    'Encrypt files (or standard input) on this machine and store them; prints one token each.',
  details: [
    '"-" reads standard input to its end as one file called NAME, streaming it: any length, in',
    'constant memory. --name also renames a single file. --context is its folder (default "/").',
    'Several files: small ones are stored together, and each file is reported in the order given',
    'as soon as it is stored; a batch that stops part-way has reported what it stored, and says',
    'which files it did not store.',
  ],
  options: { context: { type: 'string' }, path: { type: 'string' }, name: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, Infinity, 'put', 'the files to store (or - for standard input)');
    const context = stringOption(values, 'context') ?? DEFAULT_CONTEXT;
    const path = stringOption(values, 'path');
    const name = stringOption(values, 'name');
    if (context === '' || context.length > 1024)
      throw new UsageError('put: --context must be 1–1024 characters.', 'put');
    if (path !== undefined && path.length > 1024)
      throw new UsageError('put: --path must be at most 1024 characters.', 'put');
    if (name !== undefined && (name === '' || name.length > 255))
      throw new UsageError('put: --name must be 1–255 characters.', 'put');
    const fromStdin = positionals.includes('-');
    if (fromStdin && positionals.length > 1)
      throw new UsageError('put: "-" (standard input) cannot be mixed with files.', 'put');
    if (fromStdin && name === undefined)
      throw new UsageError('put: standard input has no name; give it one with --name NAME.', 'put');
    if (!fromStdin && name !== undefined && positionals.length > 1)
      throw new UsageError('put: --name renames one file; give one file at a time.', 'put');
    // Every file is checked before the first is sent, so a typo does not leave half a batch.
    const files: BatchFile[] = [];
    if (!fromStdin) {
      for (const file of positionals) {
        const info = await stat(file);
        if (!info.isFile()) throw new UsageError(`put: ${file} is not a regular file.`, 'put');
        files.push({ path: file, size: info.size });
      }
    }
    const session = await ctx.session();
    const common = { context, ...(path !== undefined ? { path } : {}), signal: ctx.signal };
    // Each file is reported once stored (its line, or its token with --quiet), so a batch that
    // fails or is interrupted part-way has already said what it stored; --json gives one
    // document at the end, or at the failure.
    const report = (file: StoredFile) => {
      if (!ctx.out.json)
        ctx.out.result([`${file.token}  ${file.name}  ${formatBytes(file.size)}`], undefined, [
          file.token,
        ]);
    };
    if (fromStdin) {
      if (process.stdin.isTTY)
        ctx.out.note('Reading from the terminal; end with Ctrl-D (Ctrl-Z, Enter on Windows).');
      const bar = createProgressBar(name!, process.stderr, { quiet: ctx.out.quiet });
      let file: StoredFile;
      try {
        file = await session.storeStream(process.stdin, {
          ...common,
          name: name!,
          onProgress: progressWithHolds(ctx, `put ${name!}`, bar),
        });
      } finally {
        bar.finish();
        // Stored or failed, nothing more is read: a writer still sending must not keep us alive.
        process.stdin.destroy();
      }
      report(file);
      if (ctx.out.json) ctx.out.result([], storedDocument([file]));
      return;
    }
    // One bar for the whole batch, erased before each line goes out.
    const bar = createProgressBar(
      files.length === 1 ? basename(files[0]!.path) : `${files.length} files`,
      process.stderr,
      { quiet: ctx.out.quiet },
    );
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const sent = files.map(() => 0);
    let sentInAll = 0;
    const outcome = await storeBatch(
      files,
      (file, index) =>
        session.storeFile(file.path, {
          ...common,
          ...(name !== undefined ? { name } : {}),
          onProgress: progressWithHolds(ctx, `put ${basename(file.path)}`, {
            update(bytes) {
              sentInAll += bytes - sent[index]!;
              sent[index] = bytes;
              bar.update(sentInAll, total);
            },
            finish: () => undefined,
          }),
        }),
      (done) => {
        bar.finish();
        report(done);
      },
    );
    bar.finish();
    const failed = 'error' in outcome;
    if (ctx.out.json && (!failed || outcome.stored.length > 0))
      ctx.out.result([], storedDocument(outcome.stored));
    if (failed) {
      if (files.length > 1) ctx.out.note(batchStopped(files.length, outcome));
      throw outcome.error;
    }
  },
};

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
      target = resolve(folder, safeName(joinFileName(record.fileName, record.extension)));
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

export const mvCommand: CommandSpec = {
  name: 'mv',
  synopsis: 'mv <token> [--name N] [--context C]',
  summary: 'Rename a file or move it to another context (metadata only; the bytes stay).',
  options: { name: { type: 'string' }, context: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'mv', 'the token');
    const name = stringOption(values, 'name');
    const context = stringOption(values, 'context');
    if (name === undefined && context === undefined)
      throw new UsageError('mv: give --name, --context or both.', 'mv');
    if (name !== undefined && (name === '' || name.length > 255))
      throw new UsageError('mv: --name must be 1–255 characters.', 'mv');
    if (context !== undefined && (context === '' || context.length > 1024))
      throw new UsageError('mv: --context must be 1–1024 characters.', 'mv');
    const token = positionals[0]!;
    const split = name === undefined ? undefined : splitFileName(name);
    const session = await ctx.session();
    await session.run(() =>
      updateDataToken(session.http, {
        token,
        ...(split ? { fileName: split.fileName, extension: split.extension ?? '' } : {}),
        ...(context !== undefined ? { context } : {}),
      }),
    );
    const changes = [
      ...(name !== undefined ? [`name ${name}`] : []),
      ...(context !== undefined ? [`context ${context}`] : []),
    ];
    ctx.out.result(`Updated ${token}: ${changes.join(', ')}.`, {
      token,
      name: name ?? null,
      context: context ?? null,
    });
  },
};

export const classifyCommand: CommandSpec = {
  name: 'classify',
  synopsis: ['classify <token> key=value...', 'classify <token> --clear'],
  summary: 'Set the information-security labels of a file (replacing earlier ones).',
  options: { clear: { type: 'boolean' } },
  async run(ctx, { positionals, values }) {
    const clear = values['clear'] === true;
    expectArgs(positionals, 1, clear ? 1 : 51, 'classify', 'the token');
    const [token, ...pairs] = positionals as [string, ...string[]];
    if (!clear && pairs.length === 0)
      throw new UsageError(
        'classify: give at least one key=value, or --clear to remove the labels.',
        'classify',
      );
    const fields: Record<string, string> = {};
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      const key = at < 0 ? pair : pair.slice(0, at);
      if (at < 0 || !FIELD_NAME.test(key)) {
        throw new UsageError(
          `classify: "${pair}" is not key=value with a key of 1–64 letters, digits, "_", "." or "-".`,
          'classify',
        );
      }
      if (key === 'token') throw new UsageError('classify: "token" cannot be a label.', 'classify');
      const value = pair.slice(at + 1);
      if (value.length > 1024)
        throw new UsageError(
          `classify: the value of ${key} is longer than 1024 characters.`,
          'classify',
        );
      fields[key] = value;
    }
    const session = await ctx.session();
    await session.run(() => configureInformationSecurityRiskMeta(session.http, { token, fields }));
    const summary = Object.entries(fields).map(([key, value]) => `${key}=${value}`);
    ctx.out.result(
      clear ? `Cleared the labels of ${token}.` : `Classified ${token}: ${summary.join(', ')}.`,
      { token, securityRiskMeta: fields },
    );
  },
};

export const rmCommand: CommandSpec = {
  name: 'rm',
  synopsis: ['rm <tokens...>', 'rm -'],
  summary: 'Delete files from the vault and from every storage device.',
  details: [
    '"-" reads the tokens from standard input, one a line (as `ls --all -q` prints them).',
    ...severalTokensHelp('deleted'),
  ],
  async run(ctx, { positionals }) {
    expectArgs(positionals, 1, Infinity, 'rm', 'the token');
    const tokens = await tokenArguments(positionals, process.stdin, 'rm', (line) =>
      ctx.out.note(line),
    );
    const session = await ctx.session();
    const remove = (token: string) =>
      session.run(() => deleteData(session.http, { token }), {
        onHold: holdNotice(ctx, `rm ${token.slice(0, 12)}…`),
      });
    if (!isBatch(positionals, tokens)) {
      const token = tokens[0]!;
      await remove(token);
      ctx.out.result(`Deleted ${token}.`, { token, deleted: true });
      return;
    }
    const { describeError } = await import('../describe-error.ts');
    const deleted: string[] = [];
    const outcome = await eachToken(tokens, remove, {
      done(token) {
        deleted.push(token);
        if (!ctx.out.json) ctx.out.result(`Deleted ${token}.`, undefined);
      },
      failed: (token, error) => ctx.out.problem(`rm ${token}: ${describeError(error)}`),
    });
    if (ctx.out.json)
      ctx.out.result([], { deleted, notDeleted: notDoneDocument(outcome, describeError) });
    endBatch(ctx, 'rm', 'deleted', tokens.length, outcome);
  },
};

/** A stored name as a file name here: no folders, nothing hidden by accident. */
function safeName(name: string): string {
  const base = [...name.replace(/[/\\]/g, '_')]
    .filter((char) => char.charCodeAt(0) >= 0x20)
    .join('');
  return base === '' || base === '.' || base === '..' ? 'download' : base;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** `put --json`: the files stored. */
function storedDocument(stored: readonly StoredFile[]): unknown {
  return {
    files: stored.map(({ token, name, size, context: fileContext, path: filePath }) => ({
      token,
      name,
      size,
      context: fileContext,
      path: filePath ?? null,
    })),
  };
}

/** After a batch stopped part-way: how far it got, and the first few files it did not store. */
function batchStopped(count: number, outcome: BatchOutcome): string {
  const left = outcome.notStored;
  const more = left.length > 3 ? ` and ${left.length - 3} more` : '';
  return `Stored ${outcome.stored.length} of ${count} files; not stored: ${left.slice(0, 3).join(', ')}${more}.`;
}

/** --help of `rm` and `get` on several tokens. */
function severalTokensHelp(verb: string): string[] {
  return [
    `Several tokens: each is reported in the order given as soon as it is ${verb}. A token that`,
    'fails on its own (unknown, say) is named on stderr and the rest carry on; the exit code is',
    "then the first failure's. Not being signed in, an engine out of reach or Ctrl-C stops the",
    `batch, which then says which tokens it has not ${verb}. --json: one document at the end.`,
  ];
}

/** Several tokens, or "-": reported one line each, with a closing summary. */
function isBatch(positionals: readonly string[], tokens: readonly string[]): boolean {
  return tokens.length > 1 || positionals[0] === '-';
}

/** --json: the tokens a batch did not do, each with why. */
function notDoneDocument(
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
function endBatch(
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
