import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/*
 * Contract §1.7 signed public key: 100 bytes as 200 lowercase hex characters.
 *   bytes 0–3    tag 31 42 05 00
 *   bytes 4–35   X25519 public key (RFC 7748)
 *   bytes 36–99  unkeyed BLAKE2b-512 over bytes 0–35
 * Private keys are the 32 raw X25519 bytes as 64 hex characters.
 */
const TAG = Buffer.from([0x31, 0x42, 0x05, 0x00]);
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export function signPublicKey(raw: Buffer): string {
  const head = Buffer.concat([TAG, raw]);
  const digest = createHash('blake2b512').update(head).digest();
  return Buffer.concat([head, digest]).toString('hex');
}

export function checkSignedPublicKey(value: string): string | undefined {
  if (value.length !== 200) return 'must be 200 hexadecimal characters';
  if (!/^[0-9a-fA-F]{200}$/.test(value)) return 'must be hexadecimal';
  const bytes = Buffer.from(value, 'hex');
  if (!bytes.subarray(0, 4).equals(TAG)) return 'has an unknown key tag';
  const digest = createHash('blake2b512').update(bytes.subarray(0, 36)).digest();
  if (!digest.equals(bytes.subarray(36))) return 'has a digest that does not match the key';
  return undefined;
}

export function rawPublicKey(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
}

export function privateKeyFromHex(hex: string): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_X25519_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
}

export function generateSignedKeyPair(): { private: string; public: string } {
  const { privateKey } = generateKeyPairSync('x25519');
  const rawPrivate = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  return { private: rawPrivate.toString('hex'), public: signPublicKey(rawPublicKey(privateKey)) };
}
