// Data-key wrapping, format 2: hands the profile's keys to a newly approved device, sealed to
// that device's X25519 public key and authenticated by the profile's own key pair, the idea of
// HPKE's Auth mode (RFC 9180 §5.1.3): a static-static agreement between the profile key and the
// device key goes into the key derivation beside the ephemeral one, so only a holder of the
// profile's private key can make a wrap that opens. X25519 (RFC 7748), HKDF-SHA256 (RFC 5869),
// HMAC-SHA256 (RFC 2104), AES-256-GCM (NIST SP 800-38D).
//
//   S, s    the profile's key pair (the sender)
//   e, E    a fresh X25519 key pair for this one wrap (ephemeral)
//   R, r    the recipient device's key pair (R from its signed public key, contract §1.7)
//   info    "privicore-vault/data-key-wrap/2"
//   ikm     = X25519(e, R) ‖ X25519(s, R)                  (receiver: X25519(r, E) ‖ X25519(r, S))
//   kek     = HKDF-SHA256(ikm, salt = E ‖ R ‖ S, info, 32 bytes)
//   kcv     = HMAC-SHA256(key = data key, "privicore-vault/data-key-check/1"), first 16 bytes
//   sealed  = AES-256-GCM(kek, iv = 12 random bytes, aad = info ‖ kcv,
//                         data key (32) ‖ s (32)) = 64-byte ciphertext ‖ 16-byte tag
//
//   wire:   "pkw2." b64u(S, 32) "." b64u(E, 32) "." b64u(kcv, 16) "." b64u(iv, 12) "."
//           b64u(sealed, 80)         where b64u is base64url without padding (RFC 4648 §5)
//
// The receiver accepts a wrap only when S is the profile key it expects (the fingerprint of the
// pairing code, or the key its verification code was computed from), the tag verifies, s is the
// private half of S, and the data key matches the key-check value. The profile's private key
// travels with the data key because an approved computer acts as the owner (contract §1.4) and
// must be able to approve the next device in turn; it gives nothing the data key does not.
//
// Format 1 ("pkw1.", ephemeral-static only) is refused: anyone with a token of the profile could
// make one, so a device could be handed a data key of an attacker's choosing.

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { profileKeyFingerprint } from './pairing-codes.ts';
import {
  exportRawPublicKey,
  importPrivateKey,
  importPublicKey,
  verifySignedPublicKey,
} from './profile-key.ts';

const PREFIX = 'pkw2';
const INFO = 'privicore-vault/data-key-wrap/2';
const KCV_LABEL = 'privicore-vault/data-key-check/1';
const KEY_LENGTH = 32;
const KCV_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type KeyWrapErrorCode = 'ERR_KEY_WRAP';

/** Why a wrap was refused, for callers that word it: see KeyWrapError.problem. */
export type KeyWrapProblem =
  'malformed' | 'old-format' | 'wrong-profile' | 'not-for-this-device' | 'inconsistent';

export class KeyWrapError extends Error {
  readonly code: KeyWrapErrorCode = 'ERR_KEY_WRAP';
  constructor(
    readonly problem: KeyWrapProblem,
    message: string,
  ) {
    super(message);
    this.name = 'KeyWrapError';
  }
}

/** The keys a wrap carries. */
export interface WrappedKeys {
  /** The profile's AES-256 data key, 32 bytes. */
  dataKey: Buffer;
  /** The profile's X25519 private key, 64 lowercase hex. */
  profilePrivateKey: string;
}

/** The profile key the receiver trusts: its fingerprint (pairing code) or the signed key itself. */
export type ExpectedProfileKey = { fingerprint: string } | { signedPublicKey: string };

/** The data key's check value (16 bytes): tells whether two keys are the same without showing either. */
export function dataKeyCheckValue(dataKey: Buffer): Buffer {
  if (dataKey.length !== KEY_LENGTH)
    throw new RangeError(`The data key is ${KEY_LENGTH} bytes, got ${dataKey.length}.`);
  return createHmac('sha256', dataKey).update(KCV_LABEL, 'utf8').digest().subarray(0, KCV_LENGTH);
}

/** The key-check value a wrap announces, or undefined for anything that is not a format-2 wrap. */
export function wrappedCheckValue(wrapped: string): Buffer | undefined {
  const parts = wrapped.split('.');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  try {
    return decodePart(parts[3], KCV_LENGTH, 'key-check value');
  } catch {
    return undefined;
  }
}

/** Wraps the profile's keys to a device; `profilePrivateKey` authenticates the wrap. */
export function wrapDataKey(
  keys: WrappedKeys,
  recipientSignedPublicKey: string,
  options: { ephemeralPrivateKey?: string; iv?: Buffer } = {},
): string {
  if (keys.dataKey.length !== KEY_LENGTH) {
    throw new RangeError(`The data key is ${KEY_LENGTH} bytes, got ${keys.dataKey.length}.`);
  }
  const check = verifySignedPublicKey(recipientSignedPublicKey);
  if (!check.ok)
    throw new KeyWrapError('malformed', `The device's public key is not usable: ${check.reason}`);
  const recipient = check.rawPublicKey;
  const profile = importPrivateKey(keys.profilePrivateKey);
  const profilePublic = exportRawPublicKey(createPublicKey(profile));
  const ephemeral = options.ephemeralPrivateKey
    ? importPrivateKey(options.ephemeralPrivateKey)
    : generateKeyPairSync('x25519').privateKey;
  const ephemeralPublic = exportRawPublicKey(createPublicKey(ephemeral));

  const recipientKey = importPublicKey(recipient);
  const kek = deriveKek(
    [agree(ephemeral, recipientKey), agree(profile, recipientKey)],
    ephemeralPublic,
    recipient,
    profilePublic,
  );
  const kcv = dataKeyCheckValue(keys.dataKey);
  const iv = options.iv ?? randomBytes(IV_LENGTH);
  if (iv.length !== IV_LENGTH) throw new RangeError(`The IV is ${IV_LENGTH} bytes.`);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.concat([Buffer.from(INFO, 'utf8'), kcv]));
  const plaintext = Buffer.concat([keys.dataKey, Buffer.from(keys.profilePrivateKey, 'hex')]);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  return [PREFIX, ...[profilePublic, ephemeralPublic, kcv, iv, sealed].map(b64u)].join('.');
}

