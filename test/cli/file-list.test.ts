// ls and find against files this test stores, read back from --json (and --quiet): sort and
// order, name search, a folder with its subfolders but not its prefix siblings, every page, and
// every field of the list record. A remote engine with local storage devices; run under
// scripts/with-keyring.sh.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { runCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

interface Listed {
  token: string;
  context: string;
  fileName: string;
  extension: string | null;
  size: number;
  path: string | null;
  meta: string | null;
  createdAt: string;
  updatedAt: string;
  securityRiskMeta: Record<string, string> | null;
}

/** Stored in this order, so "created" order is this order. Sizes and lower-case names differ. */
const FILES = [
  { name: 'alpha-report.pdf', context: '/tax/2025', size: 300 },
  { name: 'Budget.xlsx', context: '/tax/2025', size: 100 },
  { name: 'gamma notes.txt', context: '/tax/2026', size: 50 },
  { name: 'delta-REPORT.doc', context: '/taxes', size: 200 },
  { name: 'epsilon.bin', context: '/home', size: 1000 },
  { name: 'zeta', context: '/tax', size: 10 },
] as const;

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
const tokenOf = new Map<string, string>();

const cli = (args: readonly string[]) => runCli(env, args);

async function list(
  args: readonly string[],
): Promise<{ items: Listed[]; meta: { count: number } }> {
  return JSON.parse(ok(await cli(['--json', ...args])).stdout) as {
    items: Listed[];
    meta: { count: number };
  };
}

async function names(args: readonly string[]): Promise<string[]> {
  return (await list(args)).items.map((item) =>
    item.extension ? `${item.fileName}.${item.extension}` : item.fileName,
  );
}

const byName = [...FILES].map((file) => file.name);
const lower = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'lists');
  for (const file of FILES) {
    await writeFile(join(env.cwd, file.name), Buffer.alloc(file.size, 7));
    const token = ok(
      await cli(['-q', 'put', file.name, '--context', file.context, '--path', `/src/${file.name}`]),
    ).stdout.trim();
    tokenOf.set(file.name, token);
  }
  ok(await cli(['classify', tokenOf.get('Budget.xlsx')!, 'classification=internal']));
}, 180_000);

afterAll(async () => {
  await engine?.close();
});

