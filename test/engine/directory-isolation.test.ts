// "A member's files stay the member's: admins see counts, never contents" (issue 12). A managed
// profile signs in, registers its own key and stores a file; its admin then tries every endpoint
// within reach — its own token, every directory endpoint, and the device tokens it can mint for
// the member's devices — and gets neither the list nor the bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeviceBundle } from '../../engine/devices/device-bundle.ts';
import { endpoints } from '../../engine/http/endpoints.ts';
import { TestChannel } from '../support/channel.ts';
import { download, encrypt, requestDownload, storeInline } from '../support/data-tokens.ts';
import {
  createManagedUser,
  createOrganisation,
  succeed,
  type Organisation,
} from '../support/directories.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import type { TestProfile } from '../support/profiles.ts';
import {
  awaitStorage,
  requestDevice,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';
import { randomBytes } from 'node:crypto';

const FILE_NAME = 'salaries-2026';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let org: Organisation;
let staff: TestProfile;
let dataToken: string;
let stopStorage: () => Promise<void>;

/** create-profile-device by `token` for `profileId`; the new device's identifier. */
async function provisionDevice(token: string, profileId: string, deviceName: string) {
  const id = await succeed(
    api,
    '/directory/create-profile-device',
    { directoryId: org.directoryId, profileId, deviceName },
    token,
  );
  const found = await api.post('/device/retrieve-unique-identifier', { id }, token);
  return (found.body as { deviceIdentifier: string }).deviceIdentifier;
}

async function configuration(token: string, deviceIdentifier: string) {
  return api.post('/device/download-device-configuration', { deviceIdentifier }, token);
}

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  org = await createOrganisation(api);
  // A managed profile: the admin made it, it signed in and registered its own key.
  staff = await createManagedUser(api, org.directoryId, org.admin.token, { displayName: 'Staff' });
  // Its storage, set up by the admin on its behalf.
  const nas = await provisionDevice(org.admin.token, staff.profileId, 'Staff NAS');
  await succeed(
    api,
    '/directory/add-storage-device-to-profile',
    { directoryId: org.directoryId, profileId: staff.profileId, deviceIdentifier: nas },
    org.admin.token,
  );
  const bundle = await configuration(org.admin.token, nas);
  const device = await startDevice(parseDeviceBundle(bundle.body));
  stopStorage = () => device.stop();
  await awaitStorage(api, staff.token, nas, (d) => d.online);
  dataToken = await storeInline(api, staff.token, encrypt(randomBytes(32), Buffer.from('pay')), {
    fileName: FILE_NAME,
    extension: 'pdf',
    context: '/hr',
    size: '3',
  });
});
afterAll(async () => {
  await stopStorage?.();
  await engine.close();
});

describe('a managed member’s files', () => {
  it('are the member’s: it lists and fetches them', async () => {
    const listed = await api.get('/data-token/list-data-tokens', staff.token);
    expect(JSON.stringify(listed.body)).toContain(FILE_NAME);
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(staff.token);
    const url = await requestDownload(api, channel, staff.token, dataToken);
    expect((await download(url)).status).toBe(200);
    channel.close();
  });

  it('are not listed or fetched with the admin’s own token, even knowing the data token', async () => {
    const listed = await api.get('/data-token/list-data-tokens', org.admin.token);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(FILE_NAME);
    for (const path of [
      '/data-token/request-data',
      '/data-token/configure-file-meta',
      '/data-token/update-data-token',
      '/data-token/delete-data',
    ]) {
      const response = await api.post(
        path,
        { token: dataToken, fileName: 'x', size: '1' },
        org.admin.token,
      );
      expect(response.status, path).toBe(404);
      expect(response.body, path).toMatchObject({ reason: 'data_token.not_found' });
    }
  });

  it('show as counts on every directory endpoint, never as names or tokens', async () => {
    const reads = [
      `/directory/retrieve/${org.directoryId}`,
      `/directory/list-users/${org.directoryId}`,
      `/directory/retrieve-profile/${org.directoryId}/${staff.profileId}`,
      `/directory/profiles-info/${org.directoryId}`,
      `/directory/list-devices/${org.directoryId}`,
      `/directory/list-invites?directoryId=${org.directoryId}`,
      '/directory/retrieve-assigned',
      '/directory/retrieve-owned',
    ];
    for (const path of reads) {
      for (const who of [org.admin, org.owner]) {
        const response = await api.get(path, who.token);
        expect(response.status, path).toBe(200);
        expect(response.text, path).not.toContain(FILE_NAME);
        expect(response.text, path).not.toContain(dataToken);
        expect(response.text, path).not.toContain('/hr');
      }
    }
    const info = await api.get(`/directory/profiles-info/${org.directoryId}`, org.admin.token);
    expect((info.body as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({ profileId: staff.profileId, dataTokens: 1, storageDevices: 1 }),
    );
  });

  it('are out of reach of a device token the admin mints for the member, and of its reauthorized successor', async () => {
    const laptop = await provisionDevice(org.admin.token, staff.profileId, 'Staff laptop');
    const bundle = await configuration(org.admin.token, laptop);
    expect(bundle.status).toBe(200);
    const minted = (bundle.body as { deviceToken: string }).deviceToken;

    const refused = async (token: string) => {
      for (const response of [
        await api.get('/data-token/list-data-tokens', token),
        await api.post('/data-token/request-data', { token: dataToken }, token),
        await api.get('/device/retrieve-profile-devices', token),
        await api.post('/directory/register', { name: 'Mine' }, token),
      ]) {
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ reason: 'auth.token_kind_not_allowed' });
      }
      const channel = await TestChannel.open(engine.wsUrl);
      expect(await channel.join(token)).toMatchObject({
        status: 403,
        data: { reason: 'auth.token_kind_not_allowed' },
      });
      channel.close();
    };
    await refused(minted);
    // Reauthorizing must not launder it into a token that acts as the member.
    const renewed = await api.post('/profile/reauthorize-authorization-token', {}, minted);
    expect(renewed.status).toBe(200);
    await refused((renewed.body as { authorizationToken: string }).authorizationToken);
    expect((await api.post('/profile/authorization-token/expiry', {}, minted)).status).toBe(200);

    // The member fetching its own device's bundle gets a token that acts as the member.
    const own = await configuration(staff.token, laptop);
    const ownToken = (own.body as { deviceToken: string }).deviceToken;
    expect((await api.get('/data-token/list-data-tokens', ownToken)).status).toBe(200);
  });

  it('walk the endpoint table: the admin-minted token reaches only its own token endpoints', async () => {
    const tablet = await provisionDevice(org.owner.token, staff.profileId, 'Staff tablet');
    const minted = ((await configuration(org.owner.token, tablet)).body as { deviceToken: string })
      .deviceToken;
    const own = new Set([
      'profile.authorization-token-expiry',
      'profile.reauthorize-authorization-token',
      'profile.revoke-authorization-token',
    ]);
    const dummy = '01900000-0000-7000-8000-000000000000';
    const walked: string[] = [];
    for (const e of endpoints.filter((x) => x.auth === 'token' && !own.has(x.id))) {
      const response = await api.raw(e.path.replace(/\{\w+\}/g, dummy), {
        method: e.method,
        token: minted,
        ...(e.method === 'POST'
          ? {
              body: `deviceIdentifier=${dummy}`,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            }
          : {}),
      });
      if (
        response.status === 404 &&
        (response.body as { reason: string }).reason === 'route.not_found'
      )
        continue;
      walked.push(e.id);
      expect(response.status, e.id).toBe(403);
      expect(response.body, e.id).toMatchObject({ reason: 'auth.token_kind_not_allowed' });
    }
    expect(walked).toEqual(
      expect.arrayContaining([
        'data-token.list-data-tokens',
        'data-token.request-data',
        'device.download-device-configuration',
        'directory.list-users',
        'directory.create-user',
      ]),
    );
    expect(walked.length).toBeGreaterThan(40);
  });
});

