// Contract §13 over real HTTP with several profiles: every directory endpoint, its records and
// its contract errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChannel } from '../support/channel.ts';
import { storeRandom } from '../support/data-tokens.ts';
import {
  createDirectory,
  createManagedUser,
  createOrganisation,
  inviteAndAccept,
  rejection,
  signInExisting,
  succeed,
  type Organisation,
} from '../support/directories.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import {
  PASSWORD,
  awaitStatus,
  commandId,
  createProfile,
  uniqueName,
} from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

/**
 * A fresh engine for each describe block: every organisation registers four profiles from
 * 127.0.0.1, and registrations are limited per address (30 an hour).
 */
function freshEngine(): void {
  beforeAll(async () => {
    engine = await startTestEngine();
    api = wire(engine.apiUrl);
  });
  afterAll(() => engine.close());
}

function expectError(response: { status: number; body: unknown }, status: number, reason: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toMatchObject({ status, reason, message: expect.any(String) });
}

describe('directory register and retrieval', () => {
  freshEngine();
  it('creates a directory whose id is the command id, with the caller as owner', async () => {
    const owner = await createProfile(api);
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(owner.token);
    const response = await api.post('/directory/register', { name: 'Acme' }, owner.token);
    expect(response.status).toBe(202);
    const id = commandId(response);
    expect(response.body).toEqual([id]);
    const outcome = await channel.commandOutcome(id);
    expect(outcome.data).toMatchObject({ command_status: 2, body: { directoryId: id } });
    channel.close();

    const retrieved = await api.get(`/directory/retrieve/${id}`, owner.token);
    expect(retrieved.status).toBe(200);
    expect(retrieved.body).toEqual({
      directoryId: id,
      name: 'Acme',
      ownerProfileId: owner.profileId,
      role: 'owner',
      memberCount: 1,
      meta: {},
      createdAt: expect.stringMatching(ISO),
    });
    const owned = await api.get('/directory/retrieve-owned', owner.token);
    expect(owned.body).toEqual({ items: [retrieved.body], meta: { count: 1 } });
    const assigned = await api.get('/directory/retrieve-assigned', owner.token);
    expect(assigned.body).toEqual({ items: [], meta: { count: 0 } });
  });

  it('rejects a second directory of the same name by the same owner, in any case', async () => {
    const owner = await createProfile(api);
    await createDirectory(api, owner.token, 'Shop');
    expect(await rejection(api, '/directory/register', { name: 'SHOP' }, owner.token)).toBe(
      'directory.name_taken',
    );
    // Another owner's names are no concern of this one's.
    const other = await createProfile(api);
    await createDirectory(api, other.token, 'Shop');
  });

  it('lists assigned directories with the caller’s role and counts members', async () => {
    const org = await createOrganisation(api);
    const forAdmin = await api.get('/directory/retrieve-assigned', org.admin.token);
    expect(forAdmin.body).toMatchObject({
      items: [{ directoryId: org.directoryId, role: 'admin', memberCount: 3 }],
      meta: { count: 1 },
    });
    const forMember = await api.get(`/directory/retrieve/${org.directoryId}`, org.member.token);
    expect(forMember.body).toMatchObject({ role: 'member', ownerProfileId: org.owner.profileId });
    expect((await api.get('/directory/retrieve-owned', org.admin.token)).body).toEqual({
      items: [],
      meta: { count: 0 },
    });
  });

  it('hides a directory from non-members as if it did not exist', async () => {
    const org = await createOrganisation(api);
    expectError(
      await api.get(`/directory/retrieve/${org.directoryId}`, org.outsider.token),
      404,
      'directory.not_found',
    );
    expectError(
      await api.get(`/directory/retrieve/${UNKNOWN_ID}`, org.owner.token),
      404,
      'directory.not_found',
    );
    expectError(
      await api.get('/directory/retrieve/not-an-id', org.owner.token),
      404,
      'directory.not_found',
    );
  });
});

