// Handing the profile's keys to another device of the profile (DESIGN "Sharing the data key"):
// wrapped to the device's own key, authenticated with the profile's private key (key-wrap.ts),
// and left in the device's meta, where only that device opens it and only from this profile.
// Called only after a person confirmed the device (pairing-host.ts, approval-review.ts): no
// event ever leads here by itself.

import {
  dataKeyCheckValue,
  unwrapDataKey,
  wrapDataKey,
  wrappedCheckValue,
  type ExpectedProfileKey,
  type WrappedKeys,
} from './crypto/key-wrap.ts';
import { META, metaValue } from './device-meta.ts';
import { configureMeta, retrieveProfileDevices, type DeviceRecord } from './endpoints/device.ts';
import type { HttpClient } from './http.ts';
import { PrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';

/** Whether this session can share the keys: it holds the data key and the profile's private key. */
export function canGrantKeys(session: VaultSession): boolean {
  return session.dataKey !== undefined && session.profilePrivateKey !== undefined;
}

/** Wraps the session's keys to `deviceKey` (the device's signed public key) and stores the wrap in its meta. */
export async function grantKeys(
  session: VaultSession,
  deviceIdentifier: string,
  deviceKey: string,
): Promise<void> {
  const { dataKey, profilePrivateKey } = session;
  if (!dataKey || !profilePrivateKey) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.no_data_key',
      message:
        "This computer doesn't hold the vault key and the account key, so it can't give them to another device. Approve it from a computer that opens your files.",
    });
  }
  const wrapped = wrapDataKey({ dataKey, profilePrivateKey }, deviceKey);
  await session.run(() =>
    configureMeta(session.http, { deviceIdentifier, meta: { [META.wrappedDataKey]: wrapped } }),
  );
}

/** Opens the keys left in this device's record; throws KeyWrapError for anything not to adopt. */
export function openGrantedKeys(
  device: DeviceRecord,
  devicePrivateKey: string,
  expected: ExpectedProfileKey,
): WrappedKeys | undefined {
  const wrapped = metaValue(device, META.wrappedDataKey);
  return wrapped === undefined ? undefined : unwrapDataKey(wrapped, devicePrivateKey, expected);
}

/** One look for keys left for this device; undefined while none (or none it may adopt) are there. */
export async function receiveGrantedKeys(
  http: HttpClient,
  deviceIdentifier: string,
  devicePrivateKey: string,
  trustedProfileKey: string,
): Promise<WrappedKeys | undefined> {
  const device = (await retrieveProfileDevices(http)).find(
    (d) => d.deviceIdentifier === deviceIdentifier,
  );
  if (!device) return undefined;
  try {
    return openGrantedKeys(device, devicePrivateKey, { fingerprint: trustedProfileKey });
  } catch {
    return undefined;
  }
}

/**
 * What the device's meta says about the vault key, seen from a device that holds it:
 * `shared` (a wrap of this very key), `other` (a wrap of some other key: not given from here),
 * `none`. Without the key at hand any format-2 wrap counts as shared.
 */
export function keyShareOf(
  device: DeviceRecord,
  ownDataKey: Buffer | undefined,
): 'shared' | 'other' | 'none' {
  const wrapped = metaValue(device, META.wrappedDataKey);
  if (wrapped === undefined) return 'none';
  const check = wrappedCheckValue(wrapped);
  if (!check) return 'other';
  if (!ownDataKey) return 'shared';
  return check.equals(dataKeyCheckValue(ownDataKey)) ? 'shared' : 'other';
}
