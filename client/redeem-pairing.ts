// The new device's side of QR pairing (contract §4 redeem-token-qr, DESIGN "Devices and
// approval"): it makes its own X25519 key pair, redeems the code at the engine the code names,
// and proves in its own meta that it saw the code's secret (pairing-codes.ts), so the owner's
// screen can tell it from any other device. It keeps the device token, its private key and the
// code's profile key fingerprint in the keychain: await-data-key.ts accepts keys from that
// profile key alone. The verification code it returns is shown here and on the owner's screen.

import { pollCommand } from './await-command.ts';
import { pairingProof, pairingVerificationCode } from './crypto/pairing-codes.ts';
import { generateProfileKeyPair } from './crypto/profile-key.ts';
import { META } from './device-meta.ts';
import { configureMeta } from './endpoints/device.ts';
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
  /** The fingerprint of the profile key the keys must come from (the pairing code's). */
  trustedProfileKey: string;
  /** The code to show; the owner's screen shows the same one. */
  code: string;
}

const PROOF_TIMEOUT_MS = 30_000;

export async function redeemPairing(options: {
  payload: PairingPayload;
  deviceName: string;
  secrets: SecretStore;
}): Promise<RedeemedPairing> {
  const { payload, deviceName, secrets } = options;
  const keys = generateProfileKeyPair();
  // The code's pin, when it has one: the engine must present the certificate the other computer
  // showed, before the QR token or anything else goes to it.
  const http = new HttpClient({
    apiUrl: payload.engineUrl,
    ...(payload.tlsPin ? { tlsPin: payload.tlsPin } : {}),
  });
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
    const { deviceIdentifier } = redeemed;
    const authed = http.withToken(() => token);
    let profileId: string;
    try {
      ({ profileId } = await retrieveProfileId(authed));
      await saveProfileSecrets(secrets, profileId, {
        authorizationToken: token,
        devicePrivateKey: keys.privateKey,
        trustedProfileKey: payload.fingerprint,
      });
      const proof = pairingProof(
        payload.secret,
        deviceIdentifier,
        keys.publicKey,
        payload.fingerprint,
      );
      await pollCommand(
        authed,
        await configureMeta(authed, {
          deviceIdentifier,
          meta: { [META.pairingKey]: keys.publicKey, [META.pairingProof]: proof },
        }),
        { timeoutMs: PROOF_TIMEOUT_MS },
      );
    } finally {
      authed.close();
    }
    return {
      profileId,
      deviceIdentifier,
      authorizationToken: token,
      expiresAt: redeemed.expiresAt,
      devicePrivateKey: keys.privateKey,
      trustedProfileKey: payload.fingerprint,
      code: pairingVerificationCode(
        payload.secret,
        deviceIdentifier,
        keys.publicKey,
        payload.fingerprint,
      ),
    };
  } finally {
    http.close();
  }
}