describe('directory create-user (managed profiles)', () => {
  freshEngine();
  let org: Organisation;
  beforeAll(async () => {
    org = await createOrganisation(api);
  });

  it('creates a managed profile: status 2 {profileId}, gated until it registers its own key', async () => {
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(org.admin.token);
    const username = uniqueName('staff');
    const response = await api.post(
      '/directory/create-user',
      { directoryId: org.directoryId, username, password: PASSWORD, displayName: 'Dana' },
      org.admin.token,
    );
    expect(response.status).toBe(202);
    const id = commandId(response);
    expect((await channel.commandOutcome(id)).data).toMatchObject({
      command_status: 2,
      body: { profileId: id },
    });
    channel.close();

    const member = await api.get(
      `/directory/retrieve-profile/${org.directoryId}/${id}`,
      org.member.token,
    );
    expect(member.body).toEqual({
      profileId: id,
      username,
      displayName: 'Dana',
      role: 'member',
      managed: true,
      joinedAt: expect.stringMatching(ISO),
    });

    // First sign-in: key gating holds until the profile registers its own public key.
    const signedIn = await signInExisting(api, username, false);
    expect(signedIn.profileId).toBe(id);
    expectError(
      await api.get('/data-token/list-data-tokens', signedIn.token),
      403,
      'profile.public_key_required',
    );
    await succeed(
      api,
      '/public-key/register-public-key',
      { publicKey: signedIn.keys.public },
      signedIn.token,
    );
    expect((await api.get('/data-token/list-data-tokens', signedIn.token)).status).toBe(200);
    const assigned = await api.get('/directory/retrieve-assigned', signedIn.token);
    expect(assigned.body).toMatchObject({
      items: [{ directoryId: org.directoryId, role: 'member' }],
    });
  });

  it('rejects a taken username with profile.username_taken, case-insensitively', async () => {
    expect(
      await rejection(
        api,
        '/directory/create-user',
        {
          directoryId: org.directoryId,
          username: org.outsider.username.toUpperCase(),
          password: PASSWORD,
        },
        org.owner.token,
      ),
    ).toBe('profile.username_taken');
  });

  it('lets only the owner create an admin', async () => {
    expectError(
      await api.post(
        '/directory/create-user',
        { directoryId: org.directoryId, username: uniqueName(), password: PASSWORD, role: 'admin' },
        org.admin.token,
      ),
      403,
      'directory.forbidden',
    );
    const admin = await createManagedUser(api, org.directoryId, org.owner.token, { role: 'admin' });
    const record = await api.get(
      `/directory/retrieve-profile/${org.directoryId}/${admin.profileId}`,
      org.owner.token,
    );
    expect(record.body).toMatchObject({ role: 'admin', managed: true });
  });
});

