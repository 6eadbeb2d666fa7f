import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENGINE_MAIN, ROOT } from '../support/compiled.ts';
import { spawnEngine, tempDir } from '../support/engine.ts';
import { wire } from '../support/http.ts';
import { PASSWORD, awaitStatus, commandId, createProfile } from '../support/profiles.ts';

describe('engine process', () => {
  it('prints exactly one ready line with the API and channel URLs', async () => {
    const engine = await spawnEngine(tempDir());
    expect(engine.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.wsUrl).toBe(`${engine.apiUrl.replace('http', 'ws')}/ws`);
    let extra = '';
    engine.child.stdout!.on('data', (chunk: Buffer) => (extra += chunk.toString()));
    const api = wire(engine.apiUrl);
    expect((await api.get('/health')).body).toEqual({ status: 'ok', version: '1.0.0' });
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    expect(extra).toBe('');
  });

  it('never logs a password or token, even on failures', async () => {
    const engine = await spawnEngine(tempDir());
    const api = wire(engine.apiUrl);
    const profile = await createProfile(api);
    await api.post('/profile/authenticate', {
      username: profile.username,
      password: 'the wrong password',
    });
    await api.get('/profile/retrieve-profile-id', profile.token);
    const changed = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'secret new password' },
      profile.token,
    );
    expect(await awaitStatus(api, commandId(changed))).toBe('succeeded');
    await api.raw('/profile/authenticate', {
      method: 'POST',
      body: '{"password":"not json',
      headers: { 'content-type': 'application/json' },
    });
    // The engine flushes its log before it exits.
    engine.child.kill('SIGTERM');
    await engine.exited;
    const logs = engine.stderr();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      PASSWORD,
      'the wrong password',
      'secret new password',
      profile.token,
      profile.token.slice(2),
    ]) {
      expect(logs).not.toContain(secret);
    }
    // Structured: every log line is JSON.
    for (const line of logs.split('\n').filter((l) => l.startsWith('{')))
      expect(() => JSON.parse(line)).not.toThrow();
  });

  it('refuses a second engine on the same data directory, and takes over after a crash', async () => {
    const dataDir = tempDir();
    const first = await spawnEngine(dataDir);
    const second = spawnSync(
      process.execPath,
      [ENGINE_MAIN, '--data-dir', dataDir, '--port', '0'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('Another Privicore Vault process');
    expect(second.stdout).toBe('');
    first.child.kill('SIGKILL');
    await first.exited;
    const after = await spawnEngine(dataDir);
    expect((await wire(after.apiUrl).get('/health')).status).toBe(200);
    after.child.kill('SIGTERM');
    expect(await after.exited).toBe(0);
  });

  it('refuses bad arguments with a usage message and exit code 2', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [ENGINE_MAIN, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
    const noDir = run([]);
    expect(noDir.status).toBe(2);
    expect(noDir.stderr).toContain('--data-dir is required');
    const badPort = run(['--data-dir', tempDir(), '--port', 'eighty']);
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain('--port');
    expect(run(['--bogus']).status).toBe(2);
  });
});
