import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSignedPublicKey,
  generateSignedKeyPair,
  privateKeyFromHex,
  rawPublicKey,
  signPublicKey,
} from '../../engine/crypto/signed-key.ts';
import { parseDeviceBundle } from '../../engine/devices/device-bundle.ts';
import { expectedBundleBus } from '../support/backend.ts';
import { TestChannel } from '../support/channel.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import {
  awaitStorage,
  eventually,
  listStorage,
  requestDevice,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';

/** Device lifecycle (contract §8), QR pairing (§4) and the storage role (§9) over real HTTP and WebSocket. */
let clockOffset = 0;
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let channel: TestChannel;

beforeAll(async () => {
  engine = await startTestEngine({ now: () => Date.now() + clockOffset, holderWaitMs: 500 });
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  channel = await TestChannel.open(engine.wsUrl);
  await channel.join(owner.token);
});
afterAll(async () => {
  channel?.close();
  await engine?.close();
});

interface DeviceRecord {
  deviceIdentifier: string;
  name: string;
  status: string;
  role: string | null;
  createdAt: string;
  approvedAt: string | null;
  meta: Record<string, string>;
}

async function devices(token = owner.token): Promise<DeviceRecord[]> {
  const response = await api.get('/device/retrieve-profile-devices', token);
  expect(response.status).toBe(200);
  return response.body as DeviceRecord[];
}

async function device(deviceId: string): Promise<DeviceRecord | undefined> {
  return (await devices()).find((d) => d.deviceIdentifier === deviceId);
}

async function rejectionReason(id: string): Promise<unknown> {
  return (await channel.commandOutcome(id)).data!.body;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

describe('request and approval', () => {
  it('creates a pending device, announces DEVICE-PENDING and resolves by command id', async () => {
    const response = await api.post(
      '/device/request-unique-identifier',
      { deviceName: 'Office NAS' },
      owner.token,
    );
    expect(response.status).toBe(202);
    const id = response.headers.get('x-dpt-cab-id')!;
    expect(response.body).toEqual([id]);
    const outcome = await channel.commandOutcome(id);
    const deviceId = (outcome.data!.body as { deviceIdentifier: string }).deviceIdentifier;
    expect(outcome.data).toMatchObject({
      command_status: 2,
      body: { deviceIdentifier: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });

    const pending = await channel.waitFor(
      (frame) => frame.data?.type === 'DEVICE-PENDING' && frame.data.id === deviceId,
    );
    expect(pending.data).toEqual({
      type: 'DEVICE-PENDING',
      id: deviceId,
      body: { deviceName: 'Office NAS', requestedAt: expect.stringMatching(ISO) },
    });

    const retrieved = await api.post('/device/retrieve-unique-identifier', { id }, owner.token);
    expect(retrieved.body).toEqual({ deviceIdentifier: deviceId });
    expect(await device(deviceId)).toEqual({
      deviceIdentifier: deviceId,
      name: 'Office NAS',
      status: 'pending',
      role: null,
      createdAt: expect.stringMatching(ISO),
      approvedAt: null,
      meta: {},
    });
  });

  it('refuses the configuration of a pending device with 409 device.not_approved', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Pending');
    const response = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ status: 409, reason: 'device.not_approved' });
    const alias = await api.get(
      `/device/retrieve-device-configuration?deviceIdentifier=${deviceId}`,
      owner.token,
    );
    expect(alias.status).toBe(409);
  });

  it('approves once; a second approval is rejected with device.not_pending', async () => {
    const deviceId = await requestDevice(api, owner.token, 'To approve');
    const approved = await runCommand(
      api,
      '/device/approve-device',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(approved.outcome).toBe('succeeded');
    expect(await device(deviceId)).toMatchObject({
      status: 'approved',
      approvedAt: expect.stringMatching(ISO),
    });
    const again = await runCommand(
      api,
      '/device/approve-device',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(again.outcome).toBe('rejected');
    expect(await rejectionReason(again.id)).toBe('device.not_pending');
    expect((await api.get(`/request-status/${again.id}`)).headers.get('x-dpt-cab-reason')).toBe(
      'device.not_pending',
    );
  });

  it('rejects a pending device by deleting it, and refuses to reject an approved one', async () => {
    const deviceId = await requestDevice(api, owner.token, 'To reject');
    expect(
      (await runCommand(api, '/device/reject-device', { deviceIdentifier: deviceId }, owner.token))
        .outcome,
    ).toBe('succeeded');
    expect(await device(deviceId)).toBeUndefined();
    expect(
      (await api.post('/device/approve-device', { deviceIdentifier: deviceId }, owner.token))
        .status,
    ).toBe(404);

    const approvedId = await requestDevice(api, owner.token, 'Approved');
    await runCommand(api, '/device/approve-device', { deviceIdentifier: approvedId }, owner.token);
    const refused = await runCommand(
      api,
      '/device/reject-device',
      { deviceIdentifier: approvedId },
      owner.token,
    );
    expect(refused.outcome).toBe('rejected');
    expect(await rejectionReason(refused.id)).toBe('device.not_pending');
    expect(await device(approvedId)).toMatchObject({ status: 'approved' });
  });
});

describe('configure-meta', () => {
  it('merges fields, removes emptied ones and renames with name', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Meta box');
    await runCommand(
      api,
      '/device/configure-meta',
      { deviceIdentifier: deviceId, location: 'office', rack: '7' },
      owner.token,
    );
    expect((await device(deviceId))!.meta).toEqual({ location: 'office', rack: '7' });
    await runCommand(
      api,
      '/device/configure-meta',
      { deviceIdentifier: deviceId, rack: '', 'os.version': '14.2', name: 'Renamed box' },
      owner.token,
    );
    expect(await device(deviceId)).toMatchObject({
      name: 'Renamed box',
      meta: { location: 'office', 'os.version': '14.2' },
    });
    const json = await api.postJson(
      '/device/configure-meta',
      { deviceIdentifier: deviceId, location: 'home' },
      owner.token,
    );
    expect(json.status).toBe(202);
    await channel.commandOutcome(json.headers.get('x-dpt-cab-id')!);
    expect((await device(deviceId))!.meta).toEqual({ location: 'home', 'os.version': '14.2' });
  });

  it('enforces the free-form rules with 422', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Rules');
    const cases: Record<string, string>[] = [
      { 'bad name!': 'x' },
      { ['n'.repeat(65)]: 'x' },
      { long: 'v'.repeat(1025) },
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x'])),
    ];
    for (const fields of cases) {
      const response = await api.post(
        '/device/configure-meta',
        { deviceIdentifier: deviceId, ...fields },
        owner.token,
      );
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        reason: 'validation.failed',
        errors: expect.any(Object),
      });
    }
    const nested = await api.post(
      '/device/configure-meta',
      { deviceIdentifier: deviceId, nested: { a: 'b' } },
      owner.token,
    );
    expect(nested.status).toBe(422);
    const emptyName = await api.post(
      '/device/configure-meta',
      { deviceIdentifier: deviceId, name: '' },
      owner.token,
    );
    expect(emptyName.status).toBe(422);
  });
});

