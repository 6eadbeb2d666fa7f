// engine/host.ts (compiled): the embedded engine with its local storage devices, as the app and the
// CLI start it.

import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listStorageDevices } from '../../client/endpoints/storage.ts';
import { HttpClient } from '../../client/http.ts';
import { compiledHost } from '../support/compiled.ts';
import { tempDir } from '../support/engine.ts';
import { signUpVaultUser } from '../support/vault-engine.ts';

const dir = tempDir('privicore-host-');
const dataDir = join(dir, 'engine');

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startEmbeddedEngine', () => {
  it('creates three local storage devices on first use, runs them again after a restart', async () => {
    const first = await compiledHost.startEmbeddedEngine({ dataDir, logLevel: 'silent' });
    expect(first.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.wsUrl).toBe(`${first.apiUrl.replace('http', 'ws')}/ws`);
    expect(first.localStorage()).toEqual([]);

    const user = await signUpVaultUser(first, { storage: false });
    const created = await first.ensureLocalStorage(user.session.authorizationToken);
    expect(created).toHaveLength(3);
    for (const [n, device] of created.entries()) {
      expect(device).toMatchObject({
        profileId: user.profileId,
        state: 'connected',
        dir: join(dataDir, 'storage', user.profileId, `device-${n + 1}`),
      });
      expect(existsSync(device.dir)).toBe(true);
    }
    // Idempotent: a second call (every login) adds nothing.
    expect(
      (await first.ensureLocalStorage(user.session.authorizationToken)).map(
        (d) => d.deviceIdentifier,
      ),
    ).toEqual(created.map((d) => d.deviceIdentifier));

    const record = await readFile(join(dataDir, 'host.json'), 'utf8');
    // The record says where devices run; it holds no credential.
    expect(record).not.toMatch(/T-[A-Za-z0-9_-]{43}/);
    user.session.close();

    // One host per data folder.
    await expect(compiledHost.startEmbeddedEngine({ dataDir, logLevel: 'silent' })).rejects.toThrow(
      /Another Privicore Vault process .* is using/,
    );
    await first.stop();

    const second = await compiledHost.startEmbeddedEngine({ dataDir, logLevel: 'silent' });
    expect(second.localStorage(user.profileId).map((d) => [d.deviceIdentifier, d.state])).toEqual(
      created.map((d) => [d.deviceIdentifier, 'connected']),
    );
    const relogged = await (
      await import('../../client/account.ts')
    ).logIn({
      apiUrl: second.apiUrl,
      username: user.username,
      password: user.password,
      secrets: user.secrets,
    });
    const http = new HttpClient({
      apiUrl: second.apiUrl,
      token: () => relogged.session.authorizationToken,
    });
    expect((await listStorageDevices(http)).map((d) => d.online)).toEqual([true, true, true]);

    const extra = await second.addLocalStorage(
      relogged.session.authorizationToken,
      join(dir, 'elsewhere'),
      { name: 'Elsewhere' },
    );
    expect(extra).toMatchObject({
      name: 'Elsewhere',
      dir: join(dir, 'elsewhere'),
      state: 'connected',
    });
    expect(await second.forgetLocalStorage(extra.deviceIdentifier)).toBe(true);
    expect(await second.forgetLocalStorage(extra.deviceIdentifier)).toBe(false);
    expect(second.localStorage()).toHaveLength(3);
    http.close();
    relogged.session.close();
    await second.stop();
    expect(existsSync(join(dataDir, 'host.lock'))).toBe(false);

    // startLocalStorage: false (the CLI's ls): the recorded devices stay stopped, and the first
    // ensureLocalStorage starts them, with no new device made.
    const third = await compiledHost.startEmbeddedEngine({
      dataDir,
      logLevel: 'silent',
      startLocalStorage: false,
    });
    expect(third.localStorage(user.profileId).map((d) => d.state)).toEqual([
      'stopped',
      'stopped',
      'stopped',
    ]);
    const again = await (
      await import('../../client/account.ts')
    ).logIn({
      apiUrl: third.apiUrl,
      username: user.username,
      password: user.password,
      secrets: user.secrets,
    });
    const thirdHttp = new HttpClient({
      apiUrl: third.apiUrl,
      token: () => again.session.authorizationToken,
    });
    // The three local ones (the forgotten "Elsewhere" is still registered, and offline).
    const localOnline = async () => {
      const listed = await listStorageDevices(thirdHttp);
      return created.map(
        (c) => listed.find((d) => d.deviceIdentifier === c.deviceIdentifier)?.online,
      );
    };
    expect(await localOnline()).toEqual([false, false, false]);
    const started = await third.ensureLocalStorage(again.session.authorizationToken);
    expect(started.map((d) => [d.deviceIdentifier, d.state])).toEqual(
      created.map((d) => [d.deviceIdentifier, 'connected']),
    );
    expect(await localOnline()).toEqual([true, true, true]);
    thirdHttp.close();
    again.session.close();
    await third.stop();

    // A device thread whose entry point cannot load (as from a packed archive): the devices run
    // on the engine's thread instead, and the vault keeps its storage.
    const broken = join(dir, 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('this entry point cannot load');\n");
    const fourth = await compiledHost.startEmbeddedEngine({
      dataDir,
      logLevel: 'silent',
      deviceWorkerUrl: pathToFileURL(broken),
    });
    expect(fourth.localStorage(user.profileId).map((d) => [d.deviceIdentifier, d.state])).toEqual(
      created.map((d) => [d.deviceIdentifier, 'connected']),
    );
    await fourth.stop();
  });
});
