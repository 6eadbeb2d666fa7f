import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBundle } from '../../engine/devices/device-bundle.ts';
import { TestChannel } from '../support/channel.ts';
import {
  decrypt,
  download,
  encrypt,
  finalize,
  requestDownload,
  reserve,
  storeInline,
} from '../support/data-tokens.ts';
import { readSealed, storedChunks, writeSealed, type StoredChunk } from '../support/chunk-packs.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { awaitStatus, createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  eventually,
  heldItems,
  listStorage,
  runCommand,
  StorageDeviceProcess,
} from '../support/storage-devices.ts';
import { postStream } from '../support/stream-crypto.ts';

/**
 * Contract §9 fault tolerance with three real `npm run storage-device` processes: killed
 * devices, chunks damaged at rest or inside the engine envelope, a device that misses a store
 * or a delete while offline, and synchronize onto a late device.
 */
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let channel: TestChannel;

interface Device {
  name: string;
  deviceId: string;
  bundle: DeviceBundle;
  process: StorageDeviceProcess;
}
const devices: Device[] = [];

interface Stored {
  dataToken: string;
  blobId: string;
  key: Buffer;
  plaintext: Buffer;
  ciphertext: Buffer;
}
const stored: Record<string, Stored> = {};

const MiB = 1024 * 1024;

beforeAll(async () => {
  // A silent device is skipped after deviceTimeoutMs (contract: 60 s; shortened here).
  engine = await startTestEngine({ deviceTimeoutMs: 5_000 });
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  channel = await TestChannel.open(engine.wsUrl);
  await channel.join(owner.token);
  for (const name of ['A', 'B', 'C']) {
    const { deviceId, bundle } = await addStorageDevice(api, owner.token, `NAS ${name}`);
    devices.push({ name, deviceId, bundle, process: await StorageDeviceProcess.spawn(bundle) });
  }
  for (const device of devices)
    await awaitStorage(api, owner.token, device.deviceId, (d) => d.online);
}, 120_000);

afterAll(async () => {
  channel?.close();
  await Promise.all(devices.map((device) => device.process.kill()));
  await engine?.close();
  await Promise.all(
    devices.map((device) => rm(device.process.dir, { recursive: true, force: true })),
  );
});

const byName = (name: string) => devices.find((device) => device.name === name)!;

async function kill(name: string): Promise<void> {
  const device = byName(name);
  await device.process.kill();
  await awaitStorage(api, owner.token, device.deviceId, (d) => !d.online);
}

async function restart(name: string): Promise<void> {
  const device = byName(name);
  device.process = await StorageDeviceProcess.spawn(device.bundle, device.process.dir);
  await awaitStorage(api, owner.token, device.deviceId, (d) => d.online);
}

/** Stores fresh ciphertext (inline up to 1 MiB, else through the upstream) and finds its blob on a live device. */
async function store(label: string, plainSize: number, witness = devices[0]!): Promise<Stored> {
  const before = new Set(heldItems(witness.process.dir).keys());
  const key = randomBytes(32);
  const plaintext = randomBytes(plainSize);
  const ciphertext = encrypt(key, plaintext);
  let dataToken: string;
  if (ciphertext.length <= MiB) {
    dataToken = await storeInline(api, owner.token, ciphertext, {
      fileName: label,
      size: String(plainSize),
    });
  } else {
    const reservation = await reserve(api, owner.token);
    const response = await postStream(reservation.stream, [ciphertext]);
    expect(response.status).toBe(202);
    expect(await awaitStatus(api, response.headers['x-dpt-cab-id'] as string, 60_000)).toBe(
      'succeeded',
    );
    dataToken = await finalize(api, owner.token, reservation.token, {
      fileName: label,
      size: String(plainSize),
    });
  }
  const blobId = [...heldItems(witness.process.dir).keys()].find((item) => !before.has(item))!;
  expect(blobId).toBeDefined();
  stored[label] = { dataToken, blobId, key, plaintext, ciphertext };
  return stored[label];
}

async function retrieve(item: Stored): Promise<Buffer> {
  const got = await download(await requestDownload(api, channel, owner.token, item.dataToken));
  expect(got.status).toBe(200);
  return got.bytes;
}

function storedChunk(device: Device, item: Stored, index: number): StoredChunk {
  const chunk = storedChunks(join(device.process.dir, 'chunks', item.blobId)).get(index);
  if (!chunk) throw new Error(`${device.process.dir} holds no chunk ${index} of ${item.blobId}`);
  return chunk;
}