describe('directory update-user', () => {
  freshEngine();
  let org: Organisation;
  beforeAll(async () => {
    org = await createOrganisation(api);
  });

  const update = (token: string, fields: Record<string, string>) =>
    api.post('/directory/update-user', { directoryId: org.directoryId, ...fields }, token);

  it('changes a display name and a role; an empty display name clears it', async () => {
    const staff = await createManagedUser(api, org.directoryId, org.owner.token);
    await succeed(
      api,
      '/directory/update-user',
      {
        directoryId: org.directoryId,
        profileId: staff.profileId,
        displayName: 'Sam',
        role: 'admin',
      },
      org.owner.token,
    );
    const path = `/directory/retrieve-profile/${org.directoryId}/${staff.profileId}`;
    expect((await api.get(path, org.owner.token)).body).toMatchObject({
      displayName: 'Sam',
      role: 'admin',
    });
    await succeed(
      api,
      '/directory/update-user',
      { directoryId: org.directoryId, profileId: staff.profileId, displayName: '' },
      org.owner.token,
    );
    expect((await api.get(path, org.owner.token)).body).toMatchObject({
      displayName: null,
      role: 'admin',
    });
  });

  it('rejects a change of the owner’s role with directory.owner_immutable', async () => {
    expect(
      await rejection(
        api,
        '/directory/update-user',
        { directoryId: org.directoryId, profileId: org.owner.profileId, role: 'member' },
        org.owner.token,
      ),
    ).toBe('directory.owner_immutable');
    // Its display name is the owner's to set.
    await succeed(
      api,
      '/directory/update-user',
      { directoryId: org.directoryId, profileId: org.owner.profileId, displayName: 'Boss' },
      org.owner.token,
    );
  });

  it('leaves the admin role to the owner alone', async () => {
    // An admin cannot promote a member, demote itself, or touch the owner or another admin.
    expectError(
      await update(org.admin.token, { profileId: org.member.profileId, role: 'admin' }),
      403,
      'directory.forbidden',
    );
    expectError(
      await update(org.admin.token, { profileId: org.admin.profileId, role: 'member' }),
      403,
      'directory.forbidden',
    );
    expectError(
      await update(org.admin.token, { profileId: org.owner.profileId, displayName: 'x' }),
      403,
      'directory.forbidden',
    );
    const otherAdmin = await createManagedUser(api, org.directoryId, org.owner.token, {
      role: 'admin',
    });
    expectError(
      await update(org.admin.token, { profileId: otherAdmin.profileId, displayName: 'x' }),
      403,
      'directory.forbidden',
    );
    // What an admin may do: a member's display name, and its own.
    expect(
      (await update(org.admin.token, { profileId: org.member.profileId, displayName: 'M' })).status,
    ).toBe(202);
    expect(
      (await update(org.admin.token, { profileId: org.admin.profileId, displayName: 'A' })).status,
    ).toBe(202);
  });

  it('answers an unknown or foreign profile with directory.member_not_found', async () => {
    expectError(
      await update(org.owner.token, { profileId: org.outsider.profileId, displayName: 'x' }),
      404,
      'directory.member_not_found',
    );
    expectError(
      await update(org.owner.token, { profileId: 'nope', displayName: 'x' }),
      404,
      'directory.member_not_found',
    );
  });
});

