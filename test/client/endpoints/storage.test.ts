import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveDevice,
  requestUniqueIdentifier,
  retrieveProfileDevices,
} from '../../../client/endpoints/device.ts';
import {
  listStorageDevices,
  registerStorage,
  removeStorage,
  synchronizeStorage,
} from '../../../client/endpoints/storage.ts';
import type { VaultSession } from '../../../client/session.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../../support/vault-engine.ts';
import { writeFile } from 'node:fs/promises';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let user: VaultUser;
let session: VaultSession;

beforeAll(async () => {
  engine = await startVaultEngine();
  user = await signUpVaultUser(engine);
  session = user.session;
});

afterAll(async () => {
  session.close();
  await engine.close();
});

describe('storage endpoints', () => {
  it('lists the three local devices online', async () => {
    const devices = await listStorageDevices(session.http);
    expect(devices).toHaveLength(3);
    for (const device of devices)
      expect(device).toMatchObject({ online: true, storedTokens: 0, storedBytes: 0 });
  });

  it('register, synchronize (offline, then online), remove', async () => {
    const file = join(engine.dir, 'sync-me.txt');
    await writeFile(file, 'copied by synchronize');
    await session.storeFile(file, { context: '/sync' });

    // An approved device that never connected: registered, but offline.
    const { deviceIdentifier: offline } = await session.run(() =>
      requestUniqueIdentifier(session.http, { deviceName: 'Cold NAS' }),
    );
    await session.run(() => approveDevice(session.http, { deviceIdentifier: offline }));
    await session.run(() => registerStorage(session.http, { deviceIdentifier: offline }));
    expect(
      (await listStorageDevices(session.http)).find((d) => d.deviceIdentifier === offline),
    ).toMatchObject({ online: false, lastSeenAt: null });
    await expect(
      session.run(() => registerStorage(session.http, { deviceIdentifier: offline })),
    ).rejects.toMatchObject({ reason: 'device.role_taken' });
    await expect(
      session.run(() => synchronizeStorage(session.http, { deviceIdentifier: offline })),
    ).rejects.toMatchObject({ reason: 'storage.device_offline' });

    // A new local device joins the fan-out from now on; synchronize copies the rest.
    const added = await engine.addLocalStorage(
      session.authorizationToken,
      join(engine.dir, 'extra'),
      { name: 'Extra' },
    );
    expect(
      await session.run(() =>
        synchronizeStorage(session.http, { deviceIdentifier: added.deviceIdentifier }),
      ),
    ).toEqual({ copied: 1, missing: 0 });
    expect(
      (await listStorageDevices(session.http)).find(
        (d) => d.deviceIdentifier === added.deviceIdentifier,
      ),
    ).toMatchObject({ online: true, storedTokens: 1 });

    await session.run(() => removeStorage(session.http, { deviceIdentifier: offline }));
    expect(
      (await retrieveProfileDevices(session.http)).find((d) => d.deviceIdentifier === offline)
        ?.role,
    ).toBeNull();
    await expect(
      session.run(() => removeStorage(session.http, { deviceIdentifier: offline })),
    ).rejects.toMatchObject({ reason: 'storage.not_registered' });
  });
});