/** Bit rot: the device's own at-rest tag no longer matches, so it reports the chunk missing. */
function rot(device: Device, item: Stored, index: number): void {
  const chunk = storedChunk(device, item, index);
  const bytes = readSealed(chunk);
  bytes[bytes.length >> 1]! ^= 0x40;
  writeSealed(chunk, bytes);
}

/**
 * A damaged engine envelope behind a valid at-rest layer (a faulty or hostile device): the
 * device serves it without complaint and only the engine's envelope check can refuse it.
 */
function tamperEnvelope(device: Device, item: Stored, index: number): void {
  const chunk = storedChunk(device, item, index);
  const key = Buffer.from(
    readFileSync(join(device.process.dir, 'at-rest.key'), 'utf8').trim(),
    'hex',
  );
  const aad = Buffer.from(`privicore-chunk/${item.blobId}/${index}`);
  const sealed = readSealed(chunk);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const envelope = Buffer.concat([
    decipher.update(sealed.subarray(12, sealed.length - 16)),
    decipher.final(),
  ]);
  envelope[envelope.length >> 1]! ^= 0x01;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  writeSealed(
    chunk,
    Buffer.concat([iv, cipher.update(envelope), cipher.final(), cipher.getAuthTag()]),
  );
}

function holds(device: Device, item: Stored): boolean {
  return heldItems(device.process.dir).has(item.blobId);
}

