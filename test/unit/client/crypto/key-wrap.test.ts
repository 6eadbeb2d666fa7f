import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unwrapDataKey, wrapDataKey } from '../../../../client/crypto/key-wrap.ts';
import {
  generateProfileKeyPair,
  signedPublicKeyFromPrivate,
} from '../../../../client/crypto/profile-key.ts';

interface KeyWrapVector {
  name: string;
  dataKey: string;
  ephemeralPrivateKey: string;
  iv: string;
  recipientPrivateKey: string;
  recipientSignedPublicKey: string;
  wrapped: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../../../vectors/key-wrap.json', import.meta.url), 'utf8'),
) as {
  vectors: KeyWrapVector[];
};
const KEY_WRAP_ERROR = { code: 'ERR_KEY_WRAP', name: 'KeyWrapError' };
const FORMAT = /^pkw1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{64}$/;

function replacePart(wrapped: string, index: number, value: string): string {
  const parts = wrapped.split('.');
  parts[index] = value;
  return parts.join('.');
}

function flipPartBit(wrapped: string, index: number, byte: number): string {
  const bytes = Buffer.from(wrapped.split('.')[index] ?? '', 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return replacePart(wrapped, index, bytes.toString('base64url'));
}

describe('key wrap vectors (wrapped by Python pyca/cryptography)', () => {
  it.each(vectors)('$name: unwraps with the recipient private key', (v) => {
    expect(v.wrapped).toMatch(FORMAT);
    expect(unwrapDataKey(v.wrapped, v.recipientPrivateKey).toString('hex')).toBe(v.dataKey);
    expect(unwrapDataKey(v.wrapped, v.recipientPrivateKey.toUpperCase()).toString('hex')).toBe(
      v.dataKey,
    );
  });

  it.each(vectors)(
    '$name: the recipient key in the vector is the one its private key gives',
    (v) => {
      expect(signedPublicKeyFromPrivate(v.recipientPrivateKey)).toBe(v.recipientSignedPublicKey);
    },
  );

  it.each(vectors)('$name: does not unwrap with the sender (ephemeral) private key', (v) => {
    expect(() => unwrapDataKey(v.wrapped, v.ephemeralPrivateKey)).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });
});

describe('wrapDataKey and unwrapDataKey', () => {
  const device = generateProfileKeyPair();
  const dataKey = randomBytes(32);

  it('round-trips a data key to a device key', () => {
    const wrapped = wrapDataKey(dataKey, device.publicKey);
    expect(wrapped).toMatch(FORMAT);
    expect(unwrapDataKey(wrapped, device.privateKey).equals(dataKey)).toBe(true);
  });

  it('accepts the signed public key in uppercase', () => {
    expect(
      unwrapDataKey(wrapDataKey(dataKey, device.publicKey.toUpperCase()), device.privateKey).equals(
        dataKey,
      ),
    ).toBe(true);
  });

  it('uses a fresh ephemeral key and IV each time', () => {
    const [, keyA, ivA] = wrapDataKey(dataKey, device.publicKey).split('.');
    const [, keyB, ivB] = wrapDataKey(dataKey, device.publicKey).split('.');
    expect(keyA).not.toBe(keyB);
    expect(ivA).not.toBe(ivB);
  });

  it('fails with another private key', () => {
    const wrapped = wrapDataKey(dataKey, device.publicKey);
    expect(() => unwrapDataKey(wrapped, generateProfileKeyPair().privateKey)).toThrow(
      expect.objectContaining({
        ...KEY_WRAP_ERROR,
        message: expect.stringMatching(/another device/),
      }),
    );
  });

  it('fails when the ephemeral key was swapped for another valid key', () => {
    const wrapped = wrapDataKey(dataKey, device.publicKey);
    const other = wrapDataKey(dataKey, device.publicKey).split('.')[1] ?? '';
    expect(() => unwrapDataKey(replacePart(wrapped, 1, other), device.privateKey)).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });

  it.each([
    ['ephemeral key', 1, 5],
    ['IV', 2, 0],
    ['ciphertext', 3, 0],
    ['tag', 3, 47],
  ] as const)('fails when a bit of the %s is flipped', (_name, part, byte) => {
    const wrapped = wrapDataKey(dataKey, device.publicKey);
    expect(() => unwrapDataKey(flipPartBit(wrapped, part, byte), device.privateKey)).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });

  it('fails on a low-order ephemeral key instead of deriving from an all-zero secret', () => {
    const wrapped = replacePart(
      wrapDataKey(dataKey, device.publicKey),
      1,
      Buffer.alloc(32).toString('base64url'),
    );
    expect(() => unwrapDataKey(wrapped, device.privateKey)).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });

  it.each([
    ['empty', () => ''],
    ['another version', (w: string) => w.replace(/^pkw1/, 'pkw2')],
    ['three parts', (w: string) => w.split('.').slice(0, 3).join('.')],
    ['five parts', (w: string) => `${w}.AAAA`],
    ['standard base64 characters', (w: string) => replacePart(w, 2, 'AAAAAAAAAAAAAAA+')],
    ['base64 padding', (w: string) => `${w}==`],
    ['an empty part', (w: string) => replacePart(w, 2, '')],
    ['a short IV', (w: string) => replacePart(w, 2, randomBytes(11).toString('base64url'))],
    [
      'a short ephemeral key',
      (w: string) => replacePart(w, 1, randomBytes(31).toString('base64url')),
    ],
    ['a short ciphertext', (w: string) => replacePart(w, 3, randomBytes(47).toString('base64url'))],
    ['whitespace', (w: string) => ` ${w}`],
  ])('refuses a malformed payload: %s', (_name, make) => {
    const wrapped = make(wrapDataKey(dataKey, device.publicKey));
    expect(() => unwrapDataKey(wrapped, device.privateKey)).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });

  it('refuses a malformed private key', () => {
    const wrapped = wrapDataKey(dataKey, device.publicKey);
    expect(() => unwrapDataKey(wrapped, device.privateKey.slice(1))).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });

  it('refuses a recipient key that fails its signed-format check', () => {
    const altered = `${device.publicKey.slice(0, -1)}${device.publicKey.endsWith('0') ? '1' : '0'}`;
    expect(() => wrapDataKey(dataKey, altered)).toThrow(
      expect.objectContaining({ ...KEY_WRAP_ERROR, message: expect.stringMatching(/BLAKE2b/) }),
    );
    expect(() => wrapDataKey(dataKey, device.publicKey.slice(8))).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });

  it('refuses a data key that is not 32 bytes', () => {
    expect(() => wrapDataKey(randomBytes(16), device.publicKey)).toThrow(
      expect.objectContaining(KEY_WRAP_ERROR),
    );
  });
});
