// put, mv, classify, rm: the vault's files (get and cat are in get.ts, ls and find in
// file-list.ts).

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  configureInformationSecurityRiskMeta,
  deleteData,
  updateDataToken,
} from '../../client/endpoints/data-token.ts';
import type { StoredFile } from '../../client/vault/store-file.ts';
import { splitFileName } from '../../client/vault/file-name.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatBytes } from '../output.ts';
import { holdNotice, progressWithHolds } from '../hold-notice.ts';
import { createProgressBar } from '../progress-bar.ts';
import { storeBatch, type BatchFile, type BatchOutcome } from '../put-batch.ts';
import { UsageError } from '../usage-error.ts';
import {
  eachToken,
  endBatch,
  isBatch,
  notDoneDocument,
  severalTokensHelp,
  tokenArguments,
} from '../token-batch.ts';

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