describe('directory invitations', () => {
  freshEngine();
  it('invites an existing profile; the invitee sees it, gets DIRECTORY-INVITATION and accepts once', async () => {
    const owner = await createProfile(api);
    const invitee = await createProfile(api);
    const directoryId = await createDirectory(api, owner.token, 'Invite Co');
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(invitee.token);

    const response = await api.post(
      '/directory/invite-profile',
      { directoryId, username: invitee.username },
      owner.token,
    );
    const invitationId = commandId(response);
    expect(await awaitStatus(api, invitationId)).toBe('succeeded');
    const event = await channel.waitFor((frame) => frame.data?.type === 'DIRECTORY-INVITATION');
    expect(event.data).toEqual({
      type: 'DIRECTORY-INVITATION',
      id: invitationId,
      body: {
        directoryId,
        directoryName: 'Invite Co',
        role: 'member',
        invitedAt: expect.stringMatching(ISO),
      },
    });
    channel.close();

    const mine = await api.get('/directory/list-invites', invitee.token);
    expect(mine.body).toEqual({
      items: [
        {
          invitationId,
          directoryId,
          directoryName: 'Invite Co',
          username: invitee.username,
          role: 'member',
          status: 'pending',
          invitedBy: owner.profileId,
          createdAt: expect.stringMatching(ISO),
          processedAt: null,
        },
      ],
      meta: { count: 1 },
    });
    // Not a member yet.
    expectError(
      await api.get(`/directory/retrieve/${directoryId}`, invitee.token),
      404,
      'directory.not_found',
    );

    await succeed(
      api,
      '/directory/process-invitation',
      { invitationId, decision: 'accept' },
      invitee.token,
    );
    expect(
      await rejection(
        api,
        '/directory/process-invitation',
        { invitationId, decision: 'decline' },
        invitee.token,
      ),
    ).toBe('directory.invitation_closed');

    const member = await api.get(
      `/directory/retrieve-profile/${directoryId}/${invitee.profileId}`,
      invitee.token,
    );
    expect(member.body).toMatchObject({ role: 'member', managed: false });
    const all = await api.get(`/directory/list-invites?directoryId=${directoryId}`, owner.token);
    expect(all.body).toMatchObject({
      items: [{ invitationId, status: 'accepted', processedAt: expect.stringMatching(ISO) }],
      meta: { count: 1 },
    });
    expect((await api.get('/directory/list-invites', invitee.token)).body).toEqual({
      items: [],
      meta: { count: 0 },
    });
  });

  it('replaces a pending invitation of the same username', async () => {
    const owner = await createProfile(api);
    const invitee = await createProfile(api);
    const directoryId = await createDirectory(api, owner.token);
    const first = await succeed(
      api,
      '/directory/invite-profile',
      { directoryId, username: invitee.username },
      owner.token,
    );
    const second = await succeed(
      api,
      '/directory/invite-profile',
      { directoryId, username: invitee.username.toUpperCase(), role: 'admin' },
      owner.token,
    );
    const pending = await api.get('/directory/list-invites', invitee.token);
    expect(pending.body).toMatchObject({
      items: [{ invitationId: second, role: 'admin', status: 'pending' }],
      meta: { count: 1 },
    });
    // The replaced one is gone.
    expectError(
      await api.post(
        '/directory/process-invitation',
        { invitationId: first, decision: 'accept' },
        invitee.token,
      ),
      404,
      'directory.invitation_not_found',
    );
    await succeed(
      api,
      '/directory/process-invitation',
      { invitationId: second, decision: 'accept' },
      invitee.token,
    );
    expect((await api.get(`/directory/retrieve/${directoryId}`, invitee.token)).body).toMatchObject(
      { role: 'admin' },
    );
  });

  it('processes an invitation exactly once when accept and decline race', async () => {
    const owner = await createProfile(api);
    const invitee = await createProfile(api);
    const directoryId = await createDirectory(api, owner.token);
    const invitationId = await succeed(
      api,
      '/directory/invite-profile',
      { directoryId, username: invitee.username },
      owner.token,
    );
    const outcomes = await Promise.all(
      ['accept', 'decline', 'accept', 'decline'].map((decision) =>
        runCommand(api, '/directory/process-invitation', { invitationId, decision }, invitee.token),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'succeeded')).toHaveLength(1);
    const status = (
      (await api.get(`/directory/list-invites?directoryId=${directoryId}`, owner.token)).body as {
        items: { status: string }[];
      }
    ).items[0]!.status;
    const isMember =
      (await api.get(`/directory/retrieve/${directoryId}`, invitee.token)).status === 200;
    expect(isMember).toBe(status === 'accepted');
  });

  it('declines: the invitee stays out and the admin sees the status', async () => {
    const org = await createOrganisation(api);
    const invitationId = await succeed(
      api,
      '/directory/invite-profile',
      { directoryId: org.directoryId, username: org.outsider.username },
      org.admin.token,
    );
    await succeed(
      api,
      '/directory/process-invitation',
      { invitationId, decision: 'decline' },
      org.outsider.token,
    );
    expectError(
      await api.get(`/directory/retrieve/${org.directoryId}`, org.outsider.token),
      404,
      'directory.not_found',
    );
    const all = await api.get(
      `/directory/list-invites?directoryId=${org.directoryId}`,
      org.admin.token,
    );
    expect(
      (all.body as { items: { invitationId: string; status: string }[] }).items,
    ).toContainEqual(expect.objectContaining({ invitationId, status: 'declined' }));
    // A declined invitation can be followed by a new one.
    await inviteAndAccept(api, org.directoryId, org.admin.token, org.outsider);
  });

  it('rejects unknown usernames and members; an invitation is only its invitee’s to answer', async () => {
    const org = await createOrganisation(api);
    expect(
      await rejection(
        api,
        '/directory/invite-profile',
        { directoryId: org.directoryId, username: uniqueName('ghost') },
        org.owner.token,
      ),
    ).toBe('directory.profile_not_found');
    expect(
      await rejection(
        api,
        '/directory/invite-profile',
        { directoryId: org.directoryId, username: org.member.username },
        org.owner.token,
      ),
    ).toBe('directory.already_member');
    expect(
      await rejection(
        api,
        '/directory/invite-profile',
        { directoryId: org.directoryId, username: org.owner.username },
        org.admin.token,
      ),
    ).toBe('directory.already_member');
    expectError(
      await api.post(
        '/directory/invite-profile',
        { directoryId: org.directoryId, username: org.outsider.username, role: 'admin' },
        org.admin.token,
      ),
      403,
      'directory.forbidden',
    );
    const invitationId = await succeed(
      api,
      '/directory/invite-profile',
      { directoryId: org.directoryId, username: org.outsider.username },
      org.admin.token,
    );
    for (const someone of [org.owner, org.admin, org.member]) {
      expectError(
        await api.post(
          '/directory/process-invitation',
          { invitationId, decision: 'accept' },
          someone.token,
        ),
        404,
        'directory.invitation_not_found',
      );
    }
    expectError(
      await api.post(
        '/directory/process-invitation',
        { invitationId: UNKNOWN_ID, decision: 'accept' },
        org.outsider.token,
      ),
      404,
      'directory.invitation_not_found',
    );
  });
});