describe('storage faults', () => {
  it('stores on all three devices and keeps every token retrievable with two of them killed', async () => {
    await store('small', 300_000);
    await store('multi', 3 * MiB + 12_345);
    for (const item of Object.values(stored))
      for (const device of devices) expect(holds(device, item), device.name).toBe(true);
    for (const device of await listStorage(api, owner.token)) expect(device.storedTokens).toBe(2);

    await kill('A');
    await kill('B');
    for (const item of Object.values(stored))
      expect(decrypt(item.key, await retrieve(item)).equals(item.plaintext)).toBe(true);
    await restart('A');
    await restart('B');
  });

  it('backfills a device that was offline during a store when it returns', async () => {
    await kill('C');
    const item = await store('while-c-away', 2 * MiB + 99);
    expect(holds(byName('C'), item)).toBe(false);
    await restart('C');
    await eventually(
      () => heldItems(byName('C').process.dir).get(item.blobId)?.length === 3,
      'C received all three chunks',
    );
    const c = await awaitStorage(
      api,
      owner.token,
      byName('C').deviceId,
      (d) => d.storedTokens === 3,
    );
    expect(c.storedBytes).toBe(
      Object.values(stored).reduce((sum, s) => sum + s.ciphertext.length, 0),
    );
    // Only C can serve it now.
    await kill('A');
    await kill('B');
    expect(decrypt(item.key, await retrieve(item)).equals(item.plaintext)).toBe(true);
    await restart('A');
    await restart('B');
  });

  it('skips a device that stays silent during a store, and completes it when it reconnects', async () => {
    const c = byName('C');
    c.process.pause();
    let item: Stored;
    try {
      const reservation = await reserve(api, owner.token);
      const key = randomBytes(32);
      const plaintext = randomBytes(2 * MiB);
      const ciphertext = encrypt(key, plaintext);
      const before = new Set(heldItems(byName('A').process.dir).keys());
      const response = await postStream(reservation.stream, [ciphertext]);
      const outcome = await channel.commandOutcome(
        response.headers['x-dpt-cab-id'] as string,
        60_000,
      );
      expect(outcome.data).toMatchObject({
        command_status: 2,
        body: { size: ciphertext.length, storageDevices: 2 },
      });
      const dataToken = await finalize(api, owner.token, reservation.token, {
        fileName: 'while-c-silent',
      });
      const blobId = [...heldItems(byName('A').process.dir).keys()].find((id) => !before.has(id))!;
      item = stored['while-c-silent'] = { dataToken, blobId, key, plaintext, ciphertext };
    } finally {
      c.process.resume();
    }
    // Still connected, so nothing is owed until it reconnects (contract §9 "Backfill").
    await kill('C');
    await restart('C');
    await eventually(
      () => heldItems(c.process.dir).get(item.blobId)?.length === 3,
      'C completed the store it was silent for',
    );
    await awaitStorage(api, owner.token, c.deviceId, (d) => d.storedTokens === 4);
  });

  it('fails over chunk by chunk when copies are damaged at rest or inside the engine envelope', async () => {
    const multi = stored.multi!;
    // Every chunk keeps one intact copy, but no device has them all.
    rot(byName('C'), multi, 0);
    tamperEnvelope(byName('A'), multi, 1);
    rot(byName('B'), multi, 1);
    rot(byName('A'), multi, 2);
    tamperEnvelope(byName('B'), multi, 3);
    rot(byName('C'), multi, 3);
    expect(decrypt(multi.key, await retrieve(multi)).equals(multi.plaintext)).toBe(true);

    const small = stored.small!;
    tamperEnvelope(byName('A'), small, 0);
    tamperEnvelope(byName('B'), small, 0);
    expect(decrypt(small.key, await retrieve(small)).equals(small.plaintext)).toBe(true);
  });

  it('fails cleanly with a reason when a chunk has no intact copy anywhere, never with wrong bytes', async () => {
    const first = await store('broken-first', 2 * MiB);
    for (const device of devices) (device.name === 'B' ? tamperEnvelope : rot)(device, first, 0);
    const refused = await download(
      await requestDownload(api, channel, owner.token, first.dataToken),
    );
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.bytes.toString())).toMatchObject({
      status: 409,
      reason: 'storage.no_intact_copy',
      message: expect.any(String),
    });

    const later = await store('broken-later', 3 * MiB);
    for (const device of devices) rot(device, later, 2);
    const url = await requestDownload(api, channel, owner.token, later.dataToken);
    const partial = await download(url, { range: `bytes=0-${MiB}` });
    expect(partial.status).toBe(206);
    expect(partial.bytes.equals(later.ciphertext.subarray(0, MiB + 1))).toBe(true);

    // The body starts, then the connection ends short of Content-Length.
    const cut = await new Promise<{ length: number; received: Buffer; complete: boolean }>(
      (resolve, reject) => {
        get(url, (response) => {
          const pieces: Buffer[] = [];
          response.on('data', (piece: Buffer) => pieces.push(piece));
          const finish = () =>
            resolve({
              length: Number(response.headers['content-length']),
              received: Buffer.concat(pieces),
              complete: response.complete,
            });
          response.on('end', finish);
          response.on('aborted', finish);
          response.on('error', finish);
        }).on('error', reject);
      },
    );
    expect(cut.length).toBe(later.ciphertext.length);
    expect(cut.complete).toBe(false);
    expect(cut.received.length).toBeLessThan(cut.length);
    expect(cut.received.equals(later.ciphertext.subarray(0, cut.received.length))).toBe(true);
  });

  it('deletes from every device folder, and from an offline device when it returns', async () => {
    const item = stored['while-c-away']!;
    await kill('C');
    expect(
      (await runCommand(api, '/data-token/delete-data', { token: item.dataToken }, owner.token))
        .outcome,
    ).toBe('succeeded');
    await eventually(
      () => !holds(byName('A'), item) && !holds(byName('B'), item),
      'A and B removed it',
    );
    expect(holds(byName('C'), item)).toBe(true);
    await restart('C');
    await eventually(() => !holds(byName('C'), item), 'C removed it on return');
    delete stored['while-c-away'];
  });

  it('synchronize copies everything intact onto a newly registered device and counts the rest missing', async () => {
    const { deviceId, bundle } = await addStorageDevice(api, owner.token, 'NAS D');
    const late: Device = {
      name: 'D',
      deviceId,
      bundle,
      process: await StorageDeviceProcess.spawn(bundle),
    };
    devices.push(late);
    await awaitStorage(api, owner.token, deviceId, (d) => d.online);
    // A new storage device gets stores from now on only.
    expect(heldItems(late.process.dir).size).toBe(0);

    const response = await api.post(
      '/storage/synchronize',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(response.status).toBe(202);
    const outcome = await channel.commandOutcome(response.headers.get('x-dpt-cab-id')!, 60_000);
    // small, multi and while-c-silent are whole across the devices; the two broken ones are not.
    const whole = ['small', 'multi', 'while-c-silent'];
    expect(outcome.data).toMatchObject({ command_status: 2, body: { copied: 3, missing: 2 } });
    for (const label of whole) expect(holds(late, stored[label]!)).toBe(true);
    const listed = await awaitStorage(api, owner.token, deviceId, (d) => d.storedTokens === 3);
    expect(listed.storedBytes).toBe(
      whole.reduce((sum, label) => sum + stored[label]!.ciphertext.length, 0),
    );

    for (const name of ['A', 'B', 'C']) await kill(name);
    for (const label of whole) {
      const item = stored[label]!;
      expect(decrypt(item.key, await retrieve(item)).equals(item.plaintext)).toBe(true);
    }
  });
});
