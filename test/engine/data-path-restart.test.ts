import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { TestChannel } from '../support/channel.ts';
import {
  download,
  finalize,
  requestDownload,
  reserve,
  storeInline,
} from '../support/data-tokens.ts';
import { spawnEngine, tempDir, type EngineProcess } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { awaitStatus, createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  eventually,
  heldItems,
  startDevice,
} from '../support/storage-devices.ts';
import { postStream } from '../support/stream-crypto.ts';

/**
 * A real engine process killed mid-upload and started again on the same data directory and
 * port: stored data stays retrievable, the device runtime reconnects by itself, the fragments
 * of the interrupted upload are removed from the device and its reservation is usable again.
 */
const dataDir = tempDir();
let port: number;
let engine: EngineProcess;
let api: Wire;
let owner: TestProfile;
let device: RunningStorageDevice & { dir: string };
let deviceId: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: found } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return found;
}

beforeAll(async () => {
  port = await freePort();
  engine = await spawnEngine(dataDir, ['--port', String(port)]);
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  const added = await addStorageDevice(api, owner.token);
  deviceId = added.deviceId;
  device = await startDevice(added.bundle);
});
afterAll(async () => {
  await device?.stop();
  engine?.child.kill('SIGTERM');
  await engine?.exited;
  await Promise.all(
    [dataDir, device?.dir]
      .filter((dir) => dir !== undefined)
      .map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

describe('engine restart', () => {
  it('keeps data, reconnects devices and recovers an upload the crash interrupted', async () => {
    const kept = randomBytes(50_000);
    const dataToken = await storeInline(api, owner.token, kept);
    const reservation = await reserve(api, owner.token, { ttl: '30' });
    const before = new Set(heldItems(device.dir).keys());

    // An upload whose body is still arriving when the engine dies.
    const upload = request(reservation.stream, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(64 * 1024 * 1024),
      },
    });
    upload.on('error', () => undefined);
    upload.write(randomBytes(4 * 1024 * 1024));
    await eventually(
      () => [...heldItems(device.dir).keys()].some((item) => !before.has(item)),
      'the upload reached the device',
    );
    const fragment = [...heldItems(device.dir).keys()].find((item) => !before.has(item))!;
    engine.child.kill('SIGKILL');
    await engine.exited;
    upload.destroy();

    engine = await spawnEngine(dataDir, ['--port', String(port)]);
    expect(engine.apiUrl).toBe(api.apiUrl);
    await awaitStorage(api, owner.token, deviceId, (d) => d.online);
    await eventually(
      () => !heldItems(device.dir).has(fragment),
      'the fragment was removed on reconnect',
    );

    const channel = await TestChannel.open(engine.wsUrl);
    try {
      await channel.join(owner.token);
      const got = await download(await requestDownload(api, channel, owner.token, dataToken));
      expect(got.bytes.equals(kept)).toBe(true);

      const again = await postStream(reservation.stream, [randomBytes(1000)]);
      expect(again.status).toBe(202);
      expect(await awaitStatus(api, again.headers['x-dpt-cab-id'] as string)).toBe('succeeded');
      await finalize(api, owner.token, reservation.token);
    } finally {
      channel.close();
    }
  });
});
