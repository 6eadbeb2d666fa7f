// Account flows over a SecretStore (contract §14 "Provisioning"): sign up, log in, resume a
// session from the keychain, log out. The profile's X25519 key pair and its AES-256 data key are
// made here, on this machine, and only the public key ever reaches the engine.

import { randomBytes } from 'node:crypto';
import { generateProfileKeyPair, signedPublicKeyFromPrivate } from './crypto/profile-key.ts';
import { pollCommand } from './await-command.ts';
import {
  authenticate,
  registerProfile,
  retrieveProfileId,
  revokeAuthorizationToken,
} from './endpoints/profile.ts';
import { registerPublicKey, retrievePublicKey } from './endpoints/public-key.ts';
import { HttpClient } from './http.ts';
import { isPrivicoreError, PrivicoreError } from './privicore-error.ts';
import {
  deleteProfileSecret,
  loadProfileSecrets,
  saveProfileSecrets,
  type ProfileSecrets,
} from './secrets/profile-secrets.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { VaultSession, type SessionOptions } from './session.ts';

export interface EngineAddress {
  apiUrl: string;
  wsUrl?: string;
  /** The engine's TLS pin (http.ts): checked on every connection before anything is sent. */
  tlsPin?: string;
}

export interface AccountOptions extends EngineAddress {
  secrets: SecretStore;
  commandTimeoutMs?: number;
  channel?: SessionOptions['channel'];
}

export interface SignedIn {
  session: VaultSession;
  profileId: string;
  username: string;
  expiresAt: string;
  /** Secrets this machine lacks for the profile (import a recovery kit to get them). */
  missing: ('private-key' | 'data-key')[];
}

const SIGNUP_TIMEOUT_MS = 60_000;

/**
 * Registers a profile, signs in, makes the key pair and data key, keeps them in the store and
 * registers the public key. The secrets are stored before the public key is registered, so a
 * crash in between leaves a profile that the next login finishes, not one with a lost key.
 */
export async function signUp(
  options: AccountOptions & { username: string; password: string },
): Promise<SignedIn> {
  const http = new HttpClient(httpOptions(options));
  try {
    const accepted = await registerProfile(http, {
      username: options.username,
      password: options.password,
    });
    const { profileId } = await pollCommand(http, accepted, {
      timeoutMs: options.commandTimeoutMs ?? SIGNUP_TIMEOUT_MS,
    });
    const issued = await authenticate(http, {
      username: options.username,
      password: options.password,
    });
    const keys = generateProfileKeyPair();
    const dataKey = randomBytes(32);
    await saveProfileSecrets(options.secrets, profileId, {
      authorizationToken: issued.authorizationToken,
      privateKey: keys.privateKey,
      dataKey,
    });
    const session = await openSession(options, issued.authorizationToken, {
      dataKey,
      privateKey: keys.privateKey,
    });
    try {
      await session.run(() => registerPublicKey(session.http, { publicKey: keys.publicKey }));
    } catch (error) {
      session.close();
      throw error;
    }
    return {
      session,
      profileId,
      username: options.username,
      expiresAt: issued.expiresAt,
      missing: [],
    };
  } finally {
    http.close();
  }
}

/**
 * Authenticates and keeps the token. A profile whose public key never got registered (its sign-up
 * was cut short) is finished here: with the private key this machine holds, or a fresh key pair
 * and data key when it holds none (nothing can have been stored without a key).
 */
export async function logIn(
  options: AccountOptions & { username: string; password: string },
): Promise<SignedIn> {
  const http = new HttpClient(httpOptions(options));
  let issued;
  try {
    issued = await authenticate(http, { username: options.username, password: options.password });
  } finally {
    http.close();
  }
  const token = issued.authorizationToken;
  const authed = new HttpClient({ ...httpOptions(options), token: () => token });
  let profileId: string;
  let keyRegistered: boolean;
  try {
    ({ profileId } = await retrieveProfileId(authed));
    keyRegistered = await hasPublicKey(authed);
  } finally {
    authed.close();
  }
  await saveProfileSecrets(options.secrets, profileId, { authorizationToken: token });
  let secrets = await loadProfileSecrets(options.secrets, profileId);
  let publicKey: string | undefined;
  if (!keyRegistered) {
    if (secrets.privateKey) publicKey = signedPublicKeyFromPrivate(secrets.privateKey);
    else {
      const keys = generateProfileKeyPair();
      await saveProfileSecrets(options.secrets, profileId, { privateKey: keys.privateKey });
      publicKey = keys.publicKey;
    }
    if (!secrets.dataKey)
      await saveProfileSecrets(options.secrets, profileId, { dataKey: randomBytes(32) });
    secrets = await loadProfileSecrets(options.secrets, profileId);
  }
  const session = await openSession(options, token, secrets);
  if (publicKey) {
    const signed = publicKey;
    try {
      await session.run(() => registerPublicKey(session.http, { publicKey: signed }));
    } catch (error) {
      session.close();
      throw error;
    }
  }
  const missing: SignedIn['missing'] = [];
  if (!secrets.privateKey) missing.push('private-key');
  if (!secrets.dataKey) missing.push('data-key');
  return { session, profileId, username: options.username, expiresAt: issued.expiresAt, missing };
}

/** A session from the token and data key kept for the profile; `auth.missing_token` if none. */
export async function resumeSession(
  options: AccountOptions & { profileId: string; loaded?: ProfileSecrets },
): Promise<VaultSession> {
  // `loaded`: the profile's secrets, already read from options.secrets by the caller.
  const secrets = options.loaded ?? (await loadProfileSecrets(options.secrets, options.profileId));
  if (!secrets.authorizationToken) {
    throw new PrivicoreError({
      status: 401,
      reason: 'auth.missing_token',
      message: 'Not logged in on this machine.',
    });
  }
  return openSession(options, secrets.authorizationToken, secrets);
}

/** Revokes the session's token at the engine and forgets it; the keys stay (they guard the data). */
export async function logOut(
  session: VaultSession,
  secrets: SecretStore,
  profileId: string,
): Promise<void> {
  try {
    await revokeAuthorizationToken(session.http);
  } catch (error) {
    // Already dead is as good as revoked.
    if (!isPrivicoreError(error) || error.status !== 401) throw error;
  } finally {
    session.close();
    await deleteProfileSecret(secrets, profileId, 'authorization-token');
  }
}

function openSession(
  options: AccountOptions,
  authorizationToken: string,
  keys: { dataKey?: Buffer; privateKey?: string },
): Promise<VaultSession> {
  return VaultSession.open({
    apiUrl: options.apiUrl,
    ...(options.wsUrl ? { wsUrl: options.wsUrl } : {}),
    ...(options.tlsPin ? { tlsPin: options.tlsPin } : {}),
    authorizationToken,
    ...(keys.dataKey ? { dataKey: keys.dataKey } : {}),
    ...(keys.privateKey ? { profilePrivateKey: keys.privateKey } : {}),
    ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
  });
}

async function hasPublicKey(http: HttpClient): Promise<boolean> {
  try {
    await retrievePublicKey(http);
    return true;
  } catch (error) {
    if (isPrivicoreError(error, 'profile.public_key_required')) return false;
    throw error;
  }
}

function httpOptions(address: EngineAddress): { apiUrl: string; tlsPin?: string } {
  return { apiUrl: address.apiUrl, ...(address.tlsPin ? { tlsPin: address.tlsPin } : {}) };
}
