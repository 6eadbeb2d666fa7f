// The CLI end to end, as a newcomer would use it, on the embedded engine and the real OS keychain
// (run under scripts/with-keyring.sh): signup → put → ls → get → mv → classify → rm → devices →
// storage, then a scan proving no secret reached the disk, then bad command lines.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { runCli, type CliEnvironment, type CliResult, ok } from '../support/cli-runner.ts';
import { tempDir } from '../support/engine.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';

const BIG = 100 * 1024 * 1024 + 12345;

let env: CliEnvironment;
let root: string;
const username = uniqueName('cli');
const files: Record<string, { path: string; sha256: string; size: number }> = {};
const tokens: Record<string, string> = {};

const cli = (args: readonly string[], options?: { input?: string; timeoutMs?: number }) =>
  runCli(env, args, options);

function json<T>(result: CliResult): T {
  return JSON.parse(ok(result).stdout) as T;
}

async function writeRandom(
  path: string,
  size: number,
): Promise<{ path: string; sha256: string; size: number }> {
  const hash = createHash('sha256');
  async function* pieces() {
    for (let left = size; left > 0;) {
      const piece = randomBytes(Math.min(left, 1 << 20));
      hash.update(piece);
      left -= piece.length;
      yield piece;
    }
  }
  await pipeline(Readable.from(pieces()), createWriteStream(path));
  return { path, sha256: hash.digest('hex'), size };
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

beforeAll(async () => {
  await requireKeyringSession();
  root = tempDir('privicore-cli-');
  env = { configDir: join(root, 'config'), dataDir: join(root, 'data'), cwd: join(root, 'work') };
  await mkdir(env.cwd, { recursive: true });
  files['notes'] = await writeRandom(join(env.cwd, 'notes.txt'), 2_000);
  files['photo'] = await writeRandom(join(env.cwd, 'photo.jpg'), 3 * 1024 * 1024);
  files['backup'] = await writeRandom(join(env.cwd, 'backup.tar'), BIG);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('privicore-vault, end to end', () => {
  it('signup (password on stdin) sets up the profile, its keys and three local storage devices', async () => {
    const result = ok(
      await cli(['signup', username, '--password-stdin'], { input: `${PASSWORD}\n` }),
    );
    expect(result.stdout).toContain(`Signed up as ${username}`);
    expect(result.stdout).toContain('3 local storage devices');
    const who = json<{ username: string; privateKey: boolean; dataKey: boolean; engine: string }>(
      await cli(['--json', 'whoami']),
    );
    expect(who).toMatchObject({ username, privateKey: true, dataKey: true, engine: 'embedded' });
  });

  it('put stores three files, one of them over 100 MiB, printing token, name and size', async () => {
    const result = ok(
      await cli(['put', files['notes']!.path, 'photo.jpg', 'backup.tar', '--context', '/home'], {
        timeoutMs: 240_000,
      }),
    );
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const [line, name] of lines.map(
      (l, i) => [l, ['notes.txt', 'photo.jpg', 'backup.tar'][i]] as const,
    )) {
      const [token, fileName, ...size] = line.split('  ');
      expect(token).toMatch(/^D-[A-Za-z0-9_-]{43}$/);
      expect(fileName).toBe(name);
      expect(size.join(' ')).toMatch(/\d (B|KiB|MiB)$/);
      tokens[name!] = token!;
    }
    expect(lines[2]).toContain('100 MiB');
  }, 300_000);

  it('ls lists them, in text and JSON', async () => {
    const text = ok(await cli(['ls'])).stdout;
    expect(text.split('\n')[0]).toMatch(/^TOKEN\s+NAME\s+SIZE\s+CONTEXT\s+CREATED/);
    for (const token of Object.values(tokens)) expect(text).toContain(token);
    const list = json<{
      items: { token: string; fileName: string; extension: string; size: number }[];
      meta: { count: number };
    }>(await cli(['ls', '--json', '--per-page', '2', '--page', '1']));
    expect(list.meta.count).toBe(3);
    expect(list.items).toHaveLength(2);
    const all = json<{
      items: { token: string; fileName: string; extension: string; size: number }[];
    }>(await cli(['--json', 'ls', '--context', '/home']));
    expect(all.items.find((item) => item.token === tokens['backup.tar'])).toMatchObject({
      fileName: 'backup',
      extension: 'tar',
      size: BIG,
    });
  });

  it('get brings each file back byte-identical (by stored name, or -o)', async () => {
    await mkdir(join(env.cwd, 'restored'));
    ok(await cli(['get', tokens['notes.txt']!, '-o', join(env.cwd, 'restored')]));
    expect(await sha256Of(join(env.cwd, 'restored', 'notes.txt'))).toBe(files['notes']!.sha256);
    ok(await cli(['get', tokens['photo.jpg']!, '-o', 'restored/picture.jpg']));
    expect(await sha256Of(join(env.cwd, 'restored', 'picture.jpg'))).toBe(files['photo']!.sha256);
    const big = json<{ file: string; size: number }>(
      await cli(['--json', 'get', tokens['backup.tar']!, '-o', 'restored/backup.tar'], {
        timeoutMs: 240_000,
      }),
    );
    expect(big.size).toBe(BIG);
    expect(await sha256Of(big.file)).toBe(files['backup']!.sha256);
    // Without -o it will not overwrite the original.
    const refused = await cli(['get', tokens['notes.txt']!]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists; choose where to write with -o FILE/);
    // Nor into a folder that already holds the name; -o FILE names the file and replaces it.
    const intoFolder = await cli(['get', tokens['notes.txt']!, '-o', 'restored/']);
    expect(intoFolder.code).toBe(2);
    expect(intoFolder.stderr).toMatch(/restored\/notes\.txt already exists/);
    ok(await cli(['get', tokens['notes.txt']!, '-o', 'restored/picture.jpg']));
    expect(await sha256Of(join(env.cwd, 'restored', 'picture.jpg'))).toBe(files['notes']!.sha256);
    // A trailing slash means a folder: a missing one is an error, not a file named after it.
    const missing = await cli(['get', tokens['notes.txt']!, '-o', 'nowhere/']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nowhere\/: no such file or directory/);
    const notFolder = await cli(['get', tokens['notes.txt']!, '-o', 'restored/picture.jpg/']);
    expect(notFolder.code).toBe(2);
    expect(notFolder.stderr).toMatch(/is not a folder/);
    expect(await readdir(env.cwd)).not.toContain('nowhere');
  }, 300_000);

  it('put - and cat pipe data through the embedded engine', async () => {
    const stored = ok(
      await cli(['-q', 'put', '-', '--name', 'piped.txt', '--context', '/pipe'], {
        input: 'through a pipe\n',
      }),
    );
    const token = stored.stdout.trim();
    expect(token).toMatch(/^D-[A-Za-z0-9_-]{43}$/);
    expect(ok(await cli(['cat', token])).stdout).toBe('through a pipe\n');
    ok(await cli(['rm', token]));
  }, 120_000);

  it('mv renames and moves; classify labels; rm deletes', async () => {
    const token = tokens['notes.txt']!;
    expect(
      ok(await cli(['mv', token, '--name', 'journal.md', '--context', '/private'])).stdout,
    ).toContain(`Updated ${token}`);
    expect(
      ok(await cli(['classify', token, 'classification=confidential', 'owner=me'])).stdout,
    ).toContain('classification=confidential');
    const moved = json<{
      items: {
        token: string;
        fileName: string;
        extension: string;
        context: string;
        securityRiskMeta: Record<string, string>;
      }[];
    }>(await cli(['--json', 'ls', '--context', '/private']));
    expect(moved.items).toEqual([
      expect.objectContaining({
        token,
        fileName: 'journal',
        extension: 'md',
        context: '/private',
        securityRiskMeta: { classification: 'confidential', owner: 'me' },
      }),
    ]);
    expect(ok(await cli(['rm', token])).stdout).toBe(`Deleted ${token}.\n`);
    const after = json<{ meta: { count: number } }>(await cli(['--json', 'ls']));
    expect(after.meta.count).toBe(2);
    const gone = await cli(['get', token, '-o', 'gone.txt']);
    expect(gone.code).toBe(3);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
    expect(gone.stderr).toMatch(/No file with that token/);
  }, 120_000);

  it('devices and storage show the three local storage devices', async () => {
    const devices = ok(await cli(['devices']))
      .stdout.trim()
      .split('\n');
    expect(devices[0]).toMatch(/^ID\s+NAME\s+STATUS\s+ROLE\s+CREATED/);
    expect(devices.slice(1).filter((line) => /approved\s+storage/.test(line))).toHaveLength(3);
    const storage = json<{
      storageDevices: {
        deviceIdentifier: string;
        online: boolean;
        storedTokens: number;
        dir: string;
      }[];
    }>(await cli(['--json', 'storage', 'list']));
    expect(storage.storageDevices).toHaveLength(3);
    for (const device of storage.storageDevices) {
      expect(device.online).toBe(true);
      expect(device.dir.startsWith(env.dataDir)).toBe(true);
    }
    const added = json<{ deviceIdentifier: string }>(
      await cli(['--json', 'storage', 'add-local', join(root, 'usb-drive'), '--name', 'USB drive']),
    );
    const synced = json<{ copied: number; missing: number }>(
      await cli(['--json', 'storage', 'sync', added.deviceIdentifier], { timeoutMs: 120_000 }),
    );
    expect(synced).toEqual({ deviceIdentifier: added.deviceIdentifier, copied: 2, missing: 0 });
    ok(await cli(['storage', 'remove', added.deviceIdentifier]));
    expect(
      json<{ storageDevices: unknown[] }>(await cli(['--json', 'storage'])).storageDevices,
    ).toHaveLength(3);

    // A folder that cannot be a device is refused before anything is made (exit 2), and the
    // vault goes on working: adding the same folder twice used to leave a device behind that
    // failed every later command.
    const backup = join(root, 'backup-drive');
    ok(await cli(['storage', 'add-local', backup, '--name', 'Backup']));
    const twice = await cli(['storage', 'add-local', backup, '--name', 'Backup again']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(
      `${backup} is already the folder of storage device "Backup"; each device needs a folder of its own.`,
    );
    const inside = await cli(['storage', 'add-local', join(env.dataDir, 'engine', 'mine')]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain("inside the vault's own data folder");
    const listed = json<{ storageDevices: { name: string; online: boolean }[] }>(
      await cli(['--json', 'storage']),
    ).storageDevices;
    expect(listed.map((device) => device.name)).not.toContain('Backup again');
    expect(listed.every((device) => device.online)).toBe(true);

    // Its drive unplugged: the vault opens with the others and says why that one is not running.
    await rename(backup, `${backup}.away`);
    const unplugged = ok(await cli(['storage']));
    expect(unplugged.stderr).toMatch(/Backup \(.+\) is not running: Its folder .+ is missing/);
    expect(unplugged.stdout).toMatch(/Backup +offline/);
    await rename(`${backup}.away`, backup);
    const backupId = json<{ storageDevices: { deviceIdentifier: string; name: string }[] }>(
      await cli(['--json', 'storage']),
    ).storageDevices.find((device) => device.name === 'Backup')!.deviceIdentifier;
    ok(await cli(['storage', 'remove', backupId]));
  }, 180_000);

  it('keeps the token, the private key and the data key off the disk', async () => {
    const profileId = json<{ profileId: string }>(await cli(['--json', 'whoami'])).profileId;
    const secrets = await loadProfileSecrets(new KeychainStore(), profileId);
    expect(secrets.authorizationToken).toMatch(/^T-/);
    const privateKey = Buffer.from(secrets.privateKey!, 'hex');
    const dataKey = secrets.dataKey!;
    const needles = [
      Buffer.from(secrets.authorizationToken!),
      ...[privateKey, dataKey].flatMap((key) => [
        key,
        Buffer.from(key.toString('hex')),
        Buffer.from(key.toString('hex').toUpperCase()),
        Buffer.from(key.toString('base64')),
        Buffer.from(key.toString('base64url')),
      ]),
    ];
    const scanned = [...(await allFiles(env.configDir)), ...(await allFiles(env.dataDir))];
    expect(scanned.length).toBeGreaterThan(5);
    for (const file of scanned) {
      if ((await stat(file)).size > 200 * 1024 * 1024) continue;
      const bytes = await readFile(file);
      for (const needle of needles)
        expect(bytes.includes(needle), `${file} holds a secret`).toBe(false);
    }
  }, 120_000);

  it('logout revokes; afterwards commands say to log in, and login restores access', async () => {
    // --others signs out every other session and keeps this one.
    expect(ok(await cli(['logout', '--others'])).stdout).toMatch(
      /^Signed out \d+ other sessions?; this one stays signed in\.\n$/,
    );
    expect(json<{ username: string }>(await cli(['--json', 'whoami'])).username).toBe(username);
    expect(ok(await cli(['logout'])).stdout).toBe(`Logged out ${username}.\n`);
    const after = await cli(['ls']);
    expect(after.code).toBe(4);
    expect(after.stderr).toBe(
      'privicore-vault: You are not logged in: run `privicore-vault login <username>` (or `signup <username>`).\n',
    );
    const wrong = await cli(['login', username, '--password-stdin'], { input: 'not the password' });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toBe('privicore-vault: Wrong username or password.\n');
    ok(await cli(['login', username, '--password-stdin'], { input: PASSWORD }));
    expect(json<{ meta: { count: number } }>(await cli(['--json', 'ls'])).meta.count).toBe(2);
  }, 120_000);

  it('recovery export and import round-trip the keys', async () => {
    const kit = join(root, 'kit.json');
    ok(
      await cli(['recovery', 'export', kit, '--passphrase-stdin'], { input: 'a long passphrase' }),
    );
    expect(JSON.parse(await readFile(kit, 'utf8'))).toMatchObject({
      format: 'privicore-vault-recovery-kit',
      version: 2,
    });
    const again = await cli(['recovery', 'export', kit, '--passphrase-stdin'], {
      input: 'a long passphrase',
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/There is a file at .*kit.json already/);
    ok(
      await cli(['recovery', 'import', kit, '--passphrase-stdin'], { input: 'a long passphrase' }),
    );
    const wrong = await cli(['recovery', 'import', kit, '--passphrase-stdin'], {
      input: 'the wrong passphrase',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase is wrong/);
  }, 120_000);

  it('bad command lines exit 2 with one clear line', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: privicore-vault/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['put'], /put: missing the files to store/],
      [['get'], /get: missing the token/],
      [['cat', 'a', 'b'], /cat: unexpected argument "b"/],
      [['ls', '--per-page', '0'], /ls: --per-page must be a whole number from 1 to 500/],
      [['ls', '--bogus'], /ls: Unknown option '--bogus'/],
      [['mv', 'D-x'], /mv: give --name, --context or both/],
      [['classify', 'D-x'], /classify: give at least one key=value/],
      [['classify', 'D-x', 'novalue'], /is not key=value/],
      [['devices', 'explode'], /devices: unknown action "explode"/],
      [['storage', 'sync'], /storage sync: missing the device ID/],
      [['recovery', 'shred', 'x'], /recovery: use `recovery export FILE`/],
      [['pair', 'https://example.com'], /pair: the payload must be privicore:\/\/authorize/],
      [['put', 'no-such-file.txt'], /no-such-file.txt: no such file/],
      [['--engine', 'http://192.0.2.1:9009', 'ls'], /over plain http.*--insecure-http/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      if (args.length === 0) {
        expect(result.code).toBe(2);
        expect(result.stdout).toMatch(message);
        continue;
      }
      const expected = args[0] === 'put' && args[1] === 'no-such-file.txt' ? 3 : 2;
      expect({ args, code: result.code }).toEqual({ args, code: expected });
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
  }, 180_000);
});

describe('privicore-vault --help', () => {
  it('lists every command and exits 0', async () => {
    const scratch = tempDir('privicore-cli-help-');
    const result = await runCli(
      { configDir: join(scratch, 'c'), dataDir: join(scratch, 'd'), cwd: scratch },
      ['--help'],
    );
    expect(result.code).toBe(0);
    for (const name of [
      'signup',
      'login',
      'logout',
      'whoami',
      'put',
      'get',
      'ls',
      'mv',
      'classify',
      'rm',
      'cat',
      'find',
      'devices',
      'storage',
      'qr',
      'pair',
      'recovery',
      'completion',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    await writeFile(join(scratch, 'x'), '');
    await rm(scratch, { recursive: true, force: true });
  });
});
