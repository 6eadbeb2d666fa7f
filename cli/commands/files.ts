// put, get, ls, mv, classify, rm: the vault's files.

import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  configureInformationSecurityRiskMeta,
  deleteData,
  listDataTokens,
  updateDataToken,
  type DataTokenRecord,
} from '../../client/endpoints/data-token.ts';
import { findDataToken } from '../../client/vault/file-catalog.ts';
import { joinFileName, splitFileName } from '../../client/vault/file-name.ts';
import { expectArgs, integerOption, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatBytes, formatTable, formatTime } from '../output.ts';
import { holdNotice } from '../hold-notice.ts';
import { createProgressBar } from '../progress-bar.ts';
import { UsageError } from '../usage-error.ts';

const DEFAULT_CONTEXT = '/';
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const putCommand: CommandSpec = {
  name: 'put',
  synopsis: 'put <files...> [--context C] [--path P]',
  summary: 'Encrypt files on this machine and store them; prints one token per file.',
  options: { context: { type: 'string' }, path: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, Infinity, 'put', 'the files to store');
    const context = stringOption(values, 'context') ?? DEFAULT_CONTEXT;
    const path = stringOption(values, 'path');
    if (context === '' || context.length > 1024)
      throw new UsageError('put: --context must be 1–1024 characters.', 'put');
    if (path !== undefined && path.length > 1024)
      throw new UsageError('put: --path must be at most 1024 characters.', 'put');
    // Every file is checked before the first is sent, so a typo does not leave half a batch.
    for (const file of positionals) {
      const info = await stat(file);
      if (!info.isFile()) throw new UsageError(`put: ${file} is not a regular file.`, 'put');
    }
    const session = await ctx.session();
    const stored = [];
    for (const file of positionals) {
      const bar = createProgressBar(basename(file));
      const held = holdNotice(ctx, `put ${basename(file)}`);
      try {
        const result = await session.storeFile(file, {
          context,
          ...(path !== undefined ? { path } : {}),
          signal: ctx.signal,
          onProgress: (progress) => {
            if (progress.phase === 'held' && progress.hold) held(progress.hold);
            else bar.update(progress.bytes, progress.total);
          },
        });
        stored.push(result);
      } finally {
        bar.finish();
      }
    }
    ctx.out.result(
      stored.map((file) => `${file.token}  ${file.name}  ${formatBytes(file.size)}`),
      {
        files: stored.map(({ token, name, size, context: fileContext, path: filePath }) => ({
          token,
          name,
          size,
          context: fileContext,
          path: filePath ?? null,
        })),
      },
    );
  },
};

export const getCommand: CommandSpec = {
  name: 'get',
  synopsis: 'get <token> [-o FILE]',
  summary: 'Fetch, verify and decrypt a file (default: its stored name in the current folder).',
  options: { output: { type: 'string', short: 'o' } },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'get', 'the token');
    const token = positionals[0]!;
    const session = await ctx.session();
    const output = stringOption(values, 'output');
    let target: string;
    if (output === undefined) {
      const record = await findDataToken(session.http, token);
      target = resolve(safeName(joinFileName(record.fileName, record.extension)));
      if (await exists(target)) {
        throw new UsageError(
          `get: ${target} already exists; choose where to write with -o FILE.`,
          'get',
        );
      }
    } else {
      target = resolve(output);
      if ((await stat(target).catch(() => undefined))?.isDirectory()) {
        const record = await findDataToken(session.http, token);
        target = join(target, safeName(joinFileName(record.fileName, record.extension)));
      }
    }
    const bar = createProgressBar(basename(target));
    let size: number;
    try {
      const held = holdNotice(ctx, `get ${basename(target)}`);
      ({ size } = await session.retrieveFile(token, target, {
        signal: ctx.signal,
        onProgress: (progress) => {
          if (progress.phase === 'held' && progress.hold) held(progress.hold);
          else bar.update(progress.bytes, progress.total);
        },
      }));
    } finally {
      bar.finish();
    }
    ctx.out.result(`Saved ${target} (${formatBytes(size)}).`, { token, file: target, size });
  },
};

export const lsCommand: CommandSpec = {
  name: 'ls',
  synopsis: 'ls [--context C] [--page N] [--per-page N]',
  summary: 'List stored files, newest first.',
  options: {
    context: { type: 'string' },
    page: { type: 'string' },
    'per-page': { type: 'string' },
  },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 0, 0, 'ls', '');
    const page = integerOption(values, 'page', 'ls', 1, Number.MAX_SAFE_INTEGER);
    const perPage = integerOption(values, 'per-page', 'ls', 1, 500);
    const context = stringOption(values, 'context');
    const session = await ctx.session();
    const list = await listDataTokens(session.http, {
      ...(page !== undefined ? { page } : {}),
      ...(perPage !== undefined ? { perPage } : {}),
      ...(context !== undefined ? { context } : {}),
    });
    const rows = list.items.map((item) => [
      item.token,
      joinFileName(item.fileName, item.extension),
      formatBytes(item.size),
      item.context,
      formatTime(item.createdAt),
      classification(item),
    ]);
    const { count, page: shownPage, perPage: shownPerPage } = list.meta;
    const lines =
      rows.length === 0
        ? [count === 0 ? 'No files.' : `No files on page ${shownPage} (${count} in all).`]
        : [
            ...formatTable(['TOKEN', 'NAME', 'SIZE', 'CONTEXT', 'CREATED', 'CLASSIFICATION'], rows),
            ...(count > rows.length
              ? [`Page ${shownPage} of ${Math.ceil(count / shownPerPage)} (${count} files).`]
              : []),
          ];
    ctx.out.result(lines, list);
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
  synopsis: 'rm <token>',
  summary: 'Delete a file from the vault and from every storage device.',
  async run(ctx, { positionals }) {
    expectArgs(positionals, 1, 1, 'rm', 'the token');
    const token = positionals[0]!;
    const session = await ctx.session();
    await session.run(() => deleteData(session.http, { token }), {
      onHold: holdNotice(ctx, `rm ${token.slice(0, 12)}…`),
    });
    ctx.out.result(`Deleted ${token}.`, { token, deleted: true });
  },
};

/** A stored name as a file name here: no folders, nothing hidden by accident. */
function safeName(name: string): string {
  const base = [...name.replace(/[/\\]/g, '_')]
    .filter((char) => char.charCodeAt(0) >= 0x20)
    .join('');
  return base === '' || base === '.' || base === '..' ? 'download' : base;
}

function classification(item: DataTokenRecord): string {
  const meta = item.securityRiskMeta;
  if (!meta) return '-';
  const entries = Object.entries(meta);
  return entries.length === 0 ? '-' : entries.map(([key, value]) => `${key}=${value}`).join(',');
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
