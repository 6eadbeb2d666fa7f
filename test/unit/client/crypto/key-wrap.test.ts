import {
  createCipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dataKeyCheckValue,
  unwrapDataKey,
  wrapDataKey,
  wrappedCheckValue,
} from '../../../../client/crypto/key-wrap.ts';
import { profileKeyFingerprint } from '../../../../client/crypto/pairing-codes.ts';
import {
  exportRawPublicKey,
  generateProfileKeyPair,
  importPublicKey,
  rawPublicKeyFromSigned,
  signedPublicKeyFromPrivate,
} from '../../../../client/crypto/profile-key.ts';

interface KeyWrapVector {
  name: string;
  dataKey: string;
  profilePrivateKey: string;
  profileSignedPublicKey: string;
  profileKeyFingerprint: string;
  ephemeralPrivateKey: string;
  iv: string;
  recipientPrivateKey: string;
  recipientSignedPublicKey: string;
  keyCheckValue: string;
  wrapped: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../../../vectors/key-wrap.json', import.meta.url), 'utf8'),
) as { vectors: KeyWrapVector[] };
const FORMAT =
  /^pkw2\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{107}$/;
const refused = (problem: string) =>
  expect.objectContaining({ code: 'ERR_KEY_WRAP', name: 'KeyWrapError', problem });

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

describe('key wrap vectors (made by pure-Python X25519, HKDF and AES-GCM)', () => {
  it.each(vectors)(
    '$name: wrapDataKey with the fixed ephemeral key and IV gives the vector',
    (v) => {
      expect(v.wrapped).toMatch(FORMAT);
      const wrapped = wrapDataKey(
        { dataKey: Buffer.from(v.dataKey, 'hex'), profilePrivateKey: v.profilePrivateKey },
        v.recipientSignedPublicKey,
        { ephemeralPrivateKey: v.ephemeralPrivateKey, iv: Buffer.from(v.iv, 'hex') },
      );
      expect(wrapped).toBe(v.wrapped);
    },
  );

  it.each(vectors)('$name: unwraps with the device key, by fingerprint or by key', (v) => {
    for (const expected of [
      { fingerprint: v.profileKeyFingerprint },
      { signedPublicKey: v.profileSignedPublicKey },
    ]) {
      const keys = unwrapDataKey(v.wrapped, v.recipientPrivateKey, expected);
      expect(keys.dataKey.toString('hex')).toBe(v.dataKey);
      expect(keys.profilePrivateKey).toBe(v.profilePrivateKey);
    }
  });

  it.each(vectors)('$name: key check value and fingerprint', (v) => {
    expect(dataKeyCheckValue(Buffer.from(v.dataKey, 'hex')).toString('hex')).toBe(v.keyCheckValue);
    expect(wrappedCheckValue(v.wrapped)?.toString('hex')).toBe(v.keyCheckValue);
    expect(profileKeyFingerprint(v.profileSignedPublicKey)).toBe(v.profileKeyFingerprint);
    expect(signedPublicKeyFromPrivate(v.profilePrivateKey)).toBe(v.profileSignedPublicKey);
  });
});

