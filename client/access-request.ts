// Asking to join a profile from a machine that signed in with the username and password but has
// no data key (contract §14 "Device onboarding"): it makes its own X25519 key pair, keeps the
// private half in the keychain and registers a pending device with the public half. The owner's
// other devices get DEVICE-PENDING; once one approves and wraps the data key to that public key
// (device-key-grant.ts), await-data-key.ts picks it up here.

import { generateProfileKeyPair } from './crypto/profile-key.ts';
import { requestUniqueIdentifier } from './endpoints/device.ts';
import { saveProfileSecrets } from './secrets/profile-secrets.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { VaultSession } from './session.ts';

export interface AccessRequest {
  deviceIdentifier: string;
  /** This device's private key (also in the keychain), to open the wrapped data key with. */
  devicePrivateKey: string;
}

export async function requestAccess(
  session: VaultSession,
  secrets: SecretStore,
  profileId: string,
  deviceName: string,
): Promise<AccessRequest> {
  const keys = generateProfileKeyPair();
  // Kept before the request goes out: a crash in between leaves an unused key, never a pending
  // device whose key is lost.
  await saveProfileSecrets(secrets, profileId, { devicePrivateKey: keys.privateKey });
  const { deviceIdentifier } = await session.run(() =>
    requestUniqueIdentifier(session.http, { deviceName, publicKey: keys.publicKey }),
  );
  return { deviceIdentifier, devicePrivateKey: keys.privateKey };
}
