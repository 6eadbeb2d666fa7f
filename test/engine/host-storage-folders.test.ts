// The embedded engine's local storage folders, when they are not what a device needs. A folder is
// checked before a device is made for it (a file; the vault's own data; the folder of another
// device, inside one, holding one, or another name for one), and a refusal leaves nothing
// behind. A device that was made but could not start is not kept. And a recorded device whose
// folder is unusable (an unplugged disk) stays offline with its reason, without making the
// folder again, while the vault opens with the others: before, either case left a device in
// host.json that failed every later start, so the vault never opened again.

import { existsSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn } from '../../client/account.ts';
import { listStorageDevices } from '../../client/endpoints/storage.ts';
import { HttpClient } from '../../client/http.ts';
import { compiledHost } from '../support/compiled.ts';
import { tempDir } from '../support/engine.ts';
import { signUpVaultUser } from '../support/vault-engine.ts';

type Host = Awaited<ReturnType<typeof compiledHost.startEmbeddedEngine>>;

const dir = tempDir('privicore-host-folders-');
const dataDir = join(dir, 'engine');
let user: Awaited<ReturnType<typeof signUpVaultUser>>;
let defaults: Awaited<ReturnType<Host['ensureLocalStorage']>>;

async function start(): Promise<Host> {
  return compiledHost.startEmbeddedEngine({ dataDir, logLevel: 'silent' });
}

/** Signs in on `host`; returns the token, the storage devices the engine lists, and a closer. */
async function signedIn(host: Host) {
  const again = await logIn({
    apiUrl: host.apiUrl,
    username: user.username,
    password: user.password,
    secrets: user.secrets,
  });
  const http = new HttpClient({
    apiUrl: host.apiUrl,
    token: () => again.session.authorizationToken,
  });
  return {
    token: again.session.authorizationToken,
    registered: async () => (await listStorageDevices(http)).map((d) => d.deviceIdentifier),
    close: () => {
      http.close();
      again.session.close();
    },
  };
}

beforeAll(async () => {
  const host = await start();
  user = await signUpVaultUser(host, { storage: false });
  defaults = await host.ensureLocalStorage(user.session.authorizationToken);
  user.session.close();
  await host.stop();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('adding a local storage folder', () => {
  it('refuses a folder that cannot be a device of its own, and keeps nothing of the attempt', async () => {
    const host = await start();
    const session = await signedIn(host);
    try {
      const before = await session.registered();
      const added = await host.addLocalStorage(session.token, join(dir, 'holder', 'a'), {
        name: 'Backup A',
      });
      expect(added.state).toBe('connected');
      await writeFile(join(dir, 'a-file'), 'not a folder');
      await symlink(added.dir, join(dir, 'link-to-a'));
      const refused: [string, RegExp][] = [
        [join(dir, 'a-file'), /is not a folder/],
        [join(dir, 'a-file', 'below'), /is inside a file/],
        [dataDir, /inside the vault's own data folder/],
        [join(dataDir, 'somewhere', 'deeper'), /inside the vault's own data folder/],
        [defaults[1]!.dir, /inside the vault's own data folder/],
        [added.dir, /is already the folder of storage device "Backup A"/],
        [join(added.dir, 'chunks'), /is inside the folder of storage device "Backup A"/],
        [join(dir, 'holder'), /holds the folder of storage device "Backup A"/],
        [dir, /holds the folder of storage device/],
        [join(dir, 'link-to-a'), /is already the folder of storage device "Backup A"/],
      ];
      for (const [folder, why] of refused) {
        const attempt = host.addLocalStorage(session.token, folder, { name: 'Refused' });
        await expect(attempt, folder).rejects.toThrow(why);
        await expect(attempt).rejects.toMatchObject({ reason: 'storage.folder_refused' });
      }
      expect(host.localStorage().map((d) => d.name)).not.toContain('Refused');
      expect(await session.registered()).toEqual([...before, added.deviceIdentifier]);
      expect(existsSync(join(dataDir, 'somewhere'))).toBe(false);

      // A folder beside it is fine, and one that does not exist yet is made.
      const beside = await host.addLocalStorage(session.token, join(dir, 'holder', 'b', 'new'));
      expect(beside.state).toBe('connected');
      for (const device of [added, beside])
        expect(await host.forgetLocalStorage(device.deviceIdentifier)).toBe(true);
    } finally {
      session.close();
      await host.stop();
    }
  }, 60_000);

  it('does not keep a device that was made but could not start', async () => {
    const host = await start();
    const session = await signedIn(host);
    try {
      const before = await session.registered();
      // Another process holds the folder (a storage device already runs there).
      const busy = join(dir, 'busy');
      await mkdir(busy);
      await writeFile(join(busy, 'lock'), JSON.stringify({ pid: process.ppid, token: 'theirs' }));
      await expect(host.addLocalStorage(session.token, busy, { name: 'Busy' })).rejects.toThrow(
        /in use by process/,
      );
      expect(host.localStorage().map((d) => d.name)).not.toContain('Busy');
      expect(await session.registered()).toEqual(before);
    } finally {
      session.close();
      await host.stop();
    }
    // And the vault opens again with its devices.
    const again = await start();
    expect(again.localStorage().map((d) => d.state)).toEqual([
      'connected',
      'connected',
      'connected',
    ]);
    await again.stop();
  }, 60_000);
});

describe('a recorded device whose folder is gone', () => {
  it('stays offline with its reason, is not made again, and the vault opens with the others', async () => {
    const host = await start();
    const session = await signedIn(host);
    const drive = join(dir, 'drive');
    const external = await host.addLocalStorage(session.token, drive, { name: 'Drive' });
    session.close();
    await host.stop();
    await rename(drive, `${drive}.unplugged`);
    try {
      const unplugged = await start();
      try {
        const byId = new Map(unplugged.localStorage().map((d) => [d.deviceIdentifier, d]));
        for (const device of defaults)
          expect(byId.get(device.deviceIdentifier)?.state).toBe('connected');
        expect(byId.get(external.deviceIdentifier)).toMatchObject({
          state: 'stopped',
          problem: expect.stringContaining(`Its folder ${drive} is missing`) as string,
        });
        expect(existsSync(drive)).toBe(false);
      } finally {
        await unplugged.stop();
      }
    } finally {
      await rename(`${drive}.unplugged`, drive);
    }
    const back = await start();
    expect(back.localStorage().map((d) => [d.deviceIdentifier, d.state])).toEqual(
      [...defaults, external].map((d) => [d.deviceIdentifier, 'connected']),
    );
    expect(back.localStorage().every((d) => d.problem === undefined)).toBe(true);
    expect(await back.forgetLocalStorage(external.deviceIdentifier)).toBe(true);
    await back.stop();
  }, 60_000);

  it('inside the data folder (the first three), is made again', async () => {
    await rm(defaults[2]!.dir, { recursive: true });
    const host = await start();
    expect(host.localStorage().map((d) => d.state)).toEqual([
      'connected',
      'connected',
      'connected',
    ]);
    expect(existsSync(defaults[2]!.dir)).toBe(true);
    await host.stop();
  }, 60_000);
});
