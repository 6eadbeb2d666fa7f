import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { TestChannel } from '../support/channel.ts';
import { download, requestDownload, reserve, storeInline } from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  listStorage,
  requestDevice,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';

/**
 * Contract §1.5: another profile's devices, reservations and data tokens answer 404 with the
 * resource's key on every device, storage and data-token endpoint, exactly as unknown ones do,
 * and nothing about them shows in the intruder's listings.
 */
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let intruder: TestProfile;
let channel: TestChannel;
let runtime: RunningStorageDevice;

const victim = {
  storageDevice: '',
  pendingDevice: '',
  deviceCommand: '',
  reservationCommand: '',
  temporaryToken: '',
  storedTemporaryToken: '',
  dataToken: '',
};

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  intruder = await createProfile(api);
  channel = await TestChannel.open(engine.wsUrl);
  await channel.join(owner.token);
  const storage = await addStorageDevice(api, owner.token, 'Owner NAS');
  victim.storageDevice = storage.deviceId;
  runtime = await startDevice(storage.bundle);
  const { id } = await runCommand(
    api,
    '/device/request-unique-identifier',
    { deviceName: 'Owner pending' },
    owner.token,
  );
  victim.deviceCommand = id;
  victim.pendingDevice = (
    (await api.post('/device/retrieve-unique-identifier', { id }, owner.token)).body as {
      deviceIdentifier: string;
    }
  ).deviceIdentifier;
  const reservation = await reserve(api, owner.token);
  victim.reservationCommand = reservation.commandId;
  victim.temporaryToken = reservation.token;
  const storedReservation = await reserve(api, owner.token);
  await runCommand(
    api,
    '/data-token/exchange-data-for-token',
    { temporaryTokenSpace: storedReservation.token, data: 'AAAA' },
    owner.token,
  );
  victim.storedTemporaryToken = storedReservation.token;
  victim.dataToken = await storeInline(api, owner.token, randomBytes(100), { fileName: 'secret' });
});
afterAll(async () => {
  channel?.close();
  await runtime?.stop();
  await engine?.close();
});

describe('profile isolation', () => {
  it('answers 404 device.not_found for every device and storage call on the other profile devices', async () => {
    const calls: [string, Record<string, string>][] = [];
    for (const deviceIdentifier of [victim.storageDevice, victim.pendingDevice]) {
      for (const path of [
        '/device/configure-meta',
        '/device/approve-device',
        '/device/reject-device',
        '/device/download-device-configuration',
        '/device/remove',
        '/storage/register',
        '/storage/synchronize',
        '/storage/remove',
      ]) {
        calls.push([path, { deviceIdentifier, name: 'mine now' }]);
      }
    }
    calls.push(['/device/retrieve-unique-identifier', { id: victim.deviceCommand }]);
    for (const [path, fields] of calls) {
      const response = await api.post(path, fields, intruder.token);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toEqual({
        status: 404,
        reason: 'device.not_found',
        message: expect.any(String),
      });
      expect(response.headers.get('x-dpt-cab-id'), path).toBeNull();
    }
    const alias = await api.get(
      `/device/retrieve-device-configuration?deviceIdentifier=${victim.storageDevice}`,
      intruder.token,
    );
    expect(alias.body).toMatchObject({ status: 404, reason: 'device.not_found' });
  });

  it('answers 404 data_token.not_found for every data-token call on the other profile tokens', async () => {
    const calls: [string, Record<string, string>][] = [
      [
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: victim.temporaryToken, data: 'AAAA' },
      ],
      [
        '/data-token/configure-file-meta',
        { token: victim.storedTemporaryToken, fileName: 'stolen', size: '1' },
      ],
      ['/data-token/request-data', { token: victim.dataToken }],
      ['/data-token/update-data-token', { token: victim.dataToken, fileName: 'renamed' }],
      [
        '/data-token/configure-information-security-risk-meta',
        { token: victim.dataToken, classification: 'public' },
      ],
      ['/data-token/delete-data', { token: victim.dataToken }],
    ];
    for (const [path, fields] of calls) {
      const response = await api.post(path, fields, intruder.token);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toEqual({
        status: 404,
        reason: 'data_token.not_found',
        message: expect.any(String),
      });
    }
    const temporary = await api.get(
      `/data-token/retrieve-temporary-data-token/${victim.reservationCommand}`,
      intruder.token,
    );
    expect(temporary.body).toEqual({
      status: 404,
      reason: 'data_token.not_found',
      message: expect.any(String),
    });
  });

  it('shows none of the other profile resources in listings or statistics', async () => {
    expect((await api.get('/device/retrieve-profile-devices', intruder.token)).body).toEqual([]);
    expect(await listStorage(api, intruder.token)).toEqual([]);
    expect((await api.get('/data-token/list-data-tokens', intruder.token)).body).toEqual({
      items: [],
      meta: { count: 0, page: 1, perPage: 25 },
    });
    const stats = (await api.get('/data-token/transaction-count-statistics', intruder.token))
      .body as Record<string, number>;
    expect(stats).toMatchObject({ exchanged: 0, requested: 0, deleted: 0 });
  });

  it('leaves the owner resources untouched', async () => {
    const mine = (await api.get('/device/retrieve-profile-devices', owner.token)).body as {
      deviceIdentifier: string;
      name: string;
      status: string;
    }[];
    expect(mine.find((d) => d.deviceIdentifier === victim.pendingDevice)).toMatchObject({
      name: 'Owner pending',
      status: 'pending',
    });
    expect((await listStorage(api, owner.token)).map((d) => d.deviceIdentifier)).toEqual([
      victim.storageDevice,
    ]);
    const listed = (await api.get('/data-token/list-data-tokens', owner.token)).body as {
      items: { token: string; fileName: string }[];
    };
    expect(listed.items.find((item) => item.token === victim.dataToken)).toMatchObject({
      fileName: 'secret',
    });
    const got = await download(await requestDownload(api, channel, owner.token, victim.dataToken));
    expect(got.status).toBe(200);
    expect(await requestDevice(api, intruder.token, 'Intruder device')).not.toBe(
      victim.pendingDevice,
    );
  });
});
