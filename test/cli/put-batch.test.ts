// `put` of several files stores small ones together and reports each in the order given as soon
// as it is stored, so a batch that stops part-way has already said what it stored: its lines (its
// tokens with --quiet, its document with --json), then the failure, which files were not stored,
// and a non-zero exit code. A remote engine with local storage devices; run under
// scripts/with-keyring.sh.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { runCli, type CliEnvironment } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

/** A regular file by stat() whose size (0) is not what reading it gives: "changed while read". */
const FAILS_TO_READ = '/proc/self/status';
const TOKEN = /^D-[A-Za-z0-9_-]{43}$/;

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
const cli = (args: readonly string[]) => runCli(env, args);

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'batch');
  await writeFile(join(env.cwd, 'first.txt'), 'first');
  await writeFile(join(env.cwd, 'third.txt'), 'third');
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

describe('put of several files', () => {
  const batch = ['first.txt', FAILS_TO_READ, 'third.txt'];
  const reported: string[] = [];

  it('stopped by a file it cannot read, still prints what it stored, then says what it did not', async () => {
    // The three are small, so they are on their way together: the other two are stored.
    const human = await cli(['put', ...batch]);
    expect(human.code).toBe(1);
    const lines = human.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('  ')[1])).toEqual(['first.txt', 'third.txt']);
    for (const line of lines) {
      const [token] = line.split('  ');
      expect(token).toMatch(TOKEN);
      reported.push(token!);
    }
    expect(human.stderr).toContain('changed while it was being read');
    expect(human.stderr).toContain(`Stored 2 of 3 files; not stored: ${FAILS_TO_READ}.`);

    const quiet = await cli(['-q', 'put', ...batch]);
    expect(quiet.code).toBe(1);
    const tokens = quiet.stdout.trim().split('\n');
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(token).toMatch(TOKEN);
    reported.push(...tokens);

    const json = await cli(['--json', 'put', ...batch]);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as { files: { token: string; name: string }[] };
    expect(document.files.map((file) => file.name)).toEqual(['first.txt', 'third.txt']);
    reported.push(...document.files.map((file) => file.token));
  }, 60_000);

  it('stores many small files and reports them in the order given', async () => {
    const names = Array.from({ length: 60 }, (_, n) => `many-${String(n).padStart(2, '0')}.txt`);
    for (const name of names) await writeFile(join(env.cwd, name), name);
    const result = await cli(['put', ...names]);
    expect(result.code).toBe(0);
    // Sixteen files listening for a cancel at once are not a listener leak to warn about.
    expect(result.stderr).not.toMatch(/Warning/);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('  ')[1])).toEqual(names);
    reported.push(...lines.map((line) => line.split('  ')[0]!));
  }, 120_000);

  it('stored exactly what it reported', async () => {
    const { items } = JSON.parse((await cli(['--json', 'ls', '--all'])).stdout) as {
      items: { token: string }[];
    };
    expect(items.map((item) => item.token).sort()).toEqual([...reported].sort());
  }, 30_000);
});