describe('directory set-profile-password', () => {
  freshEngine();
  it('sets a managed member’s password; its tokens stay valid', async () => {
    const org = await createOrganisation(api);
    const staff = await createManagedUser(api, org.directoryId, org.admin.token);
    const newPassword = 'a whole new password';
    await succeed(
      api,
      '/directory/set-profile-password',
      { directoryId: org.directoryId, profileId: staff.profileId, password: newPassword },
      org.admin.token,
    );
    expect((await api.get('/profile/retrieve-profile-id', staff.token)).status).toBe(200);
    expectError(
      await api.post('/profile/authenticate', { username: staff.username, password: PASSWORD }),
      401,
      'auth.invalid_credentials',
    );
    expect(
      (await api.post('/profile/authenticate', { username: staff.username, password: newPassword }))
        .status,
    ).toBe(200);
  });

  it('rejects an invited member with directory.not_managed', async () => {
    const org = await createOrganisation(api);
    expect(
      await rejection(
        api,
        '/directory/set-profile-password',
        {
          directoryId: org.directoryId,
          profileId: org.member.profileId,
          password: 'long enough pw',
        },
        org.owner.token,
      ),
    ).toBe('directory.not_managed');
    // The invited member's password is untouched.
    expect(
      (
        await api.post('/profile/authenticate', {
          username: org.member.username,
          password: PASSWORD,
        })
      ).status,
    ).toBe(200);
  });

  it('is no way around change-password for one’s own account, nor an admin’s way into a peer’s', async () => {
    const org = await createOrganisation(api);
    const managedAdmin = await createManagedUser(api, org.directoryId, org.owner.token, {
      role: 'admin',
    });
    const body = (profileId: string) => ({
      directoryId: org.directoryId,
      profileId,
      password: 'taken over now',
    });
    expectError(
      await api.post(
        '/directory/set-profile-password',
        body(managedAdmin.profileId),
        managedAdmin.token,
      ),
      403,
      'directory.forbidden',
    );
    expectError(
      await api.post(
        '/directory/set-profile-password',
        body(managedAdmin.profileId),
        org.admin.token,
      ),
      403,
      'directory.forbidden',
    );
    expectError(
      await api.post('/directory/set-profile-password', body(org.owner.profileId), org.admin.token),
      403,
      'directory.forbidden',
    );
    // The owner may.
    await succeed(
      api,
      '/directory/set-profile-password',
      body(managedAdmin.profileId),
      org.owner.token,
    );
  });
});

