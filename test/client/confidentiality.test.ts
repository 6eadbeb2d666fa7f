// Confidentiality end to end: a file stored through the client is, on every storage device of
// its profile, the profile's own AES-256-GCM ciphertext under two more layers (the engine's
// chunk envelope and the device's at-rest encryption). The test peels those layers and decrypts
// with the profile's data key itself, from the published layouts and node:crypto alone, without
// the client's code; the plaintext appears in no file of the engine or the devices, and another
// profile's data key does not open what the devices hold.

import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSealed, storedChunks } from '../support/chunk-packs.ts';
import { tempDir } from '../support/engine.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../support/vault-engine.ts';

/** Several 1 MiB chunks and a short last one. */
const SIZE = 3 * 1024 * 1024 + 12_345;

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let alice: VaultUser;
let bob: VaultUser;
const plaintext = randomBytes(SIZE);

beforeAll(async () => {
  engine = await startVaultEngine();
  alice = await signUpVaultUser(engine);
  bob = await signUpVaultUser(engine);
  // The plaintext lives outside the engine's folder, so the scan below cannot find this copy.
  const source = join(tempDir('privicore-plain-'), 'secret.bin');
  await writeFile(source, plaintext);
  await alice.session.storeFile(source, { context: '/secret' });
  const other = join(tempDir('privicore-plain-'), 'other.bin');
  await writeFile(other, randomBytes(5000));
  await bob.session.storeFile(other, { context: '/other' });
});
afterAll(async () => {
  alice?.session.close();
  bob?.session.close();
  await engine?.close();
});

function gcmOpen(key: Buffer, iv: Buffer, body: Buffer, tag: Buffer, aad?: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
/** engine/devices/chunk-store.ts: [IV 12][ciphertext][tag 16], AAD privicore-chunk/<item>/<index>, in the item's pack. */
/** engine/devices/chunk-store.ts: [IV 12][ciphertext][tag 16], AAD privicore-chunk/<item>/<index>. */
function openAtRest(key: Buffer, itemId: string, index: number, file: Buffer): Buffer {
  return gcmOpen(
    key,
    file.subarray(0, 12),
    file.subarray(12, file.length - 16),
    file.subarray(file.length - 16),
    `privicore-chunk/${itemId}/${index}`,
  );
}

/** engine/transfer/envelope.ts: 0x01 ‖ IV 12 ‖ ciphertext ‖ tag 16, AAD privicore-envelope/1/<item>/<index>. */
function openEnvelope(key: Buffer, itemId: string, index: number, envelope: Buffer): Buffer {
  expect(envelope[0]).toBe(0x01);
  return gcmOpen(
    key,
    envelope.subarray(1, 13),
    envelope.subarray(13, envelope.length - 16),
    envelope.subarray(envelope.length - 16),
    `privicore-envelope/1/${itemId}/${index}`,
  );
}

/** Contract §1.8: the client's payload is IV 12 ‖ ciphertext ‖ tag 16 under the data key, no AAD. */
function openPayload(dataKey: Buffer, payload: Buffer): Buffer {
  return gcmOpen(
    dataKey,
    payload.subarray(0, 12),
    payload.subarray(12, payload.length - 16),
    payload.subarray(payload.length - 16),
  );
}

/** What one device folder holds of each item: the engine envelopes' contents, chunks in order. */
function payloadsIn(dir: string): Map<string, Buffer> {
  const atRestKey = Buffer.from(readFileSync(join(dir, 'at-rest.key'), 'utf8').trim(), 'hex');
  const secrets = JSON.parse(readFileSync(join(engine.dataDir, 'engine-secrets.json'), 'utf8')) as {
    sealKey: string;
  };
  const envelopeKey = Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(secrets.sealKey, 'hex'),
      Buffer.alloc(0),
      'privicore engine chunk envelope v1',
      32,
    ),
  );
  const payloads = new Map<string, Buffer>();
  for (const itemId of readdirSync(join(dir, 'chunks')).filter((name) => !name.startsWith('.'))) {
    const held = storedChunks(join(dir, 'chunks', itemId));
    const indices = [...held.keys()].sort((a, b) => a - b);
    expect(indices).toEqual(indices.map((_, i) => i));
    const chunks = indices.map((index) =>
      openEnvelope(
        envelopeKey,
        itemId,
        index,
        openAtRest(atRestKey, itemId, index, readSealed(held.get(index)!)),
      ),
    );
    payloads.set(itemId, Buffer.concat(chunks));
  }
  return payloads;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

describe('what the storage devices hold', () => {
  it('opens with the profile’s data key, on every device of the profile', () => {
    const devices = engine.localStorage(alice.profileId);
    expect(devices.length).toBe(3);
    for (const device of devices) {
      const payloads = [...payloadsIn(device.dir).values()];
      expect(payloads.length, device.dir).toBe(1);
      expect(payloads[0]!.length).toBe(SIZE + 28);
      expect(openPayload(alice.session.dataKey!, payloads[0]!).equals(plaintext)).toBe(true);
    }
  });

  it('does not open with another profile’s data key', () => {
    expect(bob.session.dataKey!.equals(alice.session.dataKey!)).toBe(false);
    const [payload] = [...payloadsIn(engine.localStorage(alice.profileId)[0]!.dir).values()];
    expect(() => openPayload(bob.session.dataKey!, payload!)).toThrow(
      /unable to authenticate data/,
    );
    // Nor does Bob's own item open with Alice's key.
    const [bobs] = [...payloadsIn(engine.localStorage(bob.profileId)[0]!.dir).values()];
    expect(() => openPayload(alice.session.dataKey!, bobs!)).toThrow(/unable to authenticate/);
  });

  it('leaves the plaintext in no file of the engine or its devices', () => {
    // 64 windows of 32 bytes spread over the plaintext: any copy of it, whole or in part,
    // in the clear would contain some of them.
    const windows = Array.from({ length: 64 }, (_, i) =>
      plaintext.subarray(
        Math.floor((i * (SIZE - 32)) / 63),
        Math.floor((i * (SIZE - 32)) / 63) + 32,
      ),
    );
    const files = filesUnder(engine.dir);
    expect(files.some((file) => file.endsWith('chunks.pack'))).toBe(true);
    expect(files.some((file) => file.endsWith('engine.sqlite'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const window of windows) expect(bytes.indexOf(window), file).toBe(-1);
    }
  });
});
