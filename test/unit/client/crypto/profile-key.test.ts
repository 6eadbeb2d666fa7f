import { createHash, diffieHellman } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  encodeSignedPublicKey,
  exportRawPublicKey,
  generateProfileKeyPair,
  importPrivateKey,
  importPublicKey,
  rawPublicKeyFromSigned,
  signedPublicKeyFromPrivate,
  verifySignedPublicKey,
} from '../../../../client/crypto/profile-key.ts';

interface ProfileKeyVectors {
  rfc7748: {
    alice: { privateKey: string; rawPublicKey: string };
    bob: { privateKey: string; rawPublicKey: string };
    sharedSecret: string;
  };
  valid: { name: string; privateKey: string; rawPublicKey: string; signedPublicKey: string }[];
  invalid: { name: string; signedPublicKey: string; fails: 'length' | 'hex' | 'tag' | 'digest' }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/profile-key.json', import.meta.url), 'utf8'),
) as ProfileKeyVectors;
const hex = (text: string): Buffer => Buffer.from(text, 'hex');

const REASONS = {
  length: /200 hex characters, got/,
  hex: /only hex characters/,
  tag: /starts with 31420500/,
  digest: /BLAKE2b-512/,
} as const;

describe('RFC 7748 §6.1', () => {
  // Written out here as well as in the vector file, so an edit to one of them cannot hide an error.
  const alice = {
    privateKey: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    rawPublicKey: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  };
  const bob = {
    privateKey: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
    rawPublicKey: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  };
  const sharedSecret = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

  it('the vector file carries the RFC values', () => {
    expect(vectors.rfc7748).toEqual({ alice, bob, sharedSecret });
  });

  it.each([
    ['Alice', alice],
    ['Bob', bob],
  ])("derives %s's public key from the raw private key", (_name, party) => {
    expect(
      rawPublicKeyFromSigned(signedPublicKeyFromPrivate(party.privateKey)).toString('hex'),
    ).toBe(party.rawPublicKey);
  });

  it('imports raw keys that agree on the shared secret', () => {
    const fromAlice = diffieHellman({
      privateKey: importPrivateKey(alice.privateKey),
      publicKey: importPublicKey(hex(bob.rawPublicKey)),
    });
    const fromBob = diffieHellman({
      privateKey: importPrivateKey(bob.privateKey),
      publicKey: importPublicKey(hex(alice.rawPublicKey)),
    });
    expect(fromAlice.toString('hex')).toBe(sharedSecret);
    expect(fromBob.toString('hex')).toBe(sharedSecret);
  });
});

describe('signed public key vectors (digest by Python hashlib.blake2b)', () => {
  it.each(vectors.valid)('$name: signedPublicKeyFromPrivate gives the vector', (v) => {
    expect(signedPublicKeyFromPrivate(v.privateKey)).toBe(v.signedPublicKey);
    expect(signedPublicKeyFromPrivate(v.privateKey.toUpperCase())).toBe(v.signedPublicKey);
    expect(encodeSignedPublicKey(hex(v.rawPublicKey))).toBe(v.signedPublicKey);
  });

  it.each(vectors.valid)('$name: verifies in either hex case', (v) => {
    for (const text of [v.signedPublicKey, v.signedPublicKey.toUpperCase()]) {
      const check = verifySignedPublicKey(text);
      expect(check.ok).toBe(true);
      if (check.ok) expect(check.rawPublicKey.toString('hex')).toBe(v.rawPublicKey);
    }
    expect(rawPublicKeyFromSigned(v.signedPublicKey).toString('hex')).toBe(v.rawPublicKey);
  });

  it.each(vectors.invalid)('$name: fails its $fails check', (v) => {
    const check = verifySignedPublicKey(v.signedPublicKey);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(REASONS[v.fails]);
    expect(() => rawPublicKeyFromSigned(v.signedPublicKey)).toThrow(
      expect.objectContaining({
        code: 'ERR_PROFILE_KEY',
        message: expect.stringMatching(REASONS[v.fails]),
      }),
    );
  });
});

describe('generateProfileKeyPair', () => {
  it('makes a 64-hex private key and the matching 200-hex signed public key', () => {
    const pair = generateProfileKeyPair();
    expect(pair.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(pair.publicKey).toMatch(/^31420500[0-9a-f]{192}$/);
    expect(verifySignedPublicKey(pair.publicKey).ok).toBe(true);
    expect(signedPublicKeyFromPrivate(pair.privateKey)).toBe(pair.publicKey);
  });

  it('lays the key out as tag, raw key, BLAKE2b-512 of both', () => {
    const bytes = hex(generateProfileKeyPair().publicKey);
    expect(bytes.length).toBe(100);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('31420500');
    expect(
      bytes.subarray(36).equals(createHash('blake2b512').update(bytes.subarray(0, 36)).digest()),
    ).toBe(true);
  });

  it('makes a different pair each time', () => {
    const a = generateProfileKeyPair();
    const b = generateProfileKeyPair();
    expect(a.privateKey).not.toBe(b.privateKey);
    expect(a.publicKey).not.toBe(b.publicKey);
  });
});

describe('raw key import and export', () => {
  it('round-trips a raw public key through a KeyObject', () => {
    const raw = hex(vectors.rfc7748.bob.rawPublicKey);
    expect(exportRawPublicKey(importPublicKey(raw)).equals(raw)).toBe(true);
  });

  it.each([
    ['too short', 'ab'.repeat(31)],
    ['too long', 'ab'.repeat(33)],
    ['not hex', 'zz'.repeat(32)],
    ['empty', ''],
  ])('refuses a private key that is %s', (_name, text) => {
    expect(() => importPrivateKey(text)).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_KEY' }),
    );
    expect(() => signedPublicKeyFromPrivate(text)).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_KEY' }),
    );
  });

  it('refuses a raw public key that is not 32 bytes', () => {
    expect(() => importPublicKey(Buffer.alloc(31))).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_KEY' }),
    );
    expect(() => encodeSignedPublicKey(Buffer.alloc(33))).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_KEY' }),
    );
  });
});
