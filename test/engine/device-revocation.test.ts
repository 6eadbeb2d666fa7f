import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  eventually,
  startDevice,
} from '../support/storage-devices.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

describe('revoking a storage device token', () => {
  it('drops the device bus connection that authenticated with it, and the runtime stops retrying', async () => {
    const profile = await createProfile(api);
    const { deviceId, bundle } = await addStorageDevice(api, profile.token, 'Revoked NAS');
    const device = await startDevice(bundle);
    await awaitStorage(api, profile.token, deviceId, (d) => d.online);

    const revoked = await api.post('/profile/revoke-authorization-token', {}, bundle.deviceToken);
    expect(revoked.status).toBe(200);
    await eventually(
      () => device.state === 'unauthorized',
      'the runtime reports itself unauthorized',
    );
    await awaitStorage(api, profile.token, deviceId, (d) => !d.online);
    await device.stop();
  });
});
