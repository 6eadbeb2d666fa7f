// `rm` and `get` of several tokens, given as arguments or piped in with "-" (as `ls --all -q`
// prints them): each token reported in the order given, one that fails on its own named on
// stderr while the rest carry on, the first failure's exit code, and a folder target that never
// replaces a file (also not one an earlier token of the same batch wrote). A remote engine with
// local storage devices; run under scripts/with-keyring.sh.

import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { runCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

const UNKNOWN = 'D-thisTokenWasNeverIssuedByTheEngine0000000000';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
const cli = (args: readonly string[], input?: string) =>
  runCli(env, args, input === undefined ? {} : { input });

async function put(...names: string[]): Promise<string[]> {
  return ok(await cli(['-q', 'put', ...names]))
    .stdout.trim()
    .split('\n');
}

async function listed(): Promise<string[]> {
  return ok(await cli(['-q', 'ls', '--all']))
    .stdout.split('\n')
    .filter((line) => line !== '');
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'tokens');
  for (const name of ['one.txt', 'two.txt', 'three.txt'])
    await writeFile(join(env.cwd, name), `the bytes of ${name}`);
  await mkdir(join(env.cwd, 'elsewhere'));
  await writeFile(join(env.cwd, 'elsewhere', 'one.txt'), 'another file called one.txt');
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

describe('get of several tokens', () => {
  it('saves each into the folder in the order given, names an unknown token, exits 3', async () => {
    const tokens = await put('one.txt', 'two.txt', 'three.txt');
    await mkdir(join(env.cwd, 'out'));
    const result = await cli(['get', tokens[0]!, UNKNOWN, tokens[1]!, tokens[2]!, '-o', 'out/']);
    expect(result.code).toBe(3);
    expect(result.stdout.trim().split('\n')).toEqual(
      ['one.txt', 'two.txt', 'three.txt'].map(
        (name) => `Saved ${join(env.cwd, 'out', name)} (${`the bytes of ${name}`.length} B).`,
      ),
    );
    expect(result.stderr).toContain(`get ${UNKNOWN}: No file with that token`);
    expect(result.stderr).toContain('1 of 4 tokens failed');
    for (const name of ['one.txt', 'two.txt', 'three.txt'])
      expect(await readFile(join(env.cwd, 'out', name), 'utf8')).toBe(`the bytes of ${name}`);
  }, 60_000);

  it('reads the tokens from standard input with "-", and never replaces a file, not even its own', async () => {
    const [first] = await put('one.txt');
    const [second] = await put(join('elsewhere', 'one.txt'));
    await mkdir(join(env.cwd, 'piped'));
    const result = await cli(['--json', 'get', '-', '-o', 'piped'], `${first}\n\n${second}\n`);
    // Both are called one.txt: the first is saved, the second is refused rather than written over it.
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout) as {
      files: { token: string; file: string }[];
      notSaved: { token: string; message: string }[];
    };
    expect(document.files.map((file) => file.token)).toEqual([first]);
    expect(document.notSaved).toEqual([
      { token: second, message: expect.stringContaining('already exists') as string },
    ]);
    expect(await readdir(join(env.cwd, 'piped'))).toEqual(['one.txt']);
    expect(await readFile(join(env.cwd, 'piped', 'one.txt'), 'utf8')).toBe('the bytes of one.txt');
  }, 60_000);

  it('refuses a file target or standard output for several tokens, before fetching anything', async () => {
    const tokens = await put('two.txt', 'three.txt');
    const toFile = await cli(['get', ...tokens, '-o', 'both.txt']);
    expect(toFile.code).toBe(2);
    expect(toFile.stderr).toContain('several files go into a folder');
    const toStdout = await cli(['get', ...tokens, '-o', '-']);
    expect(toStdout.code).toBe(2);
    expect(toStdout.stdout).toBe('');
    expect(await readdir(env.cwd)).not.toContain('both.txt');
  }, 60_000);
});

describe('rm of several tokens', () => {
  it('deletes each, names an unknown token, still deletes the ones after it, exits 3', async () => {
    const tokens = await put('one.txt', 'two.txt');
    const result = await cli(['rm', tokens[0]!, UNKNOWN, tokens[1]!]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(`Deleted ${tokens[0]}.\nDeleted ${tokens[1]}.\n`);
    expect(result.stderr).toContain(`rm ${UNKNOWN}: No file with that token`);
    const left = await listed();
    for (const token of tokens) expect(left).not.toContain(token);
  }, 60_000);

  it('empties the vault from `ls --all -q` piped in, quietly', async () => {
    await put('one.txt', 'two.txt', 'three.txt');
    const before = await listed();
    expect(before.length).toBeGreaterThan(3);
    const result = ok(await cli(['-q', 'rm', '-'], `${before.join('\n')}\n`));
    expect(result.stdout).toBe('');
    expect(await listed()).toEqual([]);
  }, 60_000);

  it('keeps the single-token answer as it was', async () => {
    const [token] = await put('one.txt');
    const result = ok(await cli(['--json', 'rm', token!]));
    expect(JSON.parse(result.stdout)).toEqual({ token, deleted: true });
    const missing = await cli(['rm', token!]);
    expect(missing.code).toBe(3);
  }, 60_000);
});