describe('device configurations through a directory', () => {
  it('stay the member’s for devices it made itself, whoever runs the directory', async () => {
    const own = await requestDevice(api, staff.token, 'Own phone');
    await succeed(api, '/device/approve-device', { deviceIdentifier: own }, staff.token);
    for (const who of [org.owner, org.admin, org.member, org.outsider]) {
      const response = await configuration(who.token, own);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ reason: 'device.not_found' });
    }
    expect((await configuration(staff.token, own)).status).toBe(200);
  });

  it('of a provisioned device: its directory’s owner and admins, not members or outsiders', async () => {
    const device = await provisionDevice(org.owner.token, staff.profileId, 'Desk');
    expect((await configuration(org.owner.token, device)).status).toBe(200);
    expect((await configuration(org.admin.token, device)).status).toBe(200);
    for (const who of [org.member, org.outsider]) {
      const response = await configuration(who.token, device);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ reason: 'device.not_found' });
    }
  });

  it('of an admin’s device: the owner only, and an admin demoted to member loses the reach', async () => {
    const second = await createManagedUser(api, org.directoryId, org.owner.token, {
      role: 'admin',
    });
    const device = await provisionDevice(org.owner.token, second.profileId, 'Admin laptop');
    // Another admin cannot reach an admin's device.
    const refused = await configuration(org.admin.token, device);
    expect(refused.status).toBe(404);
    expect((await configuration(org.owner.token, device)).status).toBe(200);

    const memberDevice = await provisionDevice(second.token, staff.profileId, 'Shared');
    expect((await configuration(second.token, memberDevice)).status).toBe(200);
    await succeed(
      api,
      '/directory/update-user',
      { directoryId: org.directoryId, profileId: second.profileId, role: 'member' },
      org.owner.token,
    );
    expect((await configuration(second.token, memberDevice)).status).toBe(404);
  });

  it('need a profile token: a paired computer of the admin cannot mint them', async () => {
    const device = await provisionDevice(org.admin.token, staff.profileId, 'Printer');
    const qr = await api.post('/profile/generate-token-qr', {}, org.admin.token);
    const paired = await api.post('/profile/redeem-token-qr', {
      qrToken: (qr.body as { qrToken: string }).qrToken,
      deviceName: 'Admin laptop',
    });
    const computer = (paired.body as { authorizationToken: string }).authorizationToken;
    const response = await configuration(computer, device);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ reason: 'auth.token_kind_not_allowed' });
    for (const path of ['/directory/set-profile-password', '/directory/create-user']) {
      const refused = await api.post(
        path,
        {
          directoryId: org.directoryId,
          profileId: staff.profileId,
          username: 'someone@example.com',
          password: 'long enough pw',
        },
        computer,
      );
      expect(refused.status, path).toBe(403);
      expect(refused.body, path).toMatchObject({ reason: 'auth.token_kind_not_allowed' });
    }
    // What a paired computer may do in the directory: what its profile may, short of credentials.
    const { outcome } = await runCommand(
      api,
      '/directory/store-meta',
      { directoryId: org.directoryId, note: 'from a laptop' },
      computer,
    );
    expect(outcome).toBe('succeeded');
  });
});
