// The new device's side of QR pairing (contract §4 redeem-token-qr, §14 "QR pairing"): it makes
// its own X25519 key pair, redeems the code at the engine the code names, and keeps the device
// token and the private key in the keychain. The owner then wraps the data key to the public
// half (device-key-grant.ts); await-data-key.ts waits for it.

import { generateProfileKeyPair } from './crypto/profile-key.ts';
import { redeemTokenQr, retrieveProfileId } from './endpoints/profile.ts';
import { HttpClient } from './http.ts';
import type { PairingPayload } from './pairing-payload.ts';
import { isPrivicoreError, PrivicoreError } from './privicore-error.ts';
import { saveProfileSecrets } from './secrets/profile-secrets.ts';
import type { SecretStore } from './secrets/secret-store.ts';

export interface RedeemedPairing {
  profileId: string;
  deviceIdentifier: string;
  /** The device token (30 days), also in the keychain as the authorization token. */
  authorizationToken: string;
  expiresAt: string;
  devicePrivateKey: string;
}

export async function redeemPairing(options: {
  payload: PairingPayload;
  deviceName: string;
  secrets: SecretStore;
}): Promise<RedeemedPairing> {
  const { payload, deviceName, secrets } = options;
  const keys = generateProfileKeyPair();
  const http = new HttpClient({ apiUrl: payload.engineUrl });
  try {
    let redeemed;
    try {
      redeemed = await redeemTokenQr(http, {
        qrToken: payload.qrToken,
        deviceName,
        publicKey: keys.publicKey,
      });
    } catch (error) {
      if (isPrivicoreError(error, 'qr.invalid')) {
        // Same reason key (callers branch on it), in words that say what to do.
        throw new PrivicoreError({
          status: error.status,
          reason: 'qr.invalid',
          message:
            'That pairing code was already used or has expired (codes last 5 minutes). Show a new one on the other device.',
          cause: error,
        });
      }
      throw error;
    }
    const token = redeemed.authorizationToken;
    const authed = http.withToken(() => token);
    let profileId: string;
    try {
      ({ profileId } = await retrieveProfileId(authed));
    } finally {
      authed.close();
    }
    await saveProfileSecrets(secrets, profileId, {
      authorizationToken: token,
      devicePrivateKey: keys.privateKey,
    });
    return {
      profileId,
      deviceIdentifier: redeemed.deviceIdentifier,
      authorizationToken: token,
      expiresAt: redeemed.expiresAt,
      devicePrivateKey: keys.privateKey,
    };
  } finally {
    http.close();
  }
}
