// engine/devices/storage-device-thread.ts (compiled): the embedded engine's storage devices on a
// worker thread. The handles it gives out behave as in-process devices do (state, ready, stop),
// the devices serve real stores and retrieves over the bus from the thread, and a failure to
// start or a thread that is gone is said, never hung on.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../engine/log.ts';
import { TestChannel } from '../support/channel.ts';
import { compiledDeviceThread } from '../support/compiled.ts';
import {
  decrypt,
  download,
  encrypt,
  finalize,
  requestDownload,
  reserve,
} from '../support/data-tokens.ts';
import { startTestEngine, tempDir } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { awaitStatus, createProfile, type TestProfile } from '../support/profiles.ts';
import { addStorageDevice, awaitStorage } from '../support/storage-devices.ts';
import { postStream } from '../support/stream-crypto.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let channel: TestChannel;
const dir = tempDir('privicore-device-thread-');

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  channel = await TestChannel.open(engine.wsUrl);
  await channel.join(owner.token);
});

afterAll(async () => {
  channel?.close();
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('StorageDeviceThread', () => {
  it('runs devices on the thread: they connect, hold what is stored, serve it back and stop', async () => {
    const thread = compiledDeviceThread.StorageDeviceThread.start(createLogger('silent'));
    expect(thread).toBeDefined();
    const added = await Promise.all(
      ['A', 'B', 'C'].map((name) => addStorageDevice(api, owner.token, `Thread NAS ${name}`)),
    );
    const devices = await Promise.all(
      added.map(({ bundle }, n) => thread!.startDevice(bundle, join(dir, `device-${n}`))),
    );
    for (const device of devices)
      if (!device.connected) await new Promise<void>((resolve) => device.onReady(resolve));
    expect(devices.map((device) => device.state)).toEqual(['connected', 'connected', 'connected']);
    for (const { deviceId } of added)
      await awaitStorage(api, owner.token, deviceId, (listed) => listed.online);

    // 3 MiB and a bit: several chunks, each sealed at rest and fsynced on the thread.
    const plaintext = randomBytes(3 * 1024 * 1024 + 123);
    const key = randomBytes(32);
    const ciphertext = encrypt(key, plaintext);
    const reservation = await reserve(api, owner.token);
    const upload = await postStream(reservation.stream, [ciphertext]);
    expect(upload.status).toBe(202);
    expect(await awaitStatus(api, upload.headers['x-dpt-cab-id'] as string, 60_000)).toBe(
      'succeeded',
    );
    const dataToken = await finalize(api, owner.token, reservation.token, {
      size: String(plaintext.length),
    });
    for (const n of [0, 1, 2]) {
      const items = await readdir(join(dir, `device-${n}`, 'chunks'));
      expect(items.filter((name) => !name.startsWith('.'))).toHaveLength(1);
    }
    const url = await requestDownload(api, channel, owner.token, dataToken);
    const got = await download(url);
    expect(got.status).toBe(200);
    expect(decrypt(key, got.bytes).equals(plaintext)).toBe(true);

    const states: string[] = [];
    devices[0]!.onStateChange((state) => states.push(state));
    await devices[0]!.stop();
    expect(devices[0]!.state).toBe('stopped');
    expect(states).toEqual(['stopped']);
    await awaitStorage(api, owner.token, added[0]!.deviceId, (listed) => !listed.online);

    await thread!.close();
    expect(devices.map((device) => device.state)).toEqual(['stopped', 'stopped', 'stopped']);
    await Promise.all(
      added
        .slice(1)
        .map(({ deviceId }) =>
          awaitStorage(api, owner.token, deviceId, (listed) => !listed.online),
        ),
    );
    // A closed thread starts nothing, and says so.
    await expect(thread!.startDevice(added[0]!.bundle, join(dir, 'device-0'))).rejects.toThrow(
      /storage-device thread has stopped/,
    );
  });

  it('devices given the engine’s connectDevicePort reach it over MessagePorts, and dial again while it refuses', async () => {
    const { bundle, deviceId } = await addStorageDevice(api, owner.token, 'Thread NAS by port');
    if (bundle.bus.kind === 'amqp') {
      // Devices of an engine on RabbitMQ keep their bus: the engine takes no port (host.ts then
      // offers none).
      const { port1 } = new MessageChannel();
      expect(engine.connectDevicePort(port1)).toBe(false);
      return;
    }
    const thread = compiledDeviceThread.StorageDeviceThread.start(createLogger('silent'))!;
    try {
      let offered = 0;
      let refuse = true;
      const connectPort = (port: MessagePort) => {
        offered += 1;
        if (refuse) {
          port.close();
          return false;
        }
        return engine.connectDevicePort(port);
      };
      // Nothing listens at the bundle's URL: the device can only be reached by port.
      const device = await thread.startDevice(
        { ...bundle, bus: { ...bundle.bus, url: 'ws://127.0.0.1:9/device-bus' } },
        join(dir, 'device-by-port'),
        connectPort,
      );
      await until(() => offered >= 2, 'the device dials again after a refusal');
      expect(device.state).toBe('connecting');
      refuse = false;
      if (!device.connected) await new Promise<void>((resolve) => device.onReady(resolve));
      await awaitStorage(api, owner.token, deviceId, (listed) => listed.online);

      const plaintext = randomBytes(1024 * 1024 + 7);
      const key = randomBytes(32);
      const reservation = await reserve(api, owner.token);
      const upload = await postStream(reservation.stream, [encrypt(key, plaintext)]);
      expect(upload.status).toBe(202);
      expect(await awaitStatus(api, upload.headers['x-dpt-cab-id'] as string, 60_000)).toBe(
        'succeeded',
      );
      const dataToken = await finalize(api, owner.token, reservation.token, {
        size: String(plaintext.length),
      });
      const got = await download(await requestDownload(api, channel, owner.token, dataToken));
      expect(got.status).toBe(200);
      expect(decrypt(key, got.bytes).equals(plaintext)).toBe(true);
      await device.stop();
      await awaitStorage(api, owner.token, deviceId, (listed) => !listed.online);
    } finally {
      await thread.close();
    }
  });

  it('fails a start it cannot make with the device runtime’s own reason', async () => {
    const thread = compiledDeviceThread.StorageDeviceThread.start(createLogger('silent'))!;
    try {
      const { bundle } = await addStorageDevice(api, owner.token, 'Thread NAS broken');
      const notAFolder = join(dir, 'a-file');
      writeFileSync(notAFolder, 'not a folder');
      await expect(thread.startDevice(bundle, notAFolder)).rejects.toThrow(/EEXIST|ENOTDIR/);
    } finally {
      await thread.close();
    }
  });
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
