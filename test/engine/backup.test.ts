// Backup and restore of the engine's data (`npm run engine -- backup --to FILE`, `… restore
// --from FILE`), as docs/deploy.md tells an operator to run them: a backup taken with the
// compiled engine serving and uploads running restores into a new data folder, and the engine
// started on it serves every token the backup holds, byte for byte, from the same three storage
// device processes. Also: a database written by a newer engine refuses to start (and to
// restore) with a clear message, and a backup never replaces a file.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { resumeSession } from '../../client/account.ts';
import { listDataTokens } from '../../client/endpoints/data-token.ts';
import { ROOT } from '../support/compiled.ts';
import { spawnEngine, tempDir, type EngineProcess } from '../support/engine.ts';
import { wire } from '../support/http.ts';
import {
  addStorageDevice,
  awaitStorage,
  StorageDeviceProcess,
} from '../support/storage-devices.ts';
import { signUpVaultUser } from '../support/vault-engine.ts';

const MiB = 1024 * 1024;
const FILES = 12;

const running: { stop(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const thing of running.reverse()) await thing.stop().catch(() => undefined);
});

/** `npm run engine -- ARGS` to its end: exit code and output. */
function npmEngine(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'engine', '--', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function stopEngine(engine: EngineProcess) {
  return {
    async stop() {
      if (engine.child.exitCode === null && engine.child.signalCode === null)
        engine.child.kill('SIGTERM');
      await engine.exited;
    },
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('engine backup and restore', () => {
  it('a backup taken while uploads run restores to an engine that serves every stored token', async () => {
    const dir = tempDir('privicore-backup-');
    const first = await spawnEngine(join(dir, 'engine'));
    const firstStop = stopEngine(first);
    running.push(firstStop);
    const user = await signUpVaultUser(first, { storage: false });
    const token = user.session.authorizationToken;
    for (let n = 1; n <= 3; n += 1) {
      const { bundle } = await addStorageDevice(wire(first.apiUrl), token, `Device ${n}`);
      const device = await StorageDeviceProcess.spawn(bundle, join(dir, `device-${n}`));
      running.push({ stop: () => device.kill() });
    }

    // Uploads run; once a third of them are stored, the backup is taken while the rest go on.
    const plain = new Map<string, Buffer>();
    const storedBeforeBackup = new Set<string>();
    let backupStarted = false;
    let release!: () => void;
    const third = new Promise<void>((resolve) => (release = resolve));
    const uploads = Array.from({ length: FILES }, async (_, n) => {
      const bytes = randomBytes(MiB + n * 97_001);
      const file = join(dir, `file-${n}.bin`);
      await writeFile(file, bytes);
      const stored = await user.session.storeFile(file, { context: '/backup-test' });
      plain.set(stored.token, bytes);
      if (!backupStarted) storedBeforeBackup.add(stored.token);
      if (plain.size >= FILES / 3) release();
    });
    await third;
    backupStarted = true;
    const backupFile = join(dir, 'engine-backup.sqlite');
    const backup = await npmEngine([
      'backup',
      '--data-dir',
      join(dir, 'engine'),
      '--to',
      backupFile,
    ]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({
      event: 'backup',
      file: backupFile,
      files: ['engine-secrets.json'],
    });
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600);
    await Promise.all(uploads);
    expect(plain.size).toBe(FILES);
    expect(storedBeforeBackup.size).toBeGreaterThanOrEqual(FILES / 3);
    // A second backup to the same file is refused: a backup never replaces one.
    const again = await npmEngine([
      'backup',
      '--data-dir',
      join(dir, 'engine'),
      '--to',
      backupFile,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');

    // The first engine goes; the backup is restored into a new folder and served on the same
    // address, where the storage devices (their bundles name it) come back to it.
    user.session.close();
    await firstStop.stop();
    const restoredDir = join(dir, 'restored');
    const restore = await npmEngine(['restore', '--from', backupFile, '--data-dir', restoredDir]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect((await stat(join(restoredDir, 'engine-secrets.json'))).mode & 0o777).toBe(0o600);
    const port = new URL(first.apiUrl).port;
    const second = await spawnEngine(restoredDir, ['--port', port]);
    running.push(stopEngine(second));
    expect(second.apiUrl).toBe(first.apiUrl);
    const api = wire(second.apiUrl);
    const devices = (await api.get('/storage/list-storage-devices', token)).body as {
      deviceIdentifier: string;
    }[];
    expect(devices).toHaveLength(3);
    for (const device of devices)
      await awaitStorage(api, token, device.deviceIdentifier, (d) => d.online);

    const session = await resumeSession({
      apiUrl: second.apiUrl,
      wsUrl: second.wsUrl,
      secrets: user.secrets,
      profileId: user.profileId,
    });
    try {
      const listed = await listDataTokens(session.http, { perPage: 100, context: '/backup-test' });
      const restoredTokens = listed.items.map((item) => item.token);
      // Everything stored before the backup began is there; nothing the backup cannot know of.
      for (const stored of storedBeforeBackup) expect(restoredTokens).toContain(stored);
      for (const restoredToken of restoredTokens) expect(plain.has(restoredToken)).toBe(true);
      // And every token the restored engine lists is served, byte for byte.
      for (const restoredToken of restoredTokens) {
        const target = join(dir, `back-${restoredToken.slice(2, 12)}.bin`);
        await session.retrieveFile(restoredToken, target);
        expect(sha256(await readFile(target))).toBe(sha256(plain.get(restoredToken)!));
      }
    } finally {
      session.close();
    }
  }, 300_000);

  it('a database written by a newer engine refuses to start, and its backup refuses to restore, with a clear message', async () => {
    const dir = tempDir('privicore-newer-');
    const engine = await spawnEngine(join(dir, 'engine'));
    await stopEngine(engine).stop();
    const backupFile = join(dir, 'backup.sqlite');
    expect(
      (await npmEngine(['backup', '--data-dir', join(dir, 'engine'), '--to', backupFile])).code,
    ).toBe(0);
    for (const file of [join(dir, 'engine', 'engine.sqlite'), backupFile]) {
      const db = new Database(file);
      db.pragma('user_version = 999');
      if (file === backupFile) db.exec('UPDATE privicore_backup_info SET schema_version = 999');
      db.close();
    }

    const start = await npmEngine(['--data-dir', join(dir, 'engine'), '--port', '0']);
    expect(start.code).toBe(1);
    expect(start.stdout).toBe('');
    expect(start.stderr).toContain('was written by a newer engine (schema version 999');
    expect(start.stderr).toContain('restore a backup taken before the upgrade');

    const restore = await npmEngine([
      'restore',
      '--from',
      backupFile,
      '--data-dir',
      join(dir, 'r'),
    ]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('was made by a newer engine (database schema 999');
  }, 120_000);
});
