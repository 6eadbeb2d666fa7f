// A profile's three secrets in a SecretStore, one entry each, named by profile id (a UUIDv7, so
// profiles of different engines never collide and an embedded engine's changing port does not
// matter):
//   <profileId>/authorization-token   the T- token, as text
//   <profileId>/private-key           the X25519 private key, 64 hex
//   <profileId>/data-key              the AES-256 data key, 64 hex
//   <profileId>/device-private-key    on a machine joining by QR code or approval: its device's
//                                     own X25519 key, which the keys are wrapped to (key-wrap.ts)
//   <profileId>/trusted-profile-key   while it waits: the fingerprint of the profile key it will
//                                     accept keys from (the pairing code's, or the one its
//                                     verification code was compared with); kept here, where
//                                     nothing else on the machine can change it
//   <profileId>/join-nonce            while it asks to join: its committed random value
//                                     (pairing-codes.ts), to reveal when an owner answers
//   <profileId>/authenticator-token   when this machine votes (contract §10): the device token of
//                                     its authenticator device
// A paired machine keeps its device token as the authorization token.

import { isApprovalValue, isFingerprint } from '../crypto/pairing-codes.ts';
import type { SecretStore } from './secret-store.ts';

export type ProfileSecretName =
  | 'authorization-token'
  | 'private-key'
  | 'data-key'
  | 'device-private-key'
  | 'trusted-profile-key'
  | 'join-nonce'
  | 'authenticator-token';

export interface ProfileSecrets {
  authorizationToken?: string;
  privateKey?: string;
  dataKey?: Buffer;
  devicePrivateKey?: string;
  trustedProfileKey?: string;
  joinNonce?: string;
  authenticatorToken?: string;
}

const HEX_64 = /^[0-9a-f]{64}$/i;

export function secretAccount(profileId: string, name: ProfileSecretName): string {
  return `${profileId}/${name}`;
}

const EVERY_SECRET: readonly ProfileSecretName[] = [
  'authorization-token',
  'private-key',
  'data-key',
  'device-private-key',
  'trusted-profile-key',
  'join-nonce',
  'authenticator-token',
];

/**
 * The profile's secrets, or only the named ones: each is a keychain round trip (D-Bus on Linux),
 * so a caller that needs three reads three.
 */
export async function loadProfileSecrets(
  store: SecretStore,
  profileId: string,
  names: readonly ProfileSecretName[] = EVERY_SECRET,
): Promise<ProfileSecrets> {
  const read = async (name: ProfileSecretName) =>
    names.includes(name) ? store.get(secretAccount(profileId, name)) : undefined;
  // One at a time: some Secret Service providers serialise anyway, and prompt once per unlock.
  const authorizationToken = await read('authorization-token');
  const privateKey = await read('private-key');
  const dataKey = await read('data-key');
  const devicePrivateKey = await read('device-private-key');
  const trustedProfileKey = await read('trusted-profile-key');
  const joinNonce = await read('join-nonce');
  const authenticatorToken = await read('authenticator-token');
  return {
    ...(trustedProfileKey && isFingerprint(trustedProfileKey) ? { trustedProfileKey } : {}),
    ...(joinNonce && isApprovalValue(joinNonce) ? { joinNonce } : {}),
    ...(authorizationToken ? { authorizationToken } : {}),
    ...(authenticatorToken ? { authenticatorToken } : {}),
    ...(devicePrivateKey && HEX_64.test(devicePrivateKey)
      ? { devicePrivateKey: devicePrivateKey.toLowerCase() }
      : {}),
    ...(privateKey && HEX_64.test(privateKey) ? { privateKey: privateKey.toLowerCase() } : {}),
    ...(dataKey && HEX_64.test(dataKey) ? { dataKey: Buffer.from(dataKey, 'hex') } : {}),
  };
}

export async function saveProfileSecrets(
  store: SecretStore,
  profileId: string,
  secrets: ProfileSecrets,
): Promise<void> {
  if (secrets.authorizationToken !== undefined)
    await store.set(secretAccount(profileId, 'authorization-token'), secrets.authorizationToken);
  if (secrets.authenticatorToken !== undefined)
    await store.set(secretAccount(profileId, 'authenticator-token'), secrets.authenticatorToken);
  if (secrets.privateKey !== undefined) {
    if (!HEX_64.test(secrets.privateKey))
      throw new RangeError('A private key is 64 hex characters.');
    await store.set(secretAccount(profileId, 'private-key'), secrets.privateKey.toLowerCase());
  }
  if (secrets.devicePrivateKey !== undefined) {
    if (!HEX_64.test(secrets.devicePrivateKey))
      throw new RangeError('A private key is 64 hex characters.');
    await store.set(
      secretAccount(profileId, 'device-private-key'),
      secrets.devicePrivateKey.toLowerCase(),
    );
  }
  if (secrets.dataKey !== undefined) {
    if (secrets.dataKey.length !== 32) throw new RangeError('The data key is 32 bytes.');
    await store.set(secretAccount(profileId, 'data-key'), secrets.dataKey.toString('hex'));
  }
  if (secrets.trustedProfileKey !== undefined) {
    if (!isFingerprint(secrets.trustedProfileKey))
      throw new RangeError('A profile key fingerprint is 22 base64url characters.');
    await store.set(secretAccount(profileId, 'trusted-profile-key'), secrets.trustedProfileKey);
  }
  if (secrets.joinNonce !== undefined) {
    if (!isApprovalValue(secrets.joinNonce)) throw new RangeError('A join nonce is 32 bytes.');
    await store.set(secretAccount(profileId, 'join-nonce'), secrets.joinNonce);
  }
}

export async function deleteProfileSecret(
  store: SecretStore,
  profileId: string,
  name: ProfileSecretName,
): Promise<boolean> {
  return store.delete(secretAccount(profileId, name));
}
