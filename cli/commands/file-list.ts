// ls and find: the vault's files, a page or every page, sorted, searched, by folder.

import {
  listDataTokens,
  type DataTokenList,
  type DataTokenRecord,
  type ListDataTokensQuery,
} from '../../client/endpoints/data-token.ts';
import type { HttpClient } from '../../client/http.ts';
import { joinFileName } from '../../client/vault/file-name.ts';
import type { CliContext } from '../cli-context.ts';
import {
  expectArgs,
  integerOption,
  stringOption,
  type CommandSpec,
  type OptionValues,
} from '../command-spec.ts';
import { formatBytes, formatTable, formatTime } from '../output.ts';
import { UsageError } from '../usage-error.ts';

/** The contract's largest page: --all walks the list in as few requests as it can. */
const ALL_PAGE_SIZE = 500;

const SORT_FIELDS = { name: 'fileName', size: 'size', created: 'createdAt' } as const;
type SortName = keyof typeof SORT_FIELDS;

const ORDERING_OPTIONS = { sort: { type: 'string' }, order: { type: 'string' } } as const;

const ORDERING_HELP = [
  '--sort name|size|created (default created) with --order asc|desc; the order defaults to asc',
  '(A–Z) for name and to desc (newest or largest first) otherwise.',
  '--json prints {"items":[…],"meta":{…}}, each item with every field of the engine\'s list record',
  '(with --all, one page holding every item). --quiet prints only the tokens, one a line.',
];

export const lsCommand: CommandSpec = {
  name: 'ls',
  indexOnly: true,
  synopsis:
    'ls [--context C] [--search TEXT] [--sort name|size|created] [--order asc|desc] [--all | --page N] [--per-page N]',
  summary: 'List stored files, newest first, a page at a time (--all: every page).',
  details: [
    '--context C lists the folder C and its subfolders: C itself and every context under "C/";',
    'never a sibling that merely starts the same ("/tax" does not list "/taxes"). "/" is everything.',
    '--search TEXT keeps the files whose name contains TEXT, in any case.',
    '--all fetches every page; otherwise --page N (from 1) of --per-page N (1–500, default 25).',
    ...ORDERING_HELP,
  ],
  options: {
    context: { type: 'string' },
    search: { type: 'string' },
    all: { type: 'boolean' },
    page: { type: 'string' },
    'per-page': { type: 'string' },
    ...ORDERING_OPTIONS,
  },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 0, 0, 'ls', '');
    const all = values['all'] === true;
    const page = integerOption(values, 'page', 'ls', 1, 1_000_000);
    if (all && page !== undefined)
      throw new UsageError('ls: --all lists every page; leave out --page.', 'ls');
    const context = stringOption(values, 'context');
    if (context !== undefined && (context === '' || context.length > 1024))
      throw new UsageError('ls: --context must be 1–1024 characters.', 'ls');
    const search = searchText(stringOption(values, 'search'), 'ls', '--search');
    const query: ListDataTokensQuery = {
      ...ordering(values, 'ls'),
      ...(context !== undefined ? { folder: context } : {}),
      ...(search !== undefined ? { q: search } : {}),
    };
    await listFiles(ctx, query, { all, page, perPage: perPageOption(values, 'ls'), search });
  },
};

export const findCommand: CommandSpec = {
  name: 'find',
  indexOnly: true,
  synopsis: 'find <text> [--sort name|size|created] [--order asc|desc]',
  summary: 'Find files whose name contains TEXT (any case), in every folder, every page.',
  details: ['Short for `ls --search TEXT --all`.', ...ORDERING_HELP],
  options: { ...ORDERING_OPTIONS },
  async run(ctx, { positionals, values }) {
    expectArgs(positionals, 1, 1, 'find', 'the text to look for');
    const search = searchText(positionals[0], 'find', 'the text')!;
    await listFiles(
      ctx,
      { ...ordering(values, 'find'), q: search },
      { all: true, page: undefined, perPage: undefined, search },
    );
  },
};

