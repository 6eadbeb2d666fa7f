// Attacks with a device token (issue 9): a storage device's bundle token sits in a file on a NAS,
// so it must reach nothing but the device bus and its own token; a paired computer's token acts
// as the owner but cannot mint credentials or change the password; and a removed device's token
// dies everywhere at once.
import amqp from 'amqplib';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEngineFrame, encodeFrame } from '../../engine/bus/bus-frames.ts';
import { endpoints } from '../../engine/http/endpoints.ts';
import { TestChannel } from '../support/channel.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  eventually,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';

const DUMMY_ID = '01900000-0000-7000-8000-000000000000';

/** A storage device token may reach these and nothing else over HTTP. */
const STORAGE_ALLOWED = new Set([
  'profile.authorization-token-expiry',
  'profile.reauthorize-authorization-token',
  'profile.revoke-authorization-token',
]);

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

interface Variant {
  id: string;
  method: string;
  path: string;
}

/** Every route of every `token` endpoint in the project's endpoint table. */
const tokenRoutes: Variant[] = endpoints
  .filter((e) => e.auth === 'token')
  .flatMap((e) => [
    { id: e.id, method: e.method, path: e.path },
    ...e.aliases.map((alias) => ({ id: e.id, ...alias })),
  ]);

async function call(variant: Variant, token?: string) {
  const path = variant.path.replace(/\{\w+\}/g, DUMMY_ID);
  return api.raw(path, {
    method: variant.method,
    ...(token ? { token } : {}),
    ...(variant.method === 'POST'
      ? {
          body: `deviceIdentifier=${DUMMY_ID}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }
      : {}),
  });
}

/** The routes this engine serves: without a token they answer 401, not 404 route.not_found. */
async function routedTokenRoutes(): Promise<Variant[]> {
  const routed: Variant[] = [];
  for (const variant of tokenRoutes) {
    if ((await call(variant)).status === 401) routed.push(variant);
  }
  return routed;
}

/** A paired computer: redeems a QR code of the profile with a key of its own. */
async function pairedComputerToken(profile: TestProfile): Promise<{ token: string; id: string }> {
  const qr = await api.post('/profile/generate-token-qr', {}, profile.token);
  const redeemed = await api.post('/profile/redeem-token-qr', {
    qrToken: (qr.body as { qrToken: string }).qrToken,
    deviceName: 'Paired laptop',
  });
  const body = redeemed.body as { authorizationToken: string; deviceIdentifier: string };
  return { token: body.authorizationToken, id: body.deviceIdentifier };
}

describe('a storage device token', () => {
  it('walks the endpoint table: every route but its own token endpoints answers 403 auth.token_kind_not_allowed', async () => {
    const profile = await createProfile(api);
    const { bundle } = await addStorageDevice(api, profile.token, 'Stolen NAS');
    const routes = await routedTokenRoutes();
    expect(routes.length).toBeGreaterThan(30);
    // Revoke last: it ends the token.
    const ordered = [
      ...routes.filter((r) => r.id !== 'profile.revoke-authorization-token'),
      ...routes.filter((r) => r.id === 'profile.revoke-authorization-token'),
    ];
    const answered: Record<string, number> = {};
    for (const variant of ordered) {
      const response = await call(variant, bundle.deviceToken);
      answered[`${variant.method} ${variant.path}`] = response.status;
      if (STORAGE_ALLOWED.has(variant.id)) {
        expect(response.status, `${variant.method} ${variant.path}`).toBe(200);
      } else {
        expect(response.status, `${variant.method} ${variant.path}`).toBe(403);
        expect(response.body, `${variant.method} ${variant.path}`).toMatchObject({
          status: 403,
          reason: 'auth.token_kind_not_allowed',
        });
      }
    }
    expect(Object.keys(answered)).toContain('POST /profile/generate-token-qr');
    expect(Object.keys(answered)).toContain('POST /device/download-device-configuration');
  });

  it('cannot join the profile channel', async () => {
    const profile = await createProfile(api);
    const { bundle } = await addStorageDevice(api, profile.token);
    const channel = await TestChannel.open(engine.wsUrl);
    const reply = await channel.join(bundle.deviceToken);
    expect(reply).toMatchObject({
      status: 403,
      data: { reason: 'auth.token_kind_not_allowed' },
    });
    channel.close();
  });

  it('cannot take over a connected device’s bus slot with a token alone', async () => {
    const profile = await createProfile(api);
    const { deviceId, bundle } = await addStorageDevice(api, profile.token, 'Busy NAS');
    const device = await startDevice(bundle);
    await awaitStorage(api, profile.token, deviceId, (d) => d.online);

    if (bundle.bus.kind === 'amqp') {
      // On RabbitMQ the device's queue is its slot and the broker gives it to one consumer: even
      // with the bundle's broker credentials a second connection cannot take it.
      const intruder = await amqp.connect(bundle.bus.url);
      const channel = await intruder.createChannel();
      channel.on('error', () => undefined);
      await expect(
        channel.consume(bundle.bus.queue, () => undefined, { exclusive: true }),
      ).rejects.toThrow(/exclusive use/);
      await intruder.close().catch(() => undefined);
      expect(device.connected).toBe(true);
      await awaitStorage(api, profile.token, deviceId, (d) => d.online);
      await device.stop();
      return;
    }

    // Another live token of the same device, as someone who copied the bundle's token would hold.
    const intruder = new WebSocket(bundle.bus.url);
    await new Promise<void>((resolve, reject) => {
      intruder.once('open', () => resolve());
      intruder.once('error', reject);
    });
    const closed = new Promise<number>((resolve) =>
      intruder.once('close', (code) => resolve(code)),
    );
    const challenged = new Promise<Buffer>((resolve) => intruder.once('message', resolve));
    intruder.send(encodeFrame({ op: 'hello', deviceToken: bundle.deviceToken }));
    expect(decodeEngineFrame(await challenged, true).header.op).toBe('challenge');
    // It has no private key to prove with.
    intruder.send(encodeFrame({ op: 'proof', proof: '' }));
    expect(await closed).toBe(4409);
    // The device that was there keeps its slot and stays online.
    expect(device.connected).toBe(true);
    expect(device.state).toBe('connected');
    await awaitStorage(api, profile.token, deviceId, (d) => d.online);

    // The device itself (its bundle with the private key, started again elsewhere) proves it.
    const again = await startDevice(bundle);
    await eventually(() => device.state === 'replaced', 'the first runtime gives way');
    expect(again.connected).toBe(true);
    await again.stop();
    await device.stop();
  });
});

describe('a paired computer’s device token', () => {
  it('acts as the owner but cannot show a pairing code, change the password or mint device configurations', async () => {
    const profile = await createProfile(api);
    const paired = await pairedComputerToken(profile);
    expect((await api.get('/device/retrieve-profile-devices', paired.token)).status).toBe(200);
    for (const [path, fields] of [
      ['/profile/generate-token-qr', {}],
      ['/profile/generate-qr-token-for-authorization', {}],
      ['/profile/change-password', { currentPassword: 'guess', newPassword: 'a new password!' }],
      ['/device/download-device-configuration', { deviceIdentifier: paired.id }],
      ['/public-key/register-public-key', { publicKey: profile.keys.public }],
    ] as const) {
      const response = await api.post(path, fields, paired.token);
      expect(response.status, path).toBe(403);
      expect(response.body, path).toMatchObject({ reason: 'auth.token_kind_not_allowed' });
    }
    const viaAlias = await api.get(
      `/device/retrieve-device-configuration?deviceIdentifier=${paired.id}`,
      paired.token,
    );
    expect(viaAlias.status).toBe(403);
  });
});

describe('removing a device', () => {
  it('ends its token on every endpoint, on the channel and on the bus at once', async () => {
    const profile = await createProfile(api);
    const { deviceId, bundle } = await addStorageDevice(api, profile.token, 'Removed NAS');
    const device = await startDevice(bundle);
    await awaitStorage(api, profile.token, deviceId, (d) => d.online);
    const paired = await pairedComputerToken(profile);
    const channel = await TestChannel.open(engine.wsUrl);
    expect((await channel.join(paired.token)).status).toBe(200);

    expect(
      (await runCommand(api, '/device/remove', { deviceIdentifier: deviceId }, profile.token))
        .outcome,
    ).toBe('succeeded');
    expect(
      (await runCommand(api, '/device/remove', { deviceIdentifier: paired.id }, profile.token))
        .outcome,
    ).toBe('succeeded');

    for (const variant of await routedTokenRoutes()) {
      for (const token of [bundle.deviceToken, paired.token]) {
        const response = await call(variant, token);
        expect(response.status, `${variant.method} ${variant.path}`).toBe(401);
        expect(response.body).toMatchObject({ reason: 'auth.invalid_token' });
      }
    }
    expect(await channel.closed).toBe(4401);
    await eventually(() => device.state === 'unauthorized', 'the bus drops the removed device');
    const rejoin = await TestChannel.open(engine.wsUrl);
    expect((await rejoin.join(paired.token)).status).toBe(401);
    rejoin.close();
    await device.stop();
  });

  it('is checked when the token is resolved: a device gone from the store takes its live tokens with it', async () => {
    const profile = await createProfile(api);
    const paired = await pairedComputerToken(profile);
    expect((await api.get('/profile/retrieve-profile-id', paired.token)).status).toBe(200);
    // The record disappears without its tokens being revoked (a removal racing an issue).
    await engine.ctx.store.devices.remove(paired.id);
    const response = await api.get('/profile/retrieve-profile-id', paired.token);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ reason: 'auth.invalid_token' });
    const channel = await TestChannel.open(engine.wsUrl);
    expect((await channel.join(paired.token)).status).toBe(401);
    channel.close();
  });
});
