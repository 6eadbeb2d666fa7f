// A device an organisation's owner or admin sets up for a member (contract §13
// create-profile-device, and add-storage-device-to-profile for a storage device), ending in
// the device's configuration file to hand over. The file holds a device token (and, for a key
// the engine made, the device's private key): it is written for the owner alone and never over
// an existing file.

import { open } from 'node:fs/promises';
import { addStorageDeviceToProfile, createProfileDevice } from './endpoints/directory.ts';
import { downloadDeviceConfiguration, type DeviceConfiguration } from './endpoints/device.ts';
import type { VaultSession } from './session.ts';

export interface MemberDevice {
  deviceIdentifier: string;
  role: 'storage' | null;
  configuration: DeviceConfiguration;
}

export async function setUpMemberDevice(
  session: VaultSession,
  input: { directoryId: string; profileId: string; deviceName: string; storage: boolean },
): Promise<MemberDevice> {
  const created = await session.run(() =>
    createProfileDevice(session.http, {
      directoryId: input.directoryId,
      profileId: input.profileId,
      deviceName: input.deviceName,
    }),
  );
  const { deviceIdentifier } = created;
  if (input.storage) {
    await session.run(() =>
      addStorageDeviceToProfile(session.http, {
        directoryId: input.directoryId,
        profileId: input.profileId,
        deviceIdentifier,
      }),
    );
  }
  const configuration = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
  return { deviceIdentifier, role: input.storage ? 'storage' : null, configuration };
}

/** Writes a configuration file readable by its owner only; refuses to replace a file. */
export async function writeDeviceConfiguration(
  path: string,
  configuration: DeviceConfiguration,
): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(configuration, null, 2)}\n`, 'utf8');
  } finally {
    await handle.close();
  }
}