/**
 * Opens a wrap made for this device by the expected profile key; throws KeyWrapError (with its
 * problem) for anything else. Nothing from a refused wrap may be used.
 */
export function unwrapDataKey(
  wrapped: string,
  recipientPrivateKeyHex: string,
  expected: ExpectedProfileKey,
): WrappedKeys {
  if (wrapped.startsWith('pkw1.')) {
    throw new KeyWrapError(
      'old-format',
      'The vault key was shared in the old format, which anyone with a sign-in could imitate, so it is not accepted. Ask for the key again from an up-to-date app.',
    );
  }
  const parts = wrapped.split('.');
  if (parts.length !== 6 || parts[0] !== PREFIX) {
    throw new KeyWrapError(
      'malformed',
      `A wrapped data key has the form ${PREFIX}.<profile key>.<key>.<check>.<iv>.<ciphertext>.`,
    );
  }
  const profilePublic = decodePart(parts[1], KEY_LENGTH, 'profile public key');
  const ephemeralPublic = decodePart(parts[2], KEY_LENGTH, 'ephemeral public key');
  const kcv = decodePart(parts[3], KCV_LENGTH, 'key-check value');
  const iv = decodePart(parts[4], IV_LENGTH, 'IV');
  const sealed = decodePart(parts[5], 2 * KEY_LENGTH + TAG_LENGTH, 'ciphertext');

  if (!isExpectedProfileKey(profilePublic, expected)) {
    throw new KeyWrapError(
      'wrong-profile',
      "The vault key was not shared by this vault's owner (the account key does not match the one this device was shown), so it is refused.",
    );
  }

  let privateKey: KeyObject;
  try {
    privateKey = importPrivateKey(recipientPrivateKeyHex);
  } catch {
    throw new KeyWrapError('malformed', 'The device private key is not 64 hex characters.');
  }
  const recipient = exportRawPublicKey(createPublicKey(privateKey));
  const kek = deriveKek(
    [
      agree(privateKey, importPublicKey(ephemeralPublic)),
      agree(privateKey, importPublicKey(profilePublic)),
    ],
    ephemeralPublic,
    recipient,
    profilePublic,
  );
  const decipher = createDecipheriv('aes-256-gcm', kek, iv);
  decipher.setAAD(Buffer.concat([Buffer.from(INFO, 'utf8'), kcv]));
  decipher.setAuthTag(sealed.subarray(2 * KEY_LENGTH));
  const plaintext = decipher.update(sealed.subarray(0, 2 * KEY_LENGTH));
  try {
    decipher.final();
  } catch {
    plaintext.fill(0);
    throw new KeyWrapError(
      'not-for-this-device',
      'The wrapped vault key does not open here: it was made for another device, by someone without the account key, or it was altered.',
    );
  }
  const dataKey = Buffer.from(plaintext.subarray(0, KEY_LENGTH));
  const profilePrivateKey = plaintext.subarray(KEY_LENGTH).toString('hex');
  plaintext.fill(0);
  const derived = exportRawPublicKey(createPublicKey(importPrivateKey(profilePrivateKey)));
  if (!derived.equals(profilePublic) || !timingSafeEqual(dataKeyCheckValue(dataKey), kcv)) {
    throw new KeyWrapError(
      'inconsistent',
      'The wrapped vault key fails its checks (its key-check value or account key does not match), so it is refused.',
    );
  }
  return { dataKey, profilePrivateKey };
}

function isExpectedProfileKey(raw: Buffer, expected: ExpectedProfileKey): boolean {
  if ('fingerprint' in expected) return profileKeyFingerprint(raw) === expected.fingerprint;
  const check = verifySignedPublicKey(expected.signedPublicKey);
  return check.ok && check.rawPublicKey.equals(raw);
}

function agree(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  try {
    return diffieHellman({ privateKey, publicKey });
  } catch {
    // OpenSSL refuses an all-zero X25519 result, which only a low-order (hostile) public key gives.
    throw new KeyWrapError(
      'malformed',
      'The key agreement failed: a public key is a low-order point.',
    );
  }
}

function deriveKek(
  shared: Buffer[],
  ephemeralPublic: Buffer,
  recipient: Buffer,
  profilePublic: Buffer,
): Buffer {
  const ikm = Buffer.concat(shared);
  const kek = Buffer.from(
    hkdfSync(
      'sha256',
      ikm,
      Buffer.concat([ephemeralPublic, recipient, profilePublic]),
      INFO,
      KEY_LENGTH,
    ),
  );
  ikm.fill(0);
  return kek;
}

function b64u(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function decodePart(part: string | undefined, length: number, name: string): Buffer {
  if (part !== undefined && BASE64URL.test(part)) {
    const bytes = Buffer.from(part, 'base64url');
    if (bytes.length === length && bytes.toString('base64url') === part) return bytes;
  }
  throw new KeyWrapError(
    'malformed',
    `The wrapped data key's ${name} is not ${length} bytes of base64url.`,
  );
}
