// Profile and device keys: X25519 (RFC 7748) in the Privicore "signed public key" format
// (wire contract §1.7).
//
//   signed public key — 100 bytes, written as 200 lowercase hex characters
//     bytes  0..3    tag 31 42 05 00
//     bytes  4..35   raw X25519 public key (RFC 7748 §5: the 32-byte little-endian u-coordinate)
//     bytes 36..99   BLAKE2b-512 (RFC 7693, unkeyed, 64-byte output) over bytes 0..35
//
//   private key — 32 bytes, written as 64 hex characters: the raw X25519 scalar (RFC 7748 §5)
//
// Despite the contract's name the digest is unkeyed, so it proves nothing about who made the key:
// it only catches a key that was mistyped, truncated or pasted from another format. Trust in a
// device key comes from the owner approving the device, not from this format.
//
// node:crypto speaks X25519 only through DER-wrapped KeyObjects, so raw keys cross into it through
// the fixed PKCS #8 (RFC 5208) and SubjectPublicKeyInfo (RFC 5280) prefixes of RFC 8410, whose
// X25519 encodings differ only in the trailing 32 key bytes.

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

const TAG = Buffer.from([0x31, 0x42, 0x05, 0x00]);
const RAW_KEY_LENGTH = 32;
const DIGEST_LENGTH = 64;
const SIGNED_LENGTH = TAG.length + RAW_KEY_LENGTH + DIGEST_LENGTH;

// RFC 8410 §7: PrivateKeyInfo { version 0, AlgorithmIdentifier 1.3.101.110,
//   privateKey OCTET STRING { CurvePrivateKey OCTET STRING (32 bytes) } }
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
// RFC 8410 §4: SubjectPublicKeyInfo { AlgorithmIdentifier 1.3.101.110,
//   subjectPublicKey BIT STRING (0 unused bits, 32 bytes) }
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const HEX = /^[0-9a-fA-F]*$/;

export type ProfileKeyErrorCode = 'ERR_PROFILE_KEY';

export class ProfileKeyError extends Error {
  readonly code: ProfileKeyErrorCode = 'ERR_PROFILE_KEY';
  constructor(message: string) {
    super(message);
    this.name = 'ProfileKeyError';
  }
}

export interface ProfileKeyPair {
  /** 64 lowercase hex characters: the raw X25519 private key. */
  readonly privateKey: string;
  /** 200 lowercase hex characters: the signed public key. */
  readonly publicKey: string;
}

export type SignedPublicKeyCheck =
  { ok: true; rawPublicKey: Buffer } | { ok: false; reason: string };

export function generateProfileKeyPair(): ProfileKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    privateKey: exportRawPrivateKey(privateKey).toString('hex'),
    publicKey: encodeSignedPublicKey(exportRawPublicKey(publicKey)),
  };
}

export function signedPublicKeyFromPrivate(privateHex: string): string {
  return encodeSignedPublicKey(exportRawPublicKey(createPublicKey(importPrivateKey(privateHex))));
}

/** Wraps a raw 32-byte X25519 public key in the signed format (lowercase hex). */
export function encodeSignedPublicKey(rawPublicKey: Buffer): string {
  if (rawPublicKey.length !== RAW_KEY_LENGTH) {
    throw new ProfileKeyError(
      `An X25519 public key is ${RAW_KEY_LENGTH} bytes, got ${rawPublicKey.length}.`,
    );
  }
  const body = Buffer.concat([TAG, rawPublicKey]);
  return Buffer.concat([body, digest(body)]).toString('hex');
}

/** Checks length, hex, tag and digest, as the engine does; either hex case is accepted. */
export function verifySignedPublicKey(hex: string): SignedPublicKeyCheck {
  if (hex.length !== SIGNED_LENGTH * 2) {
    return {
      ok: false,
      reason: `A signed public key is ${SIGNED_LENGTH * 2} hex characters, got ${hex.length}.`,
    };
  }
  if (!HEX.test(hex)) {
    return { ok: false, reason: 'A signed public key must contain only hex characters.' };
  }
  const bytes = Buffer.from(hex, 'hex');
  const body = bytes.subarray(0, TAG.length + RAW_KEY_LENGTH);
  if (!bytes.subarray(0, TAG.length).equals(TAG)) {
    return { ok: false, reason: `A signed public key starts with ${TAG.toString('hex')}.` };
  }
  // The digest is over public data, so a plain comparison leaks nothing worth a constant-time one.
  if (!bytes.subarray(body.length).equals(digest(body))) {
    return {
      ok: false,
      reason: 'The signed public key fails its BLAKE2b-512 check (it is altered or mistyped).',
    };
  }
  return { ok: true, rawPublicKey: Buffer.from(bytes.subarray(TAG.length, body.length)) };
}

export function rawPublicKeyFromSigned(hex: string): Buffer {
  const check = verifySignedPublicKey(hex);
  if (!check.ok) throw new ProfileKeyError(check.reason);
  return check.rawPublicKey;
}

/** Turns a 64-hex raw X25519 private key (either case) into a KeyObject. */
export function importPrivateKey(privateHex: string): KeyObject {
  if (privateHex.length !== RAW_KEY_LENGTH * 2 || !HEX.test(privateHex)) {
    throw new ProfileKeyError(`An X25519 private key is ${RAW_KEY_LENGTH * 2} hex characters.`);
  }
  const der = Buffer.concat([PKCS8_PREFIX, Buffer.from(privateHex, 'hex')]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** Turns a raw 32-byte X25519 public key into a KeyObject. */
export function importPublicKey(rawPublicKey: Buffer): KeyObject {
  if (rawPublicKey.length !== RAW_KEY_LENGTH) {
    throw new ProfileKeyError(
      `An X25519 public key is ${RAW_KEY_LENGTH} bytes, got ${rawPublicKey.length}.`,
    );
  }
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, rawPublicKey]),
    format: 'der',
    type: 'spki',
  });
}

export function exportRawPublicKey(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-RAW_KEY_LENGTH);
}

function exportRawPrivateKey(privateKey: KeyObject): Buffer {
  return privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-RAW_KEY_LENGTH);
}

function digest(body: Buffer): Buffer {
  return createHash('blake2b512').update(body).digest();
}