describe('configuration bundle', () => {
  it('issues a new device token per call; keys.private only for engine-generated keys', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Generated keys');
    await runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, owner.token);
    const first = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(first.status).toBe(200);
    const bundle = parseDeviceBundle(first.body);
    expect(first.body).toEqual({
      deviceIdentifier: deviceId,
      engine: { apiUrl: engine.apiUrl, wsUrl: engine.wsUrl },
      bus: await expectedBundleBus(engine, deviceId),
      deviceToken: expect.stringMatching(/^T-[A-Za-z0-9_-]{43}$/),
      deviceTokenExpiresAt: expect.stringMatching(ISO),
      keys: { public: expect.any(String), private: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    // The private key belongs to the public one.
    expect(signPublicKey(rawPublicKey(privateKeyFromHex(bundle.keys.private!)))).toBe(
      bundle.keys.public,
    );
    const expiresIn = Date.parse(bundle.deviceTokenExpiresAt) - Date.now();
    expect(Math.abs(expiresIn - 30 * 24 * 3600_000)).toBeLessThan(3600_000);

    const second = await api.get(
      `/device/retrieve-device-configuration?deviceIdentifier=${deviceId}`,
      owner.token,
    );
    expect(second.status).toBe(200);
    const secondToken = (second.body as { deviceToken: string }).deviceToken;
    expect(secondToken).not.toBe(bundle.deviceToken);
    // Earlier tokens live on; a device token acts as the owner.
    for (const token of [bundle.deviceToken, secondToken]) {
      expect((await api.get('/profile/retrieve-profile-id', token)).body).toEqual({
        profileId: owner.profileId,
      });
    }

    const ownKey = generateSignedKeyPair();
    const ownId = await requestDeviceWithKey(ownKey.public.toUpperCase());
    await runCommand(api, '/device/approve-device', { deviceIdentifier: ownId }, owner.token);
    const own = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier: ownId },
      owner.token,
    );
    expect((own.body as { keys: unknown }).keys).toEqual({ public: ownKey.public });
    expect(checkSignedPublicKey(ownKey.public)).toBeUndefined();
  });

  it('refuses a malformed public key with 422 and creates nothing', async () => {
    const before = (await devices()).length;
    const response = await api.post(
      '/device/request-unique-identifier',
      { deviceName: 'Bad key', publicKey: 'ab'.repeat(100) },
      owner.token,
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({
      reason: 'validation.failed',
      errors: { publicKey: expect.any(Array) },
    });
    expect((await devices()).length).toBe(before);
  });
});

