// Storage devices through main's real handlers over the built-in engine with its local storage:
// the list with folders and health, adding a folder (given, or from the folder picker), copying
// the existing files to it, the warning when devices go offline, removing one, and the plain
// refusal to add a folder while the app uses a remote engine.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { eventually } from '../../support/storage-devices.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
const opened: Desktop[] = [];
const username = uniqueName('storage');

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  opened.push(a);
  await a.call('session:signUp', { username, password: PASSWORD });
  for (const name of ['one.bin', 'two.bin']) {
    const file = join(a.dir, name);
    await writeFile(file, randomBytes(40_000));
    expect(
      (
        await a.transferEnded(
          (await a.call('files:upload', { paths: [file], context: '/' })).transfers[0]!.id,
        )
      ).state,
    ).toBe('done');
  }
});

afterAll(async () => {
  for (const machine of opened) await machine.close();
  await engine.close();
});

describe('storage', () => {
  it('lists the three local devices with their folders; every file has three copies', async () => {
    const { devices, health } = await a.call('storage:list');
    expect(devices).toHaveLength(3);
    for (const device of devices) {
      expect(device).toMatchObject({
        online: true,
        storedTokens: 2,
        local: true,
        dir: expect.stringContaining(engine.dir),
      });
      expect(device.storedBytes).toBeGreaterThan(80_000);
    }
    expect(health).toEqual({ files: 2, onlineDevices: 3, fullCopies: 3, warning: null });
  });

  it('adds a folder as storage, from the picker or given, and copies the existing files to it', async () => {
    a.platform.nextFolder = null;
    expect(await a.call('storage:addLocal')).toBeNull();

    const picked = join(a.dir, 'picked folder');
    a.platform.nextFolder = picked;
    const added = await a.call('storage:addLocal', { name: 'USB stick' });
    expect(added).toMatchObject({ name: 'USB stick', local: true, dir: picked, storedTokens: 0 });
    const id = added!.deviceIdentifier;

    let listed = (await a.call('storage:list')).devices.find(
      (device) => device.deviceIdentifier === id,
    );
    expect(listed).toMatchObject({ name: 'USB stick', storedTokens: 0, local: true, dir: picked });

    expect(await a.call('storage:sync', { deviceIdentifier: id })).toEqual({
      deviceIdentifier: id,
      copied: 2,
      missing: 0,
    });
    const overview = await a.call('storage:list');
    listed = overview.devices.find((device) => device.deviceIdentifier === id);
    expect(listed?.storedTokens).toBe(2);
    expect(overview.health).toEqual({ files: 2, onlineDevices: 4, fullCopies: 4, warning: null });
  });

  it('refuses the same folder twice, or one inside it, in plain words, and keeps nothing of it', async () => {
    const before = (await a.call('storage:list')).devices.map((device) => device.deviceIdentifier);
    const picked = join(a.dir, 'picked folder');
    a.platform.nextFolder = picked;
    await expect(a.call('storage:addLocal', { name: 'Again' })).rejects.toThrow(
      `${picked} is already the folder of storage device "USB stick"; each device needs a folder of its own.`,
    );
    await expect(
      a.call('storage:addLocal', { dir: join(picked, 'inner'), name: 'Inner' }),
    ).rejects.toThrow('is inside the folder of storage device "USB stick"');
    const after = await a.call('storage:list');
    expect(after.devices.map((device) => device.deviceIdentifier)).toEqual(before);
    expect(after.devices.every((device) => device.problem === null)).toBe(true);
  });

  it('warns in plain words once fewer than three full copies are online', async () => {
    const local = engine.localStorage((await a.call('account:get')).profileId);
    // Two folders go away (a drive unplugged): the engine sees them offline.
    for (const device of local.slice(0, 2))
      await engine.forgetLocalStorage(device.deviceIdentifier);
    await eventually(
      async () => (await a.call('storage:list')).health.onlineDevices === 2,
      'two devices are offline',
    );
    const { devices, health } = await a.call('storage:list');
    expect(devices.filter((device) => !device.online)).toHaveLength(2);
    expect(
      devices
        .filter((device) => !device.online)
        .every((device) => !device.local && device.dir === null),
    ).toBe(true);
    expect(health).toEqual({
      files: 2,
      onlineDevices: 2,
      fullCopies: 2,
      warning:
        'Only 2 online storage devices hold a copy of every file, fewer than the 3 that keep them safe if a disk fails. Connect the ones that are offline, or add another.',
    });

    const offline = devices.find((device) => !device.online)!;
    await expect(
      a.call('storage:sync', { deviceIdentifier: offline.deviceIdentifier }),
    ).rejects.toThrow('That storage device is offline. Connect it and try again.');
    await a.call('storage:remove', { deviceIdentifier: offline.deviceIdentifier });
    expect(
      (await a.call('storage:list')).devices.some(
        (device) => device.deviceIdentifier === offline.deviceIdentifier,
      ),
    ).toBe(false);
  });

  it('refuses a local folder with a remote engine, in plain words, before any picker opens', async () => {
    const remote = await startDesktop({
      engine: async () => Promise.reject(new Error('unused')),
      remoteEngine: engine.apiUrl,
    });
    opened.push(remote);
    await remote.call('session:signIn', { username, password: PASSWORD });
    remote.platform.nextFolder = join(remote.dir, 'never');
    await expect(remote.call('storage:addLocal')).rejects.toThrow(
      `A folder on this computer can be storage only while the app uses its built-in engine. This vault is on the engine at ${engine.apiUrl}: run a storage device beside that engine instead.`,
    );
    expect(remote.platform.nextFolder).not.toBeNull();
    // Its list has the engine's devices, none of them local to it.
    expect((await remote.call('storage:list')).devices.every((device) => !device.local)).toBe(true);
  });

  it('validates its inputs', async () => {
    for (const [channel, input] of [
      ['storage:addLocal', { dir: 'relative/folder' }],
      ['storage:addLocal', { dir: '/tmp/x', name: '' }],
      ['storage:addLocal', { dir: '/tmp/x', extra: true }],
      ['storage:sync', { deviceIdentifier: '../etc' }],
      ['storage:remove', {}],
    ] as const) {
      expect(await a.reply(channel, input), `${channel} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { reason: 'bridge.invalid_input' },
      });
    }
  });
});
