// A storage device for another host (a NAS, a server): the profile makes the device, approves
// it, gives it the storage role and downloads its configuration bundle, which the host then runs
// with `npm run storage-device -- --config BUNDLE --dir FOLDER` (contract §8, §9). The engine
// generates the device's key pair (a storage device holds no data key, so nothing is shared with
// it). The bundle carries the engine's TLS pin: the one this session checks, when it pins the
// engine, so the device trusts exactly the certificate this computer trusts. The file holds the
// device token, so it is written 0600 and never over another file.

import { chmod, writeFile } from 'node:fs/promises';
import {
  approveDevice,
  downloadDeviceConfiguration,
  requestUniqueIdentifier,
  type DeviceConfiguration,
} from './endpoints/device.ts';
import { registerStorage } from './endpoints/storage.ts';
import type { VaultSession } from './session.ts';

export async function createStorageDeviceBundle(
  session: VaultSession,
  deviceName: string,
): Promise<DeviceConfiguration> {
  const { deviceIdentifier } = await session.run(() =>
    requestUniqueIdentifier(session.http, { deviceName }),
  );
  await session.run(() => approveDevice(session.http, { deviceIdentifier }));
  await session.run(() => registerStorage(session.http, { deviceIdentifier }));
  const bundle = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
  const pin = session.http.tlsPin ?? bundle.engine.tlsPin;
  return { ...bundle, engine: { ...bundle.engine, ...(pin ? { tlsPin: pin } : {}) } };
}

/**
 * Writes a bundle for the device's host, owner-only; never over an existing file unless
 * `replace` (a save dialog that asked the person first).
 */
export async function writeDeviceBundle(
  path: string,
  bundle: DeviceConfiguration,
  options: { replace?: boolean } = {},
): Promise<void> {
  await writeFile(path, `${JSON.stringify(bundle, null, 2)}\n`, {
    mode: 0o600,
    flag: options.replace ? 'w' : 'wx',
  });
  // A replaced file keeps its old mode; the device token in it must not be readable by others.
  await chmod(path, 0o600);
}
