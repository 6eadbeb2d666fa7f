// The role matrix of contract §13, walked over every directory endpoint for the owner, an
// admin, a member and an outsider: members reach retrieve, list-users and retrieve-profile;
// everything else needs owner or admin (403 `directory.forbidden`); non-members learn nothing
// (404 `directory.not_found`); only the owner grants `admin`. Each call is checked at the gate
// (the synchronous answer); what the commands then do is directory.test.ts's business.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../engine/http/endpoints.ts';
import {
  createManagedUser,
  createOrganisation,
  succeed,
  type Organisation,
} from '../support/directories.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire, type WireResponse } from '../support/http.ts';
import { PASSWORD, uniqueName, type TestProfile } from '../support/profiles.ts';

type Role = 'owner' | 'admin' | 'member' | 'outsider';
const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'outsider'];

/** What a role gets: a success status, or the error status and reason. */
type Expected = number | [number, string];
const OK_ALL = (status: number): Record<Role, Expected> => ({
  owner: status,
  admin: status,
  member: status,
  outsider: status,
});
const MEMBERS_READ: Record<Role, Expected> = {
  owner: 200,
  admin: 200,
  member: 200,
  outsider: [404, 'directory.not_found'],
};
const ADMINS = (status: number): Record<Role, Expected> => ({
  owner: status,
  admin: status,
  member: [403, 'directory.forbidden'],
  outsider: [404, 'directory.not_found'],
});
const OWNER_ONLY = (status: number): Record<Role, Expected> => ({
  owner: status,
  admin: [403, 'directory.forbidden'],
  member: [403, 'directory.forbidden'],
  outsider: [404, 'directory.not_found'],
});

interface Fixture {
  org: Organisation;
  /** A managed member every role acts on. */
  staff: TestProfile;
  /** Another, for the owner to make an admin (staff stays a member). */
  promotable: TestProfile;
  /** An approved device of staff, made through the directory. */
  staffDevice: string;
  /** A pending invitation addressed to the outsider. */
  invitationId: string;
}

interface Row {
  endpoint: string;
  variant?: string;
  call(api: Wire, token: string, f: Fixture): Promise<WireResponse>;
  expected: Record<Role, Expected>;
}