async function requestDeviceWithKey(publicKey: string): Promise<string> {
  const { id } = await runCommand(
    api,
    '/device/request-unique-identifier',
    { deviceName: 'Own key', publicKey },
    owner.token,
  );
  return (
    (await api.post('/device/retrieve-unique-identifier', { id }, owner.token)).body as {
      deviceIdentifier: string;
    }
  ).deviceIdentifier;
}

describe('remove', () => {
  it('deletes the device, revokes its tokens and drops its bus connection', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Doomed');
    await runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, owner.token);
    await runCommand(api, '/storage/register', { deviceIdentifier: deviceId }, owner.token);
    const bundle = parseDeviceBundle(
      (
        await api.post(
          '/device/download-device-configuration',
          { deviceIdentifier: deviceId },
          owner.token,
        )
      ).body,
    );
    const runtime = await startDevice(bundle);
    await awaitStorage(api, owner.token, deviceId, (d) => d.online);
    // (A storage device's token joins no channel; a paired computer's socket closing with 4401
    // is in token-roles.test.ts.)

    expect(
      (await runCommand(api, '/device/remove', { deviceIdentifier: deviceId }, owner.token))
        .outcome,
    ).toBe('succeeded');
    await eventually(() => runtime.state === 'unauthorized', 'the runtime was refused');
    expect(await device(deviceId)).toBeUndefined();
    expect((await listStorage(api, owner.token)).map((d) => d.deviceIdentifier)).not.toContain(
      deviceId,
    );
    const revoked = await api.get('/profile/retrieve-profile-id', bundle.deviceToken);
    expect(revoked.body).toMatchObject({ status: 401, reason: 'auth.invalid_token' });
    expect(
      (await api.post('/device/remove', { deviceIdentifier: deviceId }, owner.token)).status,
    ).toBe(404);
    await runtime.stop();
  });
});

describe('QR pairing', () => {
  async function qrToken(): Promise<string> {
    return (
      (await api.post('/profile/generate-token-qr', {}, owner.token)).body as { qrToken: string }
    ).qrToken;
  }

  it('redeems a QR token into an approved device with a device token, once, and tells the owner', async () => {
    const qr = await qrToken();
    const response = await api.post('/profile/redeem-token-qr', {
      qrToken: qr,
      deviceName: 'Phone',
    });
    expect(response.status).toBe(200);
    const paired = response.body as {
      deviceIdentifier: string;
      authorizationToken: string;
      expiresAt: string;
    };
    expect(paired).toEqual({
      deviceIdentifier: expect.any(String),
      authorizationToken: expect.stringMatching(/^T-/),
      expiresAt: expect.stringMatching(ISO),
    });
    const event = await channel.waitFor(
      (frame) => frame.data?.type === 'DEVICE-PAIRED' && frame.data.id === paired.deviceIdentifier,
    );
    expect(event.data).toEqual({
      type: 'DEVICE-PAIRED',
      id: paired.deviceIdentifier,
      body: { deviceName: 'Phone', pairedAt: expect.stringMatching(ISO) },
    });
    expect(await device(paired.deviceIdentifier)).toMatchObject({
      name: 'Phone',
      status: 'approved',
      role: null,
    });
    expect((await api.get('/profile/retrieve-profile-id', paired.authorizationToken)).body).toEqual(
      { profileId: owner.profileId },
    );
    // Its configuration (a fresh device token with each read) is the owner's to mint.
    expect(
      (
        await api.post(
          '/device/download-device-configuration',
          { deviceIdentifier: paired.deviceIdentifier },
          paired.authorizationToken,
        )
      ).body,
    ).toMatchObject({ status: 403, reason: 'auth.token_kind_not_allowed' });
    expect(
      (
        await api.post(
          '/device/download-device-configuration',
          { deviceIdentifier: paired.deviceIdentifier },
          owner.token,
        )
      ).status,
    ).toBe(200);

    const reused = await api.post('/profile/redeem-token-qr', {
      qrToken: qr,
      deviceName: 'Second phone',
    });
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ status: 401, reason: 'qr.invalid' });
  });

  it('refuses unknown, malformed and expired QR tokens with 401 qr.invalid', async () => {
    for (const bad of ['Q-nope', `Q-${'A'.repeat(43)}`, 'T-something']) {
      const response = await api.post('/profile/redeem-token-qr', {
        qrToken: bad,
        deviceName: 'X',
      });
      expect(response.body).toMatchObject({ status: 401, reason: 'qr.invalid' });
    }
    const qr = await qrToken();
    clockOffset += 6 * 60_000;
    try {
      const expired = await api.post('/profile/redeem-token-qr', {
        qrToken: qr,
        deviceName: 'Late',
      });
      expect(expired.body).toMatchObject({ status: 401, reason: 'qr.invalid' });
    } finally {
      clockOffset -= 6 * 60_000;
    }
  });

  it('takes the device key when given and validates it before spending the token', async () => {
    const qr = await qrToken();
    const invalid = await api.post('/profile/redeem-token-qr', {
      qrToken: qr,
      deviceName: 'Keyed',
      publicKey: 'zz',
    });
    expect(invalid.status).toBe(422);
    const key = generateSignedKeyPair();
    const ok = await api.post('/profile/redeem-token-qr', {
      qrToken: qr,
      deviceName: 'Keyed',
      publicKey: key.public,
    });
    expect(ok.status).toBe(200);
    const { deviceIdentifier } = ok.body as { deviceIdentifier: string };
    const bundle = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier },
      owner.token,
    );
    expect((bundle.body as { keys: unknown }).keys).toEqual({ public: key.public });
  });
});

