// Sharing the profile's data key with another device of the profile (DESIGN "Secrets and
// keys"): the owner wraps it to the device's X25519 public key (key-wrap.ts) and leaves the
// wrapped key in that device's meta, where only the device's private key opens it. The engine
// holds the wrapped key and can do nothing with it.

import { unwrapDataKey, wrapDataKey } from './crypto/key-wrap.ts';
import {
  configureMeta,
  downloadDeviceConfiguration,
  retrieveProfileDevices,
} from './endpoints/device.ts';
import type { HttpClient } from './http.ts';
import { PrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';

/** The device meta field (contract §8 free-form) that carries the wrapped data key. */
export const WRAPPED_DATA_KEY_FIELD = 'wrappedDataKey';

/**
 * Wraps the data key to the device's public key and stores it in the device's meta. Refuses
 * (`client.engine_held_key`) a device whose key pair the engine generated: the engine hands out
 * that private key (contract §8), so it could open the wrapped data key. device-key-grant.ts
 * answers the same question as a result instead of an error.
 */
export async function shareDataKey(
  session: VaultSession,
  deviceIdentifier: string,
  dataKey: Buffer,
): Promise<void> {
  // The configuration bundle is the contract's only view of a device's public key.
  const { keys } = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
  if (keys.private !== undefined) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.engine_held_key',
      message: `Device ${deviceIdentifier} uses a key pair the engine made, so the data key is not shared with it.`,
    });
  }
  const wrapped = wrapDataKey(dataKey, keys.public);
  await session.run(() =>
    configureMeta(session.http, { deviceIdentifier, meta: { [WRAPPED_DATA_KEY_FIELD]: wrapped } }),
  );
}

/** The data key left for this device, or undefined while none has been shared. */
export async function receiveDataKey(
  http: HttpClient,
  deviceIdentifier: string,
  devicePrivateKey: string,
): Promise<Buffer | undefined> {
  const devices = await retrieveProfileDevices(http);
  const wrapped = devices.find((device) => device.deviceIdentifier === deviceIdentifier)?.meta?.[
    WRAPPED_DATA_KEY_FIELD
  ];
  return wrapped ? unwrapDataKey(wrapped, devicePrivateKey) : undefined;
}