describe('wrapDataKey and unwrapDataKey', () => {
  const profile = generateProfileKeyPair();
  const device = generateProfileKeyPair();
  const dataKey = randomBytes(32);
  const keys = { dataKey, profilePrivateKey: profile.privateKey };
  const byKey = { signedPublicKey: profile.publicKey };

  it('round-trips both keys to a device key', () => {
    const wrapped = wrapDataKey(keys, device.publicKey);
    expect(wrapped).toMatch(FORMAT);
    const opened = unwrapDataKey(wrapped, device.privateKey, byKey);
    expect(opened.dataKey.equals(dataKey)).toBe(true);
    expect(opened.profilePrivateKey).toBe(profile.privateKey);
    expect(
      unwrapDataKey(wrapped, device.privateKey, {
        fingerprint: profileKeyFingerprint(profile.publicKey),
      }).dataKey.equals(dataKey),
    ).toBe(true);
  });

  it('uses a fresh ephemeral key and IV each time', () => {
    const a = wrapDataKey(keys, device.publicKey).split('.');
    const b = wrapDataKey(keys, device.publicKey).split('.');
    expect(a[2]).not.toBe(b[2]);
    expect(a[4]).not.toBe(b[4]);
  });

  it('refuses a wrap by another profile key, named by fingerprint or key', () => {
    const stranger = generateProfileKeyPair();
    const wrapped = wrapDataKey(
      { dataKey, profilePrivateKey: stranger.privateKey },
      device.publicKey,
    );
    expect(() => unwrapDataKey(wrapped, device.privateKey, byKey)).toThrow(
      refused('wrong-profile'),
    );
    expect(() =>
      unwrapDataKey(wrapped, device.privateKey, {
        fingerprint: profileKeyFingerprint(profile.publicKey),
      }),
    ).toThrow(refused('wrong-profile'));
  });

  it('refuses a forgery that names the right profile key without its private half', () => {
    // What a token holder can make: the real profile public key in the header, an
    // ephemeral-static agreement only (as format 1 did), and a data key of its choosing.
    const planted = randomBytes(32);
    const e = generateKeyPairSync('x25519');
    const E = exportRawPublicKey(e.publicKey);
    const R = rawPublicKeyFromSigned(device.publicKey);
    const S = rawPublicKeyFromSigned(profile.publicKey);
    const dh = diffieHellman({ privateKey: e.privateKey, publicKey: importPublicKey(R) });
    const kek = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.concat([dh, dh]),
        Buffer.concat([E, R, S]),
        'privicore-vault/data-key-wrap/2',
        32,
      ),
    );
    const kcv = dataKeyCheckValue(planted);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    cipher.setAAD(Buffer.concat([Buffer.from('privicore-vault/data-key-wrap/2'), kcv]));
    const sealed = Buffer.concat([
      cipher.update(Buffer.concat([planted, randomBytes(32)])),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const forged = ['pkw2', ...[S, E, kcv, iv, sealed].map((b) => b.toString('base64url'))].join(
      '.',
    );
    expect(() => unwrapDataKey(forged, device.privateKey, byKey)).toThrow(
      refused('not-for-this-device'),
    );
  });

  it('refuses a format-1 wrap outright', () => {
    expect(() =>
      unwrapDataKey(
        'pkw1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.AAAA',
        device.privateKey,
        byKey,
      ),
    ).toThrow(refused('old-format'));
  });

  it('fails with another device key', () => {
    const wrapped = wrapDataKey(keys, device.publicKey);
    expect(() => unwrapDataKey(wrapped, generateProfileKeyPair().privateKey, byKey)).toThrow(
      refused('not-for-this-device'),
    );
  });

  it.each([
    ['ephemeral key', 2, 5],
    ['key check value', 3, 0],
    ['IV', 4, 0],
    ['ciphertext', 5, 0],
    ['tag', 5, 79],
  ] as const)('fails when a bit of the %s is flipped', (_name, part, byte) => {
    const wrapped = wrapDataKey(keys, device.publicKey);
    expect(() => unwrapDataKey(flipPartBit(wrapped, part, byte), device.privateKey, byKey)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_WRAP' }),
    );
  });

  it('fails on a low-order ephemeral key instead of deriving from an all-zero secret', () => {
    const wrapped = replacePart(
      wrapDataKey(keys, device.publicKey),
      2,
      Buffer.alloc(32).toString('base64url'),
    );
    expect(() => unwrapDataKey(wrapped, device.privateKey, byKey)).toThrow(refused('malformed'));
  });

  it.each([
    ['empty', () => ''],
    ['another version', (w: string) => w.replace(/^pkw2/, 'pkw3')],
    ['five parts', (w: string) => w.split('.').slice(0, 5).join('.')],
    ['seven parts', (w: string) => `${w}.AAAA`],
    ['standard base64 characters', (w: string) => replacePart(w, 4, 'AAAAAAAAAAAAAAA+')],
    ['base64 padding', (w: string) => `${w}==`],
    ['an empty part', (w: string) => replacePart(w, 4, '')],
    ['a short IV', (w: string) => replacePart(w, 4, randomBytes(11).toString('base64url'))],
    [
      'a short check value',
      (w: string) => replacePart(w, 3, randomBytes(15).toString('base64url')),
    ],
    ['a short ciphertext', (w: string) => replacePart(w, 5, randomBytes(79).toString('base64url'))],
    ['whitespace', (w: string) => ` ${w}`],
  ])('refuses a malformed payload: %s', (_name, make) => {
    const wrapped = make(wrapDataKey(keys, device.publicKey));
    expect(() => unwrapDataKey(wrapped, device.privateKey, byKey)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_WRAP' }),
    );
  });

  it('refuses a recipient key that fails its signed-format check', () => {
    const altered = `${device.publicKey.slice(0, -1)}${device.publicKey.endsWith('0') ? '1' : '0'}`;
    expect(() => wrapDataKey(keys, altered)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_WRAP', message: expect.stringMatching(/BLAKE2b/) }),
    );
  });

  it('refuses a data key that is not 32 bytes', () => {
    expect(() =>
      wrapDataKey(
        { dataKey: randomBytes(16), profilePrivateKey: profile.privateKey },
        device.publicKey,
      ),
    ).toThrow(RangeError);
  });

  it('announces the data key check value without opening', () => {
    const wrapped = wrapDataKey(keys, device.publicKey);
    expect(wrappedCheckValue(wrapped)?.equals(dataKeyCheckValue(dataKey))).toBe(true);
    expect(wrappedCheckValue('pkw1.a.b.c')).toBeUndefined();
    expect(
      exportRawPublicKey(createPublicKey(generateKeyPairSync('x25519').privateKey)),
    ).toHaveLength(32);
  });
});
