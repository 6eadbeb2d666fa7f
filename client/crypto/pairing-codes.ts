// What two devices compute to know they are talking to each other and not to someone in between
// (DESIGN "Devices and approval"): the profile key's fingerprint, the QR pairing proof and
// verification code, and the approval exchange's commitment and verification code.
// SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104). Byte strings are concatenated; `id` is the
// device identifier as UTF-8 followed by one 0x00 byte; keys are raw 32-byte X25519 public keys.
//
//   fingerprint(S)      = b64u(SHA-256("privicore-vault/profile-key-fingerprint/1" 0x00 ‖ S)[0..16))
//
// QR pairing. The owner's pairing code carries a one-time secret k (16 random bytes) and
// fingerprint(S); the engine never sees either. The joining device, with key R, writes into its
// own meta
//   proof               = b64u(HMAC-SHA256(k, "privicore-vault/pairing-proof/1" 0x00 ‖ id ‖ R ‖ f))
//   where f = the 16 fingerprint bytes. Both screens show
//   qrCode              = digits(HMAC-SHA256(k, "privicore-vault/pairing-code/1" 0x00 ‖ id ‖ R ‖ f))
//
// Approval (no code to scan). A short code over public keys alone can be ground: whoever sits in
// between tries keys until one gives the same six digits. So each side commits before it sees
// the other's random value, as in ZRTP (RFC 6189 §4.4.1.1): the joining device publishes
//   commit              = b64u(SHA-256("privicore-vault/approval-commit/1" 0x00 ‖ id ‖ R ‖ n_d))
// with its key; an owner's device answers with n_o (32 bytes, unpredictable without the profile's
// private key s, and the same on every device of the owner, so a second try or a second owner
// computer answers alike)
//   n_o                 = HMAC-SHA256(s, "privicore-vault/approval-nonce/1" 0x00 ‖ id ‖ commit)
// only then does the joining device reveal n_d (32 bytes), and both show
//   approvalCode        = digits(SHA-256("privicore-vault/approval-code/1" 0x00 ‖ id ‖ R ‖ S ‖ n_d ‖ n_o))
// A man in the middle has fixed its own values before learning the other side's, so the two
// codes match by chance only (one in a million).
//
//   digits(h)           = the first 4 bytes of h as an unsigned big-endian integer, mod 10^6,
//                         zero-padded to 6 digits and written "123 456"

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { rawPublicKeyFromSigned } from './profile-key.ts';

const FINGERPRINT_LENGTH = 16;
const SECRET_LENGTH = 16;
const NONCE_LENGTH = 32;

const label = (name: string) => Buffer.from(`privicore-vault/${name}\0`, 'utf8');
const idBytes = (deviceId: string) => Buffer.from(`${deviceId}\0`, 'utf8');

/** A raw 32-byte key, or a signed public key (200 hex) to take it from. */
export type PublicKeyInput = Buffer | string;

function raw(key: PublicKeyInput): Buffer {
  return typeof key === 'string' ? rawPublicKeyFromSigned(key) : key;
}

export function profileKeyFingerprint(profileKey: PublicKeyInput): string {
  return createHash('sha256')
    .update(Buffer.concat([label('profile-key-fingerprint/1'), raw(profileKey)]))
    .digest()
    .subarray(0, FINGERPRINT_LENGTH)
    .toString('base64url');
}

/** A one-time pairing secret, base64url (22 characters, 128 bits). */
export function newPairingSecret(): string {
  return randomBytes(SECRET_LENGTH).toString('base64url');
}

/** A 32-byte random value of the approval exchange, base64url. */
export function newApprovalNonce(): string {
  return randomBytes(NONCE_LENGTH).toString('base64url');
}

export function isPairingSecret(text: string): boolean {
  return decodes(text, SECRET_LENGTH);
}

export function isFingerprint(text: string): boolean {
  return decodes(text, FINGERPRINT_LENGTH);
}

export function isApprovalValue(text: string): boolean {
  return decodes(text, NONCE_LENGTH);
}

function decodes(text: string, length: number): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return false;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === length && bytes.toString('base64url') === text;
}

function qrMac(
  name: string,
  secret: string,
  deviceId: string,
  deviceKey: PublicKeyInput,
  fingerprint: string,
): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'base64url'))
    .update(
      Buffer.concat([
        label(name),
        idBytes(deviceId),
        raw(deviceKey),
        Buffer.from(fingerprint, 'base64url'),
      ]),
    )
    .digest();
}

/** The joining device's proof that it scanned the code with this secret and fingerprint. */
export function pairingProof(
  secret: string,
  deviceId: string,
  deviceKey: PublicKeyInput,
  fingerprint: string,
): string {
  return qrMac('pairing-proof/1', secret, deviceId, deviceKey, fingerprint).toString('base64url');
}

export function verifyPairingProof(
  proof: string,
  secret: string,
  deviceId: string,
  deviceKey: PublicKeyInput,
  fingerprint: string,
): boolean {
  const expected = qrMac('pairing-proof/1', secret, deviceId, deviceKey, fingerprint);
  const given = Buffer.from(proof, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The code both screens show after a QR pairing. */
export function pairingVerificationCode(
  secret: string,
  deviceId: string,
  deviceKey: PublicKeyInput,
  fingerprint: string,
): string {
  return digits(qrMac('pairing-code/1', secret, deviceId, deviceKey, fingerprint));
}

export function approvalCommitment(
  deviceId: string,
  deviceKey: PublicKeyInput,
  deviceNonce: string,
): string {
  return createHash('sha256')
    .update(
      Buffer.concat([
        label('approval-commit/1'),
        idBytes(deviceId),
        raw(deviceKey),
        Buffer.from(deviceNonce, 'base64url'),
      ]),
    )
    .digest()
    .toString('base64url');
}

/** An owner's answer to a commitment (see above): deterministic for the owner, unpredictable to others. */
export function approvalOwnerNonce(
  profilePrivateKey: string,
  deviceId: string,
  commitment: string,
): string {
  return createHmac('sha256', Buffer.from(profilePrivateKey, 'hex'))
    .update(
      Buffer.concat([
        label('approval-nonce/1'),
        idBytes(deviceId),
        Buffer.from(commitment, 'base64url'),
      ]),
    )
    .digest()
    .toString('base64url');
}

/** The code both screens show in the approval exchange. */
export function approvalVerificationCode(
  deviceId: string,
  deviceKey: PublicKeyInput,
  profileKey: PublicKeyInput,
  deviceNonce: string,
  ownerNonce: string,
): string {
  return digits(
    createHash('sha256')
      .update(
        Buffer.concat([
          label('approval-code/1'),
          idBytes(deviceId),
          raw(deviceKey),
          raw(profileKey),
          Buffer.from(deviceNonce, 'base64url'),
          Buffer.from(ownerNonce, 'base64url'),
        ]),
      )
      .digest(),
  );
}

function digits(hash: Buffer): string {
  const value = (hash.readUInt32BE(0) % 1_000_000).toString().padStart(6, '0');
  return `${value.slice(0, 3)} ${value.slice(3)}`;
}