async function listFiles(
  ctx: CliContext,
  query: ListDataTokensQuery,
  options: {
    all: boolean;
    page: number | undefined;
    perPage: number | undefined;
    search: string | undefined;
  },
): Promise<void> {
  const session = await ctx.session();
  const list = options.all
    ? await listEveryPage(session.http, { ...query, perPage: options.perPage ?? ALL_PAGE_SIZE })
    : await listDataTokens(session.http, {
        ...query,
        ...(options.page !== undefined ? { page: options.page } : {}),
        ...(options.perPage !== undefined ? { perPage: options.perPage } : {}),
      });
  const rows = list.items.map((item) => [
    item.token,
    joinFileName(item.fileName, item.extension),
    formatBytes(item.size),
    item.context,
    formatTime(item.createdAt),
    classification(item),
  ]);
  const { count, page, perPage } = list.meta;
  const none =
    count > 0 && !options.all
      ? `No files on page ${page} (${count} in all).`
      : options.search !== undefined
        ? `No files with "${options.search}" in their name.`
        : 'No files.';
  const [header = '', ...body] = formatTable(
    ['TOKEN', 'NAME', 'SIZE', 'CONTEXT', 'CREATED', 'CLASSIFICATION'],
    rows,
  );
  const lines =
    rows.length === 0
      ? [none]
      : [
          header,
          ...body,
          ...(!options.all && count > rows.length
            ? [`Page ${page} of ${Math.ceil(count / perPage)} (${count} files).`]
            : []),
        ];
  ctx.out.result(
    lines,
    list,
    list.items.map((item) => item.token),
    { heading: rows.length > 0 },
  );
}

/**
 * Every page of a listing, in order. The page count comes from the first answer, so a list that
 * grows meanwhile cannot keep the walk going; a token seen twice (a list that shifted between
 * pages) is kept once.
 */
async function listEveryPage(http: HttpClient, query: ListDataTokensQuery): Promise<DataTokenList> {
  const perPage = query.perPage ?? ALL_PAGE_SIZE;
  const first = await listDataTokens(http, { ...query, page: 1, perPage });
  const pages = Math.ceil(first.meta.count / perPage);
  const seen = new Set<string>();
  const items: DataTokenRecord[] = [];
  const keep = (list: DataTokenList) => {
    for (const item of list.items) {
      if (seen.has(item.token)) continue;
      seen.add(item.token);
      items.push(item);
    }
  };
  keep(first);
  for (let page = 2; page <= pages; page += 1) {
    const next = await listDataTokens(http, { ...query, page, perPage });
    if (next.items.length === 0) break;
    keep(next);
  }
  return { items, meta: { count: items.length, page: 1, perPage: items.length } };
}

function ordering(
  values: OptionValues,
  command: string,
): Pick<ListDataTokensQuery, 'sort' | 'order'> {
  const sort = stringOption(values, 'sort');
  const order = stringOption(values, 'order');
  if (sort !== undefined && !Object.hasOwn(SORT_FIELDS, sort))
    throw new UsageError(
      `${command}: --sort must be name, size or created, got "${sort}".`,
      command,
    );
  if (order !== undefined && order !== 'asc' && order !== 'desc')
    throw new UsageError(`${command}: --order must be asc or desc, got "${order}".`, command);
  const field = SORT_FIELDS[(sort ?? 'created') as SortName];
  return { sort: field, order: order ?? (field === 'fileName' ? 'asc' : 'desc') };
}

function perPageOption(values: OptionValues, command: string): number | undefined {
  return integerOption(values, 'per-page', command, 1, 500);
}

/** The engine takes up to 255 characters of search text. */
function searchText(text: string | undefined, command: string, what: string): string | undefined {
  if (text === undefined) return undefined;
  if (text === '' || text.length > 255)
    throw new UsageError(`${command}: ${what} must be 1–255 characters.`, command);
  return text;
}

function classification(item: DataTokenRecord): string {
  const meta = item.securityRiskMeta;
  if (!meta) return '-';
  const entries = Object.entries(meta);
  return entries.length === 0 ? '-' : entries.map(([key, value]) => `${key}=${value}`).join(',');
}
