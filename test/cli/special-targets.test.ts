// Files the CLI writes by renaming a finished temporary file into place (a download, a recovery
// kit) and files it reads whole (a recovery kit), when the path names something that is not a
// regular file. Renaming over a named pipe or a device replaced it with a plain file holding the
// plaintext (`get TOKEN -o /dev/null` as root replaced /dev/null), and reading a pipe or a device
// whole never ended. Each is now refused, plainly, and left as it was. A remote engine with local
// storage devices; run under scripts/with-keyring.sh.

import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { runCli, type CliEnvironment } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

const PASSPHRASE = 'a passphrase of some length';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
let token: string;
let pipe: string;
let linkToPipe: string;
const cli = (args: readonly string[], input?: string) =>
  runCli(env, args, { ...(input === undefined ? {} : { input }), timeoutMs: 30_000 });

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'targets');
  await writeFile(join(env.cwd, 'secret.txt'), 'the plaintext');
  token = (await cli(['-q', 'put', 'secret.txt'])).stdout.trim();
  pipe = join(env.cwd, 'a-pipe');
  execFileSync('mkfifo', [pipe]);
  linkToPipe = join(env.cwd, 'link-to-pipe');
  await symlink(pipe, linkToPipe);
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

async function stillAPipe(): Promise<void> {
  expect((await lstat(pipe)).isFIFO()).toBe(true);
  expect((await lstat(linkToPipe)).isSymbolicLink()).toBe(true);
}

describe('a path that is not a regular file', () => {
  it('get -o refuses a named pipe, or a link to one, and leaves it a pipe', async () => {
    for (const target of [pipe, linkToPipe]) {
      const result = await cli(['get', token, '-o', target]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${target} is not a regular file (a device or a pipe)`);
    }
    await stillAPipe();
  }, 60_000);

  it('recovery export refuses a pipe, even with --force, and a folder; nothing is left behind', async () => {
    const intoPipe = await cli(
      ['recovery', 'export', pipe, '--passphrase-stdin', '--force'],
      PASSPHRASE,
    );
    expect(intoPipe.code).toBe(2);
    expect(intoPipe.stderr).toContain('is not a regular file');
    await stillAPipe();
    const intoFolder = await cli(['recovery', 'export', '.', '--passphrase-stdin'], PASSPHRASE);
    expect(intoFolder.code).toBe(2);
    expect(intoFolder.stderr).toContain('. is a folder; give the recovery kit a file name.');
    expect((await readdir(env.cwd)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('recovery export --force replaces an earlier kit whole, and import reads it back', async () => {
    const kit = join(env.cwd, 'kit.json');
    expect((await cli(['recovery', 'export', kit, '--passphrase-stdin'], PASSPHRASE)).code).toBe(0);
    const first = await readFile(kit, 'utf8');
    expect((await cli(['recovery', 'export', kit, '--passphrase-stdin'], PASSPHRASE)).code).toBe(1);
    expect(await readFile(kit, 'utf8')).toBe(first);
    const replaced = await cli(
      ['recovery', 'export', kit, '--passphrase-stdin', '--force'],
      PASSPHRASE,
    );
    expect(replaced.code).toBe(0);
    const second = await readFile(kit, 'utf8');
    expect(second).not.toBe(first);
    expect((await lstat(kit)).mode & 0o777).toBe(0o600);
    expect((await cli(['recovery', 'import', kit, '--passphrase-stdin'], PASSPHRASE)).code).toBe(0);
  }, 60_000);

  it('recovery import refuses a pipe (which would never end) and a file far too large to be a kit', async () => {
    const fromPipe = await cli(['recovery', 'import', pipe, '--passphrase-stdin'], PASSPHRASE);
    expect(fromPipe.code).toBe(1);
    expect(fromPipe.stderr).toContain('is not a file, so not a recovery kit');
    const huge = join(env.cwd, 'huge.json');
    await writeFile(huge, `{"pad":"${'x'.repeat(200_000)}"}`);
    const fromHuge = await cli(['recovery', 'import', huge, '--passphrase-stdin'], PASSPHRASE);
    expect(fromHuge.code).toBe(1);
    expect(fromHuge.stderr).toContain('a recovery kit is a few hundred');
    await stillAPipe();
  }, 60_000);

  it('storage add-remote into a folder that does not exist makes no device nobody could run', async () => {
    const count = async () =>
      (JSON.parse((await cli(['--json', 'storage'])).stdout) as { storageDevices: unknown[] })
        .storageDevices.length;
    const before = await count();
    const result = await cli([
      'storage',
      'add-remote',
      'NAS',
      '--out',
      join('no-such-folder', 'nas.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-folder does not exist');
    expect(await count()).toBe(before);
  }, 60_000);

  it('get saves a file whose name is near the 255-byte limit under that name, and shortens one past it', async () => {
    // 244 bytes: a name this file system holds, with no room left for `.<name>.<random>.partial`.
    const near = `${'é'.repeat(120)}.txt`;
    await writeFile(join(env.cwd, near), 'near the limit');
    const nearToken = (await cli(['-q', 'put', near])).stdout.trim();
    const past = `${'é'.repeat(200)}.txt`; // 404 bytes: only the vault can hold this name
    const pastToken = (
      await cli(['-q', 'put', '-', '--name', past], 'past the limit')
    ).stdout.trim();
    await mkdir(join(env.cwd, 'long'));
    const result = await cli(['get', nearToken, pastToken, '-o', 'long/']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const shortened = `${'é'.repeat(125)}.txt`;
    expect((await readdir(join(env.cwd, 'long'))).sort()).toEqual([near, shortened].sort());
    expect(await readFile(join(env.cwd, 'long', near), 'utf8')).toBe('near the limit');
    expect(await readFile(join(env.cwd, 'long', shortened), 'utf8')).toBe('past the limit');
  }, 60_000);
});