describe('ls', () => {
  it('--json carries every field of the list record', async () => {
    const { items, meta } = await list(['ls']);
    expect(meta.count).toBe(FILES.length);
    const budget = items.find((item) => item.token === tokenOf.get('Budget.xlsx'))!;
    expect(Object.keys(budget).sort()).toEqual(
      [
        'token',
        'context',
        'fileName',
        'extension',
        'size',
        'path',
        'meta',
        'createdAt',
        'updatedAt',
        'securityRiskMeta',
      ].sort(),
    );
    expect(budget).toMatchObject({
      context: '/tax/2025',
      fileName: 'Budget',
      extension: 'xlsx',
      size: 100,
      path: '/src/Budget.xlsx',
      securityRiskMeta: { classification: 'internal' },
    });
  }, 60_000);

  it('sorts by created (newest first by default), name (A–Z by default) and size (largest first)', async () => {
    expect(await names(['ls'])).toEqual([...byName].reverse());
    expect(await names(['ls', '--sort', 'created', '--order', 'asc'])).toEqual(byName);
    expect(await names(['ls', '--sort', 'name'])).toEqual([...byName].sort(lower));
    expect(await names(['ls', '--sort', 'name', '--order', 'desc'])).toEqual(
      [...byName].sort(lower).reverse(),
    );
    const bySize = [...FILES].sort((a, b) => b.size - a.size).map((file) => file.name);
    expect(await names(['ls', '--sort', 'size'])).toEqual(bySize);
    expect(await names(['ls', '--sort', 'size', '--order', 'asc'])).toEqual([...bySize].reverse());
  }, 60_000);

  it('--search matches part of the name in any case', async () => {
    expect(await names(['ls', '--search', 'REPort', '--sort', 'name'])).toEqual([
      'alpha-report.pdf',
      'delta-REPORT.doc',
    ]);
    expect(await names(['ls', '--search', 'nothing like it'])).toEqual([]);
    expect(ok(await cli(['ls', '--search', 'nothing like it'])).stdout).toBe(
      'No files with "nothing like it" in their name.\n',
    );
  }, 60_000);

  it('--context lists a folder and its subfolders, never a sibling that shares its prefix', async () => {
    const tax = ['zeta', 'gamma notes.txt', 'Budget.xlsx', 'alpha-report.pdf'];
    expect(await names(['ls', '--context', '/tax'])).toEqual(tax);
    expect(await names(['ls', '--context', '/tax/'])).toEqual(tax);
    expect(await names(['ls', '--context', '/tax/2025'])).toEqual([
      'Budget.xlsx',
      'alpha-report.pdf',
    ]);
    expect(await names(['ls', '--context', '/taxes'])).toEqual(['delta-REPORT.doc']);
    expect(await names(['ls', '--context', '/ta'])).toEqual([]);
    expect(await names(['ls', '--context', '/'])).toEqual([...byName].reverse());
    // Combined with a search and an order.
    expect(
      await names(['ls', '--context', '/tax', '--search', 'report', '--order', 'asc']),
    ).toEqual(['alpha-report.pdf']);
  }, 60_000);

  it('pages, and --all walks every page', async () => {
    const first = await list(['ls', '--per-page', '2']);
    expect(first.items).toHaveLength(2);
    expect(first.meta.count).toBe(FILES.length);
    expect((await names(['ls', '--per-page', '2', '--page', '2'])).length).toBe(2);
    const all = await list(['ls', '--all', '--per-page', '2', '--sort', 'name']);
    expect(all.items.map((item) => item.token)).toEqual(
      [...byName].sort(lower).map((name) => tokenOf.get(name)),
    );
    expect(all.meta.count).toBe(FILES.length);
    const text = ok(await cli(['ls', '--all', '--per-page', '2']))
      .stdout.trim()
      .split('\n');
    expect(text[0]).toMatch(/^TOKEN\s+NAME\s+SIZE\s+CONTEXT\s+CREATED\s+CLASSIFICATION$/);
    expect(text).toHaveLength(1 + FILES.length);
    const paged = ok(await cli(['ls', '--per-page', '2']))
      .stdout.trim()
      .split('\n');
    expect(paged.at(-1)).toBe(`Page 1 of 3 (${FILES.length} files).`);
  }, 60_000);

  it('--quiet prints only the tokens, one a line', async () => {
    const quiet = ok(await cli(['-q', 'ls', '--all', '--sort', 'created', '--order', 'asc']));
    expect(quiet.stdout).toBe(`${byName.map((name) => tokenOf.get(name)).join('\n')}\n`);
    expect(quiet.stderr).toBe('');
    expect(ok(await cli(['ls', '--quiet', '--search', 'nothing like it'])).stdout).toBe('');
  }, 60_000);

  it('refuses what it cannot do, before asking the engine', async () => {
    for (const [args, message] of [
      [['ls', '--sort', 'date'], /--sort must be name, size or created, got "date"/],
      [['ls', '--order', 'up'], /--order must be asc or desc/],
      [['ls', '--all', '--page', '2'], /--all lists every page; leave out --page/],
      [['ls', '--context', ''], /--context must be 1–1024 characters/],
      [['ls', '--search', 'x'.repeat(256)], /--search must be 1–255 characters/],
      [['find'], /find: missing the text to look for/],
    ] as const) {
      const result = await cli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
  }, 60_000);
});

describe('find', () => {
  it('searches every folder and every page', async () => {
    expect(await names(['find', 'report', '--sort', 'name'])).toEqual([
      'alpha-report.pdf',
      'delta-REPORT.doc',
    ]);
    expect(ok(await cli(['-q', 'find', 'TA', '--sort', 'size'])).stdout).toBe(
      `${tokenOf.get('delta-REPORT.doc')}\n${tokenOf.get('zeta')}\n`,
    );
    const text = ok(await cli(['find', 'gamma'])).stdout;
    expect(text).toContain(tokenOf.get('gamma notes.txt'));
    expect(text).toContain('/tax/2026');
  }, 60_000);
});
