// Sign out everywhere (issue 9, an extension): every session of the profile but the caller's
// ends at once, on HTTP and on the channel; storage devices keep running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChannel } from '../support/channel.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, PASSWORD } from '../support/profiles.ts';
import { addStorageDevice, awaitStorage, startDevice } from '../support/storage-devices.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

async function signIn(username: string): Promise<string> {
  const auth = await api.post('/profile/authenticate', { username, password: PASSWORD });
  return (auth.body as { authorizationToken: string }).authorizationToken;
}

describe('POST /profile/revoke-other-authorization-tokens', () => {
  it('revokes every other profile and device token of the profile and closes their sockets', async () => {
    const profile = await createProfile(api);
    const other = await createProfile(api);
    const laptop = await signIn(profile.username);
    const qr = await api.post('/profile/generate-token-qr', {}, profile.token);
    const paired = (
      await api.post('/profile/redeem-token-qr', {
        qrToken: (qr.body as { qrToken: string }).qrToken,
        deviceName: 'Phone',
      })
    ).body as { authorizationToken: string };
    const { deviceId, bundle } = await addStorageDevice(api, profile.token, 'Home NAS');
    const nas = await startDevice(bundle);
    await awaitStorage(api, profile.token, deviceId, (d) => d.online);

    const laptopChannel = await TestChannel.open(engine.wsUrl);
    expect((await laptopChannel.join(laptop)).status).toBe(200);
    const phoneChannel = await TestChannel.open(engine.wsUrl);
    expect((await phoneChannel.join(paired.authorizationToken)).status).toBe(200);

    const response = await api.post(
      '/profile/revoke-other-authorization-tokens',
      {},
      profile.token,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revoked: 2 });

    for (const token of [laptop, paired.authorizationToken]) {
      expect((await api.get('/profile/retrieve-profile-id', token)).body).toMatchObject({
        status: 401,
        reason: 'auth.invalid_token',
      });
    }
    expect(await laptopChannel.closed).toBe(4401);
    expect(await phoneChannel.closed).toBe(4401);
    // The caller stays signed in, another profile is untouched, and storage keeps running.
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).status).toBe(200);
    expect((await api.get('/profile/retrieve-profile-id', other.token)).status).toBe(200);
    expect(nas.state).toBe('connected');
    await awaitStorage(api, profile.token, deviceId, (d) => d.online);
    await nas.stop();
  });

  it('is open to a paired computer, and not to a storage device token', async () => {
    const profile = await createProfile(api);
    const qr = await api.post('/profile/generate-token-qr', {}, profile.token);
    const paired = (
      await api.post('/profile/redeem-token-qr', {
        qrToken: (qr.body as { qrToken: string }).qrToken,
        deviceName: 'Laptop',
      })
    ).body as { authorizationToken: string };
    const { bundle } = await addStorageDevice(api, profile.token);
    const refused = await api.post(
      '/profile/revoke-other-authorization-tokens',
      {},
      bundle.deviceToken,
    );
    expect(refused.body).toMatchObject({ status: 403, reason: 'auth.token_kind_not_allowed' });
    const done = await api.post(
      '/profile/revoke-other-authorization-tokens',
      {},
      paired.authorizationToken,
    );
    expect(done.body).toEqual({ revoked: 1 });
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).status).toBe(401);
    expect((await api.get('/profile/retrieve-profile-id', paired.authorizationToken)).status).toBe(
      200,
    );
  });
});
