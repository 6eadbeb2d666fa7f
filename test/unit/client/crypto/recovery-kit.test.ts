import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createRecoveryKit,
  openRecoveryKit,
  type RecoveryKitContents,
} from '../../../../client/crypto/recovery-kit.ts';

interface RecoveryKitVector {
  name: string;
  passphrase: string;
  contents: { profileId: string; username: string; dataKey: string; privateKey: string };
  kit: string;
}

const readVectors = (file: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../../vectors/${file}`, import.meta.url), 'utf8')) as {
      vectors: RecoveryKitVector[];
    }
  ).vectors;
/** Version 2 (written now) from pure Python, and version 1 (still opened) from the first release. */
const vectors = [
  ...readVectors('recovery-kit-v2.json').map((v) => ({ ...v, name: `v2 ${v.name}` })),
  ...readVectors('recovery-kit.json').map((v) => ({ ...v, name: `v1 ${v.name}` })),
];

const WRONG = {
  code: 'ERR_RECOVERY_KIT_PASSPHRASE',
  message: 'The passphrase is wrong or the recovery kit is damaged.',
};
const MALFORMED = { code: 'ERR_RECOVERY_KIT_FORMAT' };
const PASSPHRASE = 'a long enough passphrase';

const contents: RecoveryKitContents = {
  profileId: '0193a5c3-7d1e-7c4a-9b2f-3e8d1a6c5f01',
  username: 'alice@example.com',
  dataKey: randomBytes(32),
  privateKey: randomBytes(32).toString('hex'),
};

// Made once: each kit costs an scrypt run.
const sampleKit = createRecoveryKit(contents, PASSPHRASE);

interface KitFile {
  format: string;
  version: number;
  kdf: { name: string; N: number; r: number; p: number; salt: string };
  cipher: { name: string; iv: string };
  ciphertext: string | number;
  createdAt: string;
}

function edit(text: string, change: (kit: KitFile) => void): string {
  const kit = JSON.parse(text) as KitFile;
  change(kit);
  return JSON.stringify(kit);
}

/** Flips the lowest bit of one byte; a negative index counts from the end. */
function flipBase64Bit(value: string | number, index: number): string {
  const bytes = Buffer.from(String(value), 'base64');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('recovery kit vectors (sealed by Python hashlib.scrypt and pyca/cryptography)', () => {
  it.each(vectors)('$name: opens and gives back the contents', async (v) => {
    const opened = await openRecoveryKit(v.kit, v.passphrase);
    expect({ ...opened, dataKey: opened.dataKey.toString('hex') }).toEqual(v.contents);
  });

  it('opens a kit whose passphrase was typed in another Unicode normal form', async () => {
    const v = vectors.find((vector) => vector.passphrase !== vector.passphrase.normalize('NFC'));
    expect(v).toBeDefined();
    if (!v) return;
    expect((await openRecoveryKit(v.kit, v.passphrase.normalize('NFC'))).username).toBe(
      v.contents.username,
    );
  });

  it.each(vectors)('$name: refuses the wrong passphrase', async (v) => {
    await expect(openRecoveryKit(v.kit, `${v.passphrase}!`)).rejects.toMatchObject(WRONG);
  });
});

describe('createRecoveryKit and openRecoveryKit', () => {
  it('round-trips the contents', async () => {
    const opened = await openRecoveryKit(await sampleKit, PASSPHRASE);
    expect(opened.profileId).toBe(contents.profileId);
    expect(opened.username).toBe(contents.username);
    expect(opened.dataKey.equals(contents.dataKey)).toBe(true);
    expect(opened.privateKey).toBe(contents.privateKey);
  });

  it('writes the documented version 2 layout', async () => {
    const kit = JSON.parse(await sampleKit) as KitFile;
    expect(Object.keys(kit)).toEqual([
      'format',
      'version',
      'kdf',
      'cipher',
      'ciphertext',
      'createdAt',
    ]);
    expect(kit).toMatchObject({
      format: 'privicore-vault-recovery-kit',
      version: 2,
      kdf: { name: 'scrypt', N: 131072, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(Buffer.from(kit.kdf.salt, 'base64').length).toBe(16);
    expect(Buffer.from(kit.cipher.iv, 'base64').length).toBe(12);
    expect(new Date(kit.createdAt).toISOString()).toBe(kit.createdAt);
    // The secrets must not appear in the clear.
    expect(await sampleKit).not.toContain(contents.dataKey.toString('hex'));
    expect(await sampleKit).not.toContain(contents.privateKey);
  });

  it('uses a fresh salt and IV for each kit', async () => {
    const a = JSON.parse(await sampleKit) as KitFile;
    const b = JSON.parse(await createRecoveryKit(contents, PASSPHRASE)) as KitFile;
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('returns the private key in lowercase', async () => {
    const upper = { ...contents, privateKey: contents.privateKey.toUpperCase() };
    expect(
      (await openRecoveryKit(await createRecoveryKit(upper, PASSPHRASE), PASSPHRASE)).privateKey,
    ).toBe(contents.privateKey);
  });

  it('refuses the wrong passphrase', async () => {
    await expect(
      openRecoveryKit(await sampleKit, 'a long enough passphrasE'),
    ).rejects.toMatchObject(WRONG);
  });

  it.each([
    ['a ciphertext bit', (kit: KitFile) => (kit.ciphertext = flipBase64Bit(kit.ciphertext, 3))],
    ['a tag bit', (kit: KitFile) => (kit.ciphertext = flipBase64Bit(kit.ciphertext, -1))],
    ['a salt bit', (kit: KitFile) => (kit.kdf.salt = flipBase64Bit(kit.kdf.salt, 0))],
    ['an IV bit', (kit: KitFile) => (kit.cipher.iv = flipBase64Bit(kit.cipher.iv, 11))],
  ])('refuses a kit with %s altered, as for a wrong passphrase', async (_name, change) => {
    const original = await sampleKit;
    const altered = edit(original, change);
    expect(altered).not.toBe(JSON.stringify(JSON.parse(original)));
    await expect(openRecoveryKit(altered, PASSPHRASE)).rejects.toMatchObject(WRONG);
  });

  it('refuses a new kit’s passphrase under 15 characters, counting characters rather than UTF-16 units', async () => {
    await expect(createRecoveryKit(contents, 'fourteen chars')).rejects.toMatchObject({
      code: 'ERR_RECOVERY_KIT_PASSPHRASE_SHORT',
      message: 'The passphrase must be at least 15 characters long.',
    });
    await expect(createRecoveryKit(contents, '🔑'.repeat(14))).rejects.toMatchObject({
      code: 'ERR_RECOVERY_KIT_PASSPHRASE_SHORT',
    });
    const kit = await createRecoveryKit(contents, '🔑'.repeat(15));
    expect((await openRecoveryKit(kit, '🔑'.repeat(15))).username).toBe(contents.username);
  });

  it('refuses a version 1 kit that claims version 2 (or the reverse): the AAD and cost differ', async () => {
    const v1 = readVectors('recovery-kit.json')[0]!;
    const relabelled = edit(v1.kit, (kit) => {
      kit.version = 2;
      kit.kdf.N = 131072;
    });
    await expect(openRecoveryKit(relabelled, v1.passphrase)).rejects.toMatchObject(WRONG);
  });

  it('refuses contents that are not two 32-byte keys', async () => {
    await expect(
      createRecoveryKit({ ...contents, dataKey: randomBytes(31) }, PASSPHRASE),
    ).rejects.toThrow(RangeError);
    await expect(createRecoveryKit({ ...contents, privateKey: 'abc' }, PASSPHRASE)).rejects.toThrow(
      RangeError,
    );
  });
});

describe('openRecoveryKit on malformed files', () => {
  it.each([
    ['not JSON', () => 'this is not json'],
    ['truncated JSON', (text: string) => text.slice(0, text.length / 2)],
    ['a JSON array', () => '[]'],
    ['JSON null', () => 'null'],
    ['another format', (text: string) => edit(text, (kit) => (kit.format = 'something-else'))],
    ['version 3', (text: string) => edit(text, (kit) => (kit.version = 3))],
    ['version 1 with version 2’s cost', (text: string) => edit(text, (kit) => (kit.version = 1))],
    ['no kdf', (text: string) => edit(text, (kit) => Reflect.deleteProperty(kit, 'kdf'))],
    ['another kdf', (text: string) => edit(text, (kit) => (kit.kdf.name = 'pbkdf2'))],
    ['a larger scrypt N', (text: string) => edit(text, (kit) => (kit.kdf.N = 1 << 24))],
    ['another cipher', (text: string) => edit(text, (kit) => (kit.cipher.name = 'aes-128-gcm'))],
    [
      'a salt that is not base64',
      (text: string) => edit(text, (kit) => (kit.kdf.salt = 'not base64!')),
    ],
    [
      'a 15-byte salt',
      (text: string) => edit(text, (kit) => (kit.kdf.salt = randomBytes(15).toString('base64'))),
    ],
    [
      'a 16-byte IV',
      (text: string) => edit(text, (kit) => (kit.cipher.iv = randomBytes(16).toString('base64'))),
    ],
    [
      'a ciphertext of only a tag',
      (text: string) => edit(text, (kit) => (kit.ciphertext = randomBytes(16).toString('base64'))),
    ],
    ['a numeric ciphertext', (text: string) => edit(text, (kit) => (kit.ciphertext = 42))],
    [
      'no createdAt',
      (text: string) => edit(text, (kit) => Reflect.deleteProperty(kit, 'createdAt')),
    ],
  ])('refuses %s with ERR_RECOVERY_KIT_FORMAT', async (_name, make) => {
    const error: unknown = await openRecoveryKit(make(await sampleKit), PASSPHRASE).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject(MALFORMED);
    expect((error as Error).message).toMatch(/recovery kit/i);
  });
});
