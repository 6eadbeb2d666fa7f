import { mkdir } from 'node:fs/promises';
import type { StorageDeviceInfo } from '../../bridge/types.ts';
import type { HandlerTable } from '../../bridge/vault-api.ts';
import { listDataTokens } from '../../client/endpoints/data-token.ts';
import {
  listStorageDevices,
  removeStorage,
  synchronizeStorage,
} from '../../client/endpoints/storage.ts';
import { storageHealth } from '../../client/storage-health.ts';
import type { VaultApp } from '../vault-app.ts';

type StorageChannels =
  'storage:list' | 'storage:addLocal' | 'storage:addRemote' | 'storage:sync' | 'storage:remove';

/** Copying a whole vault to a new device can take a while; the command's ack comes at the end. */
const SYNC_TIMEOUT_MS = 30 * 60_000;

export function storageHandlers(app: VaultApp): Pick<HandlerTable, StorageChannels> {
  return {
    'storage:list': async () => {
      const session = app.session();
      const [devices, files, local] = await Promise.all([
        listStorageDevices(session.http),
        listDataTokens(session.http, { page: 1, perPage: 1 }),
        app.localEngine()?.localStorage(app.account().profileId) ?? [],
      ]);
      const folders = new Map(local.map((device) => [device.deviceIdentifier, device.dir]));
      return {
        devices: devices.map((device): StorageDeviceInfo => ({
          ...device,
          local: folders.has(device.deviceIdentifier),
          dir: folders.get(device.deviceIdentifier) ?? null,
        })),
        health: storageHealth(devices, files.meta.count),
      };
    },
    'storage:addLocal': async (input) => {
      // Signed in and on the built-in engine, or a plain refusal before any folder picker opens.
      app.session();
      app.storageEngine();
      const dir = input?.dir ?? (await app.platform.chooseFolder());
      if (!dir) return null;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const device = await app.addLocalStorage(dir, input?.name);
      return {
        deviceIdentifier: device.deviceIdentifier,
        name: device.name,
        online: device.state === 'connected',
        lastSeenAt: null,
        storedTokens: 0,
        storedBytes: 0,
        local: true,
        dir: device.dir,
      };
    },
    'storage:addRemote': ({ name }) => app.addRemoteStorage(name),
    'storage:sync': async ({ deviceIdentifier }) => {
      const session = app.session();
      const result = await session.run(
        () => synchronizeStorage(session.http, { deviceIdentifier }),
        { timeoutMs: SYNC_TIMEOUT_MS },
      );
      return { deviceIdentifier, copied: result?.copied ?? null, missing: result?.missing ?? null };
    },
    'storage:remove': async ({ deviceIdentifier }) => {
      const session = app.session();
      await session.run(() => removeStorage(session.http, { deviceIdentifier }));
      await app.localEngine()?.forgetLocalStorage(deviceIdentifier);
    },
  };
}
