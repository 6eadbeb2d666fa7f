// Two profiles on one engine, each with its own storage devices: synchronize, backfill,
// holdings, statistics and deletes touch only the caller's own data. Every check reads the
// device folders too, where a blob of the wrong profile would land.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBundle } from '../../engine/devices/device-bundle.ts';
import { TestChannel } from '../support/channel.ts';
import { requestDownload, storeInline } from '../support/data-tokens.ts';
import { startTestEngine, tempDir } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  eventually,
  heldItems,
  listStorage,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';

interface Device {
  id: string;
  bundle: DeviceBundle;
  dir: string;
  runtime?: Awaited<ReturnType<typeof startDevice>>;
}

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let alice: TestProfile;
let bob: TestProfile;
let aliceFirst: Device;
let bobFirst: Device;
let aliceSecond: Device;
const aliceTokens: string[] = [];
const bobTokens: string[] = [];

async function device(profile: TestProfile, name: string): Promise<Device> {
  const added = await addStorageDevice(api, profile.token, name);
  const dir = tempDir('privicore-storage-');
  return { id: added.deviceId, bundle: added.bundle, dir };
}

async function online(d: Device): Promise<void> {
  d.runtime = await startDevice(d.bundle, d.dir);
}

const items = (d: Device) => new Set(heldItems(d.dir).keys());
const store = async (profile: TestProfile, into: string[], size: number) =>
  into.push(await storeInline(api, profile.token, randomBytes(size)));

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  alice = await createProfile(api);
  bob = await createProfile(api);
  aliceFirst = await device(alice, 'Alice NAS');
  bobFirst = await device(bob, 'Bob NAS');
  await online(aliceFirst);
  await online(bobFirst);
  // Interleaved, so any mix-up by store order would show.
  await store(alice, aliceTokens, 1000);
  await store(bob, bobTokens, 2000);
  await store(alice, aliceTokens, 3000);
  await store(bob, bobTokens, 4000);
  await store(bob, bobTokens, 5000);
});
afterAll(async () => {
  for (const d of [aliceFirst, bobFirst, aliceSecond]) await d?.runtime?.stop();
  await engine?.close();
});

describe('two profiles on one engine', () => {
  it('keeps each profile’s blobs on its own devices, and counts only those', async () => {
    expect(items(aliceFirst).size).toBe(2);
    expect(items(bobFirst).size).toBe(3);
    expect([...items(aliceFirst)].filter((item) => items(bobFirst).has(item))).toEqual([]);
    const aliceView = await listStorage(api, alice.token);
    expect(aliceView.map((d) => [d.deviceIdentifier, d.storedTokens])).toEqual([
      [aliceFirst.id, 2],
    ]);
    const bobView = await listStorage(api, bob.token);
    expect(bobView.map((d) => [d.deviceIdentifier, d.storedTokens])).toEqual([[bobFirst.id, 3]]);
    expect(aliceView[0]!.storedBytes).toBeLessThan(bobView[0]!.storedBytes);
  });

  it('synchronize copies the caller’s blobs to its new device and none of the other profile’s', async () => {
    aliceSecond = await device(alice, 'Alice backup');
    await online(aliceSecond);
    const { outcome } = await runCommand(
      api,
      '/storage/synchronize',
      { deviceIdentifier: aliceSecond.id },
      alice.token,
    );
    expect(outcome).toBe('succeeded');
    expect(items(aliceSecond)).toEqual(items(aliceFirst));
    expect((await listStorage(api, alice.token)).map((d) => d.storedTokens)).toEqual([2, 2]);
    expect((await listStorage(api, bob.token)).map((d) => d.storedTokens)).toEqual([3]);
  });

  it('backfills a device that was offline with its own profile’s stores only', async () => {
    await aliceSecond.runtime!.stop();
    await awaitStorage(api, alice.token, aliceSecond.id, (d) => !d.online);
    // Bob's store comes first: backfill goes in store order, so a mix-up would copy it first.
    await store(bob, bobTokens, 6000);
    await store(alice, aliceTokens, 7000);
    const expected = items(aliceFirst);
    expect(expected.size).toBe(3);
    await online(aliceSecond);
    await eventually(
      () => [...expected].every((item) => items(aliceSecond).has(item)),
      'the returning device holds Alice’s new store',
    );
    expect(items(aliceSecond)).toEqual(expected);
    expect(items(bobFirst).size).toBe(4);
    await awaitStorage(api, alice.token, aliceSecond.id, (d) => d.storedTokens === 3);
    expect((await listStorage(api, bob.token)).map((d) => d.storedTokens)).toEqual([4]);
  });

  it('deletes reach only the deleting profile’s devices', async () => {
    const before = { alice: items(aliceFirst), bob: items(bobFirst) };
    const { outcome } = await runCommand(
      api,
      '/data-token/delete-data',
      { token: bobTokens[0]! },
      bob.token,
    );
    expect(outcome).toBe('succeeded');
    await eventually(() => items(bobFirst).size === 3, 'Bob’s device drops the deleted blob');
    expect([...items(bobFirst)].every((item) => before.bob.has(item))).toBe(true);
    expect(items(aliceFirst)).toEqual(before.alice);
    expect(items(aliceSecond)).toEqual(before.alice);

    expect(
      (await runCommand(api, '/data-token/delete-data', { token: aliceTokens[0]! }, alice.token))
        .outcome,
    ).toBe('succeeded');
    await eventually(
      () => items(aliceFirst).size === 2 && items(aliceSecond).size === 2,
      'both of Alice’s devices drop the deleted blob',
    );
    expect(items(aliceSecond)).toEqual(items(aliceFirst));
    expect(items(bobFirst).size).toBe(3);
    expect((await listStorage(api, alice.token)).map((d) => d.storedTokens)).toEqual([2, 2]);
    expect((await listStorage(api, bob.token)).map((d) => d.storedTokens)).toEqual([3]);
  });

  it('keeps statistics per profile', async () => {
    const channel = await TestChannel.open(engine.wsUrl);
    try {
      await channel.join(alice.token);
      await requestDownload(api, channel, alice.token, aliceTokens[1]!);
    } finally {
      channel.close();
    }
    const stats = async (profile: TestProfile) =>
      (await api.get('/data-token/transaction-count-statistics', profile.token)).body as Record<
        string,
        number
      >;
    expect(await stats(alice)).toMatchObject({ exchanged: 3, requested: 1, deleted: 1 });
    expect(await stats(bob)).toMatchObject({ exchanged: 4, requested: 0, deleted: 1 });
  });
});
