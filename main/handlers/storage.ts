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
      const byId = new Map(local.map((device) => [device.deviceIdentifier, device]));
      return {
        devices: devices.map((device): StorageDeviceInfo => ({
          ...device,
          local: byId.has(device.deviceIdentifier),
          dir: byId.get(device.deviceIdentifier)?.dir ?? null,
          problem: byId.get(device.deviceIdentifier)?.problem ?? null,
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
      // The engine checks the folder (not a file, apart from the vault's data and from every
      // other device's folder) and makes it when it does not exist yet.
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
        problem: device.problem ?? null,
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