const ROWS: Row[] = [
  {
    endpoint: 'directory.register',
    call: (api, token) => api.post('/directory/register', { name: uniqueName('Org') }, token),
    expected: OK_ALL(202),
  },
  {
    endpoint: 'directory.retrieve-owned',
    call: (api, token) => api.get('/directory/retrieve-owned', token),
    expected: OK_ALL(200),
  },
  {
    endpoint: 'directory.retrieve-assigned',
    call: (api, token) => api.get('/directory/retrieve-assigned', token),
    expected: OK_ALL(200),
  },
  {
    endpoint: 'directory.retrieve',
    call: (api, token, f) => api.get(`/directory/retrieve/${f.org.directoryId}`, token),
    expected: MEMBERS_READ,
  },
  {
    endpoint: 'directory.create-user',
    call: (api, token, f) =>
      api.post(
        '/directory/create-user',
        { directoryId: f.org.directoryId, username: uniqueName('new'), password: PASSWORD },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.create-user',
    variant: 'role admin',
    call: (api, token, f) =>
      api.post(
        '/directory/create-user',
        {
          directoryId: f.org.directoryId,
          username: uniqueName('new'),
          password: PASSWORD,
          role: 'admin',
        },
        token,
      ),
    expected: OWNER_ONLY(202),
  },
  {
    endpoint: 'directory.update-user',
    call: (api, token, f) =>
      api.post(
        '/directory/update-user',
        { directoryId: f.org.directoryId, profileId: f.staff.profileId, displayName: 'Staff' },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.update-user',
    variant: 'role admin',
    call: (api, token, f) =>
      api.post(
        '/directory/update-user',
        { directoryId: f.org.directoryId, profileId: f.promotable.profileId, role: 'admin' },
        token,
      ),
    expected: OWNER_ONLY(202),
  },
  {
    endpoint: 'directory.invite-profile',
    call: (api, token, f) =>
      api.post(
        '/directory/invite-profile',
        { directoryId: f.org.directoryId, username: uniqueName('guest') },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.invite-profile',
    variant: 'role admin',
    call: (api, token, f) =>
      api.post(
        '/directory/invite-profile',
        { directoryId: f.org.directoryId, username: uniqueName('guest'), role: 'admin' },
        token,
      ),
    expected: OWNER_ONLY(202),
  },
  {
    endpoint: 'directory.set-profile-password',
    call: (api, token, f) =>
      api.post(
        '/directory/set-profile-password',
        { directoryId: f.org.directoryId, profileId: f.staff.profileId, password: PASSWORD },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.list-invites',
    call: (api, token, f) =>
      api.get(`/directory/list-invites?directoryId=${f.org.directoryId}`, token),
    expected: ADMINS(200),
  },
  {
    endpoint: 'directory.list-invites',
    variant: 'own',
    call: (api, token) => api.get('/directory/list-invites', token),
    expected: OK_ALL(200),
  },
  {
    endpoint: 'directory.process-invitation',
    call: (api, token, f) =>
      api.post(
        '/directory/process-invitation',
        { invitationId: f.invitationId, decision: 'decline' },
        token,
      ),
    // Addressed to the outsider: everyone else learns nothing of it.
    expected: {
      owner: [404, 'directory.invitation_not_found'],
      admin: [404, 'directory.invitation_not_found'],
      member: [404, 'directory.invitation_not_found'],
      outsider: 202,
    },
  },
  {
    endpoint: 'directory.retrieve-profile',
    call: (api, token, f) =>
      api.get(`/directory/retrieve-profile/${f.org.directoryId}/${f.staff.profileId}`, token),
    expected: MEMBERS_READ,
  },
  {
    endpoint: 'directory.list-users',
    call: (api, token, f) => api.get(`/directory/list-users/${f.org.directoryId}`, token),
    expected: MEMBERS_READ,
  },
  {
    endpoint: 'directory.profiles-info',
    call: (api, token, f) => api.get(`/directory/profiles-info/${f.org.directoryId}`, token),
    expected: ADMINS(200),
  },
  {
    endpoint: 'directory.create-profile-device',
    call: (api, token, f) =>
      api.post(
        '/directory/create-profile-device',
        { directoryId: f.org.directoryId, profileId: f.staff.profileId, deviceName: 'Laptop' },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.add-storage-device-to-profile',
    call: (api, token, f) =>
      api.post(
        '/directory/add-storage-device-to-profile',
        {
          directoryId: f.org.directoryId,
          profileId: f.staff.profileId,
          deviceIdentifier: f.staffDevice,
        },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.list-devices',
    call: (api, token, f) => api.get(`/directory/list-devices/${f.org.directoryId}`, token),
    expected: ADMINS(200),
  },
  {
    endpoint: 'directory.create-voting-pool',
    call: (api, token, f) =>
      api.post(
        '/directory/create-voting-pool',
        { directoryId: f.org.directoryId, subject: 'Lunch on Friday?' },
        token,
      ),
    expected: ADMINS(202),
  },
  {
    endpoint: 'directory.store-meta',
    call: (api, token, f) =>
      api.post('/directory/store-meta', { directoryId: f.org.directoryId, city: 'Oslo' }, token),
    expected: ADMINS(202),
  },
];

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let fixture: Fixture;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  const org = await createOrganisation(api);
  const staff = await createManagedUser(api, org.directoryId, org.owner.token);
  const promotable = await createManagedUser(api, org.directoryId, org.owner.token);
  const made = await succeed(
    api,
    '/directory/create-profile-device',
    { directoryId: org.directoryId, profileId: staff.profileId, deviceName: 'Staff NAS' },
    org.owner.token,
  );
  const staffDevice = (
    (await api.post('/device/retrieve-unique-identifier', { id: made }, org.owner.token)).body as {
      deviceIdentifier: string;
    }
  ).deviceIdentifier;
  const invitationId = await succeed(
    api,
    '/directory/invite-profile',
    { directoryId: org.directoryId, username: org.outsider.username },
    org.owner.token,
  );
  fixture = { org, staff, promotable, staffDevice, invitationId };
});
afterAll(() => engine.close());

describe('directory role matrix', () => {
  it('covers every directory endpoint of the endpoint table', () => {
    const directoryEndpoints = endpoints.filter((e) => e.area === 'directory').map((e) => e.id);
    expect(new Set(ROWS.map((row) => row.endpoint))).toEqual(new Set(directoryEndpoints));
    expect(directoryEndpoints).toHaveLength(18);
  });

  it.each(
    ROWS.flatMap((row) =>
      ROLES.map((role) => ({
        name: `${row.endpoint}${row.variant ? ` (${row.variant})` : ''} as ${role}`,
        row,
        role,
      })),
    ),
  )('$name', async ({ row, role }) => {
    const token = role === 'outsider' ? fixture.org.outsider.token : fixture.org[role].token;
    const response = await row.call(api, token, fixture);
    const expected = row.expected[role];
    if (typeof expected === 'number') {
      expect(response.status, response.text).toBe(expected);
    } else {
      expect(response.status, response.text).toBe(expected[0]);
      expect(response.body).toMatchObject({
        status: expected[0],
        reason: expected[1],
        message: expect.any(String),
      });
    }
  });
});
