// Giving the profile's data key to one device of the profile, the way approvals and QR pairing
// do it (DESIGN "Secrets and keys"): wrapped to the device's X25519 public key and left in its
// meta (data-key-share.ts holds the field and the receiving side).
//
// Only to a key the device made itself. A device created without a public key gets one the
// engine generated, and download-device-configuration then hands out its private half too
// (contract §8): the engine can open anything wrapped to such a key, so wrapping the data key
// to it would give the engine the data. Storage devices are made that way and need no data key.

import { wrapDataKey } from './crypto/key-wrap.ts';
import { WRAPPED_DATA_KEY_FIELD } from './data-key-share.ts';
import { configureMeta, downloadDeviceConfiguration } from './endpoints/device.ts';
import type { VaultSession } from './session.ts';

/** `shared`: the wrapped key is in the device's meta; `engine-held-key`: refused, see above. */
export type DataKeyGrant = 'shared' | 'engine-held-key';

export async function grantDataKey(
  session: VaultSession,
  deviceIdentifier: string,
  dataKey: Buffer,
): Promise<DataKeyGrant> {
  // The configuration bundle is the contract's only view of a device's public key; it is read
  // once, since every read also issues the device a new token.
  const { keys } = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
  if (keys.private !== undefined) return 'engine-held-key';
  const wrapped = wrapDataKey(dataKey, keys.public);
  await session.run(() =>
    configureMeta(session.http, { deviceIdentifier, meta: { [WRAPPED_DATA_KEY_FIELD]: wrapped } }),
  );
  return 'shared';
}
