// `put` of several files reports each one as it is stored, so a batch that stops part-way has
// already said what it stored: its lines (its tokens with --quiet, its document with --json),
// then the failure, which files were not stored, and a non-zero exit code. A remote engine with
// local storage devices; run under scripts/with-keyring.sh.

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

  it('stopped part-way, still prints what it stored, then says what it did not', async () => {
    const human = await cli(['put', ...batch]);
    expect(human.code).toBe(1);
    const lines = human.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const [token, name] = lines[0]!.split('  ');
    expect(token).toMatch(TOKEN);
    expect(name).toBe('first.txt');
    reported.push(token!);
    expect(human.stderr).toContain('changed while it was being read');
    expect(human.stderr).toContain(`Stored 1 of 3 files; not stored: ${FAILS_TO_READ}, third.txt.`);

    const quiet = await cli(['-q', 'put', ...batch]);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout.trim()).toMatch(TOKEN);
    reported.push(quiet.stdout.trim());

    const json = await cli(['--json', 'put', ...batch]);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as { files: { token: string; name: string }[] };
    expect(document.files.map((file) => file.name)).toEqual(['first.txt']);
    reported.push(document.files[0]!.token);
  }, 60_000);

  it('stored exactly what it reported', async () => {
    const { items } = JSON.parse((await cli(['--json', 'ls', '--all'])).stdout) as {
      items: { token: string }[];
    };
    expect(items.map((item) => item.token).sort()).toEqual([...reported].sort());
  }, 30_000);
});