describe('directory profiles-info, devices and storage for members', () => {
  freshEngine();
  it('counts devices, storage, authenticators, files and bytes per member', async () => {
    const org = await createOrganisation(api);
    const { deviceId, bundle } = await addStorageDevice(api, org.member.token, 'Member NAS');
    const device = await startDevice(bundle);
    try {
      await awaitStorage(api, org.member.token, deviceId, (d) => d.online);
      const stored = await storeRandom(api, org.member.token, 1000);
      await storeRandom(api, org.member.token, 10);
      const info = await api.get(`/directory/profiles-info/${org.directoryId}`, org.admin.token);
      expect(info.status).toBe(200);
      const items = (info.body as { items: Record<string, unknown>[] }).items;
      expect((info.body as { meta: { count: number } }).meta.count).toBe(3);
      expect(items.find((i) => i.profileId === org.member.profileId)).toEqual({
        profileId: org.member.profileId,
        username: org.member.username,
        role: 'member',
        devices: 1,
        storageDevices: 1,
        authenticators: 0,
        dataTokens: 2,
        storedBytes: stored.ciphertext.length + 10 + 28,
      });
      expect(items.find((i) => i.profileId === org.owner.profileId)).toMatchObject({
        role: 'owner',
        devices: 0,
        dataTokens: 0,
        storedBytes: 0,
      });
    } finally {
      await device.stop();
    }
  });

  it('creates an approved device for a member, registers it as storage and lists it online', async () => {
    const org = await createOrganisation(api);
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(org.admin.token);
    const response = await api.post(
      '/directory/create-profile-device',
      { directoryId: org.directoryId, profileId: org.member.profileId, deviceName: 'Office NAS' },
      org.admin.token,
    );
    expect(response.status).toBe(202);
    const id = commandId(response);
    const outcome = await channel.commandOutcome(id);
    channel.close();
    const deviceIdentifier = (outcome.data!.body as { deviceIdentifier: string }).deviceIdentifier;
    expect(deviceIdentifier).toMatch(UUID7);
    // retrieve-unique-identifier answers the caller's create-profile-device command too.
    expect(
      (await api.post('/device/retrieve-unique-identifier', { id }, org.admin.token)).body,
    ).toEqual({
      deviceIdentifier,
    });
    expectError(
      await api.post('/device/retrieve-unique-identifier', { id }, org.owner.token),
      404,
      'device.not_found',
    );
    // The device is the member's, approved and without a role.
    const devices = (await api.get('/device/retrieve-profile-devices', org.member.token)).body as {
      deviceIdentifier: string;
      status: string;
      role: string | null;
    }[];
    expect(devices).toContainEqual(
      expect.objectContaining({
        deviceIdentifier,
        name: 'Office NAS',
        status: 'approved',
        role: null,
      }),
    );

    await succeed(
      api,
      '/directory/add-storage-device-to-profile',
      { directoryId: org.directoryId, profileId: org.member.profileId, deviceIdentifier },
      org.admin.token,
    );
    expect(
      await rejection(
        api,
        '/directory/add-storage-device-to-profile',
        { directoryId: org.directoryId, profileId: org.member.profileId, deviceIdentifier },
        org.admin.token,
      ),
    ).toBe('device.role_taken');

    const configuration = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier },
      org.admin.token,
    );
    expect(configuration.status).toBe(200);
    const { parseDeviceBundle } = await import('../../engine/devices/device-bundle.ts');
    const runtime = await startDevice(parseDeviceBundle(configuration.body));
    try {
      await awaitStorage(api, org.member.token, deviceIdentifier, (d) => d.online);
      const listed = await api.get(`/directory/list-devices/${org.directoryId}`, org.owner.token);
      expect(listed.body).toEqual({
        items: [
          {
            profileId: org.member.profileId,
            deviceIdentifier,
            name: 'Office NAS',
            status: 'approved',
            role: 'storage',
            online: true,
            lastSeenAt: expect.stringMatching(ISO),
          },
        ],
        meta: { count: 1 },
      });
      // The member's stores now reach the device the admin set up.
      const stored = await storeRandom(api, org.member.token, 64);
      expect(stored.dataToken).toMatch(/^D-/);
      await awaitStorage(api, org.member.token, deviceIdentifier, (d) => d.storedTokens === 1);
    } finally {
      await runtime.stop();
    }
  });

  it('answers devices of someone else with device.not_found and a missing role with device.not_approved', async () => {
    const org = await createOrganisation(api);
    const { deviceId: ownersDevice } = await addStorageDevice(api, org.owner.token);
    expectError(
      await api.post(
        '/directory/add-storage-device-to-profile',
        {
          directoryId: org.directoryId,
          profileId: org.member.profileId,
          deviceIdentifier: ownersDevice,
        },
        org.owner.token,
      ),
      404,
      'device.not_found',
    );
    // A pending device of the member.
    const pending = await runCommand(
      api,
      '/device/request-unique-identifier',
      { deviceName: 'Pending' },
      org.member.token,
    );
    const pendingId = (
      (await api.post('/device/retrieve-unique-identifier', { id: pending.id }, org.member.token))
        .body as { deviceIdentifier: string }
    ).deviceIdentifier;
    expect(
      await rejection(
        api,
        '/directory/add-storage-device-to-profile',
        {
          directoryId: org.directoryId,
          profileId: org.member.profileId,
          deviceIdentifier: pendingId,
        },
        org.owner.token,
      ),
    ).toBe('device.not_approved');
  });

  it('creates devices only for members, and an admin only for members and itself', async () => {
    const org = await createOrganisation(api);
    const body = (profileId: string) => ({
      directoryId: org.directoryId,
      profileId,
      deviceName: 'Laptop',
    });
    expectError(
      await api.post(
        '/directory/create-profile-device',
        body(org.outsider.profileId),
        org.owner.token,
      ),
      404,
      'directory.member_not_found',
    );
    expectError(
      await api.post(
        '/directory/create-profile-device',
        body(org.owner.profileId),
        org.admin.token,
      ),
      403,
      'directory.forbidden',
    );
    expect(
      (
        await api.post(
          '/directory/create-profile-device',
          body(org.admin.profileId),
          org.admin.token,
        )
      ).status,
    ).toBe(202);
    expectError(
      await api.post(
        '/directory/create-profile-device',
        { ...body(org.member.profileId), publicKey: 'abcd' },
        org.admin.token,
      ),
      422,
      'validation.failed',
    );
  });
});