describe('storage role', () => {
  it('registers only approved devices without a role', async () => {
    const pendingId = await requestDevice(api, owner.token, 'Not yet');
    const pending = await runCommand(
      api,
      '/storage/register',
      { deviceIdentifier: pendingId },
      owner.token,
    );
    expect(pending.outcome).toBe('rejected');
    expect(await rejectionReason(pending.id)).toBe('device.not_approved');

    await runCommand(api, '/device/approve-device', { deviceIdentifier: pendingId }, owner.token);
    expect(
      (await runCommand(api, '/storage/register', { deviceIdentifier: pendingId }, owner.token))
        .outcome,
    ).toBe('succeeded');
    expect(await device(pendingId)).toMatchObject({ role: 'storage' });
    const taken = await runCommand(
      api,
      '/storage/register',
      { deviceIdentifier: pendingId },
      owner.token,
    );
    expect(taken.outcome).toBe('rejected');
    expect(await rejectionReason(taken.id)).toBe('device.role_taken');
  });

  it('lists storage devices with presence, last sight and holdings; remove drops the role', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Listed');
    await runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, owner.token);
    await runCommand(api, '/storage/register', { deviceIdentifier: deviceId }, owner.token);
    const never = (await listStorage(api, owner.token)).find(
      (d) => d.deviceIdentifier === deviceId,
    );
    expect(never).toEqual({
      deviceIdentifier: deviceId,
      name: 'Listed',
      online: false,
      lastSeenAt: null,
      storedTokens: 0,
      storedBytes: 0,
    });

    const offline = await runCommand(
      api,
      '/storage/synchronize',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(await rejectionReason(offline.id)).toBe('storage.device_offline');

    const bundle = parseDeviceBundle(
      (
        await api.post(
          '/device/download-device-configuration',
          { deviceIdentifier: deviceId },
          owner.token,
        )
      ).body,
    );
    const runtime = await startDevice(bundle);
    const online = await awaitStorage(api, owner.token, deviceId, (d) => d.online);
    expect(online.lastSeenAt).toMatch(ISO);
    await runtime.stop();
    const gone = await awaitStorage(api, owner.token, deviceId, (d) => !d.online);
    expect(gone.lastSeenAt).toMatch(ISO);

    expect(
      (await runCommand(api, '/storage/remove', { deviceIdentifier: deviceId }, owner.token))
        .outcome,
    ).toBe('succeeded');
    expect(await device(deviceId)).toMatchObject({ role: null });
    expect((await listStorage(api, owner.token)).map((d) => d.deviceIdentifier)).not.toContain(
      deviceId,
    );
    const notRegistered = await runCommand(
      api,
      '/storage/remove',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(await rejectionReason(notRegistered.id)).toBe('storage.not_registered');
    const syncRefused = await runCommand(
      api,
      '/storage/synchronize',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    expect(await rejectionReason(syncRefused.id)).toBe('storage.not_registered');
  });
});
