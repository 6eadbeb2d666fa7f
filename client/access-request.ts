// Asking to join a profile from a machine that signed in with the username and password but has
// no data key (contract §14 "Device onboarding"): it makes its own X25519 key pair, keeps the
// private half in the keychain and registers a pending device with the public half, committed
// to a random value of its own (pairing-codes.ts). An owner's device answers; this side then
// reveals its value and shows the code both screens compare (awaitApprovalCode). Only once the
// person here confirms the codes match does it trust the profile key the code was made with,
// and await-data-key.ts accepts keys from that key alone.

import { awaitDevice } from './await-device.ts';
import {
  approvalCommitment,
  approvalVerificationCode,
  isApprovalValue,
  newApprovalNonce,
  profileKeyFingerprint,
} from './crypto/pairing-codes.ts';
import { generateProfileKeyPair, signedPublicKeyFromPrivate } from './crypto/profile-key.ts';
import { META, metaValue } from './device-meta.ts';
import { configureMeta, rejectDevice, requestUniqueIdentifier } from './endpoints/device.ts';
import { retrievePublicKey } from './endpoints/public-key.ts';
import { deleteProfileSecret, saveProfileSecrets } from './secrets/profile-secrets.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { VaultSession } from './session.ts';

export interface AccessRequest {
  deviceIdentifier: string;
  /** This device's private key (also in the keychain), to open the wrapped keys with. */
  devicePrivateKey: string;
  /** The committed random value (also in the keychain until the exchange is over). */
  joinNonce: string;
}

export async function requestAccess(
  session: VaultSession,
  secrets: SecretStore,
  profileId: string,
  deviceName: string,
): Promise<AccessRequest> {
  const keys = generateProfileKeyPair();
  const joinNonce = newApprovalNonce();
  // Kept before the request goes out: a crash in between leaves an unused key, never a pending
  // device whose key is lost.
  await saveProfileSecrets(secrets, profileId, { devicePrivateKey: keys.privateKey, joinNonce });
  await deleteProfileSecret(secrets, profileId, 'trusted-profile-key');
  const { deviceIdentifier } = await session.run(() =>
    requestUniqueIdentifier(session.http, { deviceName, publicKey: keys.publicKey }),
  );
  await session.run(() =>
    configureMeta(session.http, {
      deviceIdentifier,
      meta: {
        [META.pairingKey]: keys.publicKey,
        [META.approvalCommit]: approvalCommitment(deviceIdentifier, keys.publicKey, joinNonce),
      },
    }),
  );
  return { deviceIdentifier, devicePrivateKey: keys.privateKey, joinNonce };
}

export type ApprovalCode =
  | {
      state: 'code';
      /** The code to show; the owner's screen shows the same one when nobody is in between. */
      code: string;
      /** The fingerprint of the profile key the code was made with: trust it once confirmed. */
      fingerprint: string;
    }
  /** This side revealed already (an earlier run): a fresh request is needed. */
  | { state: 'stale' }
  | { state: 'device-gone' }
  | { state: 'cancelled' };

/**
 * Waits for an owner's answer, reveals this side's value and makes the code. The first answer
 * seen is the only one ever revealed to: a later one could have been chosen knowing the value.
 */
export async function awaitApprovalCode(
  session: VaultSession,
  request: AccessRequest,
  options: { signal?: AbortSignal; intervalMs?: number } = {},
): Promise<ApprovalCode> {
  const answered = await awaitDevice(
    session,
    request.deviceIdentifier,
    (device) => {
      if (metaValue(device, META.approvalReveal) !== undefined) return 'stale' as const;
      const nonce = metaValue(device, META.approvalNonce);
      return nonce !== undefined && isApprovalValue(nonce) ? nonce : undefined;
    },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    },
  );
  if (answered.state === 'timed-out') return { state: 'cancelled' };
  if (answered.state !== 'found') return { state: answered.state };
  if (answered.value === 'stale') return { state: 'stale' };
  const ownerNonce = answered.value;
  await session.run(() =>
    configureMeta(session.http, {
      deviceIdentifier: request.deviceIdentifier,
      meta: { [META.approvalReveal]: request.joinNonce },
    }),
  );
  // The profile key as the engine gives it: if the engine lies, the codes differ.
  const { publicKey } = await retrievePublicKey(session.http);
  return {
    state: 'code',
    code: approvalVerificationCode(
      request.deviceIdentifier,
      signedPublicKeyFromPrivate(request.devicePrivateKey),
      publicKey,
      request.joinNonce,
      ownerNonce,
    ),
    fingerprint: profileKeyFingerprint(publicKey),
  };
}

/** The person saw the same code on both screens: keys from this profile key may be adopted. */
export async function trustApprovedProfileKey(
  secrets: SecretStore,
  profileId: string,
  fingerprint: string,
): Promise<void> {
  await saveProfileSecrets(secrets, profileId, { trustedProfileKey: fingerprint });
  await deleteProfileSecret(secrets, profileId, 'join-nonce');
}

/** The codes differed (or the person gave up): the request is withdrawn and forgotten. */
export async function withdrawAccessRequest(
  session: VaultSession,
  secrets: SecretStore,
  profileId: string,
  deviceIdentifier: string,
): Promise<void> {
  await deleteProfileSecret(secrets, profileId, 'join-nonce');
  await deleteProfileSecret(secrets, profileId, 'trusted-profile-key');
  await session.run(() => rejectDevice(session.http, { deviceIdentifier })).catch(() => undefined);
}
