// Data-key wrapping: hands the profile's 32-byte AES-256 data key to a newly approved device,
// sealed to that device's X25519 public key. An ECIES-style construction: X25519 (RFC 7748),
// HKDF-SHA256 (RFC 5869), AES-256-GCM (NIST SP 800-38D).
//
//   e, E    a fresh X25519 key pair for this one wrap (ephemeral)
//   R       the recipient's raw X25519 public key (from its signed public key, contract §1.7)
//   info    "privicore-vault/data-key-wrap/1"
//   shared  = X25519(e, R)
//   kek     = HKDF-SHA256(ikm = shared, salt = E ‖ R, info, 32 bytes)
//   sealed  = AES-256-GCM(kek, iv = 12 random bytes, aad = info, data key)
//             = 32-byte ciphertext ‖ 16-byte tag
//
//   wire:   "pkw1." b64u(E, 32 bytes) "." b64u(iv, 12 bytes) "." b64u(sealed, 48 bytes)
//           where b64u is base64url without padding (RFC 4648 §5)
//
// Both public keys go into the salt so the key-encryption key is bound to this exact sender and
// recipient pair (as in HPKE's kem_context, RFC 9180 §4.1), and the info string doubles as AAD so
// a payload made for another purpose under the same keys cannot pass as a wrapped data key.

import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import {
  exportRawPublicKey,
  importPrivateKey,
  importPublicKey,
  verifySignedPublicKey,
} from './profile-key.ts';

const PREFIX = 'pkw1';
const INFO = 'privicore-vault/data-key-wrap/1';
const AAD = Buffer.from(INFO, 'utf8');
const DATA_KEY_LENGTH = 32;
const PUBLIC_KEY_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type KeyWrapErrorCode = 'ERR_KEY_WRAP';

export class KeyWrapError extends Error {
  readonly code: KeyWrapErrorCode = 'ERR_KEY_WRAP';
  constructor(message: string) {
    super(message);
    this.name = 'KeyWrapError';
  }
}

export function wrapDataKey(dataKey: Buffer, recipientSignedPublicKey: string): string {
  if (dataKey.length !== DATA_KEY_LENGTH) {
    throw new KeyWrapError(`The data key is ${DATA_KEY_LENGTH} bytes, got ${dataKey.length}.`);
  }
  const check = verifySignedPublicKey(recipientSignedPublicKey);
  if (!check.ok) throw new KeyWrapError(`The device's public key is not usable: ${check.reason}`);
  const recipient = check.rawPublicKey;

  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = exportRawPublicKey(ephemeral.publicKey);
  const kek = deriveKek(
    ephemeral.privateKey,
    importPublicKey(recipient),
    ephemeralPublic,
    recipient,
  );
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(AAD);
  const sealed = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  const encoded = [ephemeralPublic, iv, sealed].map((part) => part.toString('base64url'));
  return [PREFIX, ...encoded].join('.');
}

export function unwrapDataKey(wrapped: string, recipientPrivateKeyHex: string): Buffer {
  const parts = wrapped.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) {
    throw new KeyWrapError(`A wrapped data key has the form ${PREFIX}.<key>.<iv>.<ciphertext>.`);
  }
  const ephemeralPublic = decodePart(parts[1], PUBLIC_KEY_LENGTH, 'ephemeral public key');
  const iv = decodePart(parts[2], IV_LENGTH, 'IV');
  const sealed = decodePart(parts[3], DATA_KEY_LENGTH + TAG_LENGTH, 'ciphertext');

  let privateKey: KeyObject;
  try {
    privateKey = importPrivateKey(recipientPrivateKeyHex);
  } catch {
    throw new KeyWrapError('The device private key is not 64 hex characters.');
  }
  const recipient = exportRawPublicKey(createPublicKey(privateKey));
  const kek = deriveKek(privateKey, importPublicKey(ephemeralPublic), ephemeralPublic, recipient);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv);
  decipher.setAAD(AAD);
  decipher.setAuthTag(sealed.subarray(DATA_KEY_LENGTH));
  const dataKey = decipher.update(sealed.subarray(0, DATA_KEY_LENGTH));
  try {
    decipher.final();
  } catch {
    throw new KeyWrapError(
      'The wrapped data key does not open with this private key ' +
        '(it is for another device, or altered).',
    );
  }
  return dataKey;
}

function deriveKek(
  privateKey: KeyObject,
  publicKey: KeyObject,
  ephemeralPublic: Buffer,
  recipient: Buffer,
): Buffer {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey });
  } catch {
    // OpenSSL refuses an all-zero X25519 result, which only a low-order (hostile) public key gives.
    throw new KeyWrapError('The key agreement failed: the public key is a low-order point.');
  }
  return Buffer.from(
    hkdfSync('sha256', shared, Buffer.concat([ephemeralPublic, recipient]), INFO, DATA_KEY_LENGTH),
  );
}

function decodePart(part: string | undefined, length: number, name: string): Buffer {
  if (part !== undefined && BASE64URL.test(part)) {
    const bytes = Buffer.from(part, 'base64url');
    if (bytes.length === length && bytes.toString('base64url') === part) return bytes;
  }
  throw new KeyWrapError(`The wrapped data key's ${name} is not ${length} bytes of base64url.`);
}