describe('directory store-meta', () => {
  freshEngine();
  it('replaces the meta with the free-form fields', async () => {
    const org = await createOrganisation(api);
    await succeed(
      api,
      '/directory/store-meta',
      { directoryId: org.directoryId, address: '1 Main St', phone: '555' },
      org.admin.token,
    );
    await succeed(
      api,
      '/directory/store-meta',
      { directoryId: org.directoryId, address: '2 High St' },
      org.owner.token,
    );
    expect(
      (await api.get(`/directory/retrieve/${org.directoryId}`, org.member.token)).body,
    ).toMatchObject({
      meta: { address: '2 High St' },
    });
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'v']));
    expectError(
      await api.post(
        '/directory/store-meta',
        { directoryId: org.directoryId, ...tooMany },
        org.owner.token,
      ),
      422,
      'validation.failed',
    );
    expectError(
      await api.post(
        '/directory/store-meta',
        { directoryId: org.directoryId, 'bad name!': 'v' },
        org.owner.token,
      ),
      422,
      'validation.failed',
    );
  });
});

describe('directory list-users', () => {
  freshEngine();
  it('lists every member, the owner first, to every member', async () => {
    const org = await createOrganisation(api);
    const listed = await api.get(`/directory/list-users/${org.directoryId}`, org.member.token);
    expect(listed.status).toBe(200);
    const items = (listed.body as { items: { profileId: string; role: string }[] }).items;
    expect(items.map((i) => [i.profileId, i.role])).toEqual([
      [org.owner.profileId, 'owner'],
      [org.admin.profileId, 'admin'],
      [org.member.profileId, 'member'],
    ]);
    expect((listed.body as { meta: { count: number } }).meta.count).toBe(3);
  });
});
