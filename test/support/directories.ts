// Directory fixtures for wire tests (contract §13): an organisation with an owner, an admin and a
// member, made through the endpoints themselves.
import { generateSignedKeyPair } from '../../engine/crypto/signed-key.ts';
import type { Fields, Wire } from './http.ts';
import {
  PASSWORD,
  awaitStatus,
  commandId,
  createProfile,
  uniqueName,
  type TestProfile,
} from './profiles.ts';

/** Sends an async command (arrays allowed) and waits for its outcome word. */
async function runCommand(
  api: Wire,
  path: string,
  fields: Fields,
  token: string,
): Promise<{ id: string; outcome: 'succeeded' | 'rejected' }> {
  const response = await api.post(path, fields, token);
  if (response.status !== 202) throw new Error(`${path}: ${response.status} ${response.text}`);
  const id = commandId(response);
  return { id, outcome: await awaitStatus(api, id, 30_000) };
}

export interface Organisation {
  directoryId: string;
  owner: TestProfile;
  admin: TestProfile;
  member: TestProfile;
  outsider: TestProfile;
}

/** Runs an async command that must succeed; returns its id. */
export async function succeed(
  api: Wire,
  path: string,
  fields: Fields,
  token: string,
): Promise<string> {
  const { id, outcome } = await runCommand(api, path, fields, token);
  if (outcome !== 'succeeded') {
    const status = await api.get(`/request-status/${id}`);
    throw new Error(`${path} rejected: ${status.headers.get('x-dpt-cab-reason')}`);
  }
  return id;
}

/** The reason key of a command that must be rejected. */
export async function rejection(
  api: Wire,
  path: string,
  fields: Fields,
  token: string,
): Promise<string | null> {
  const { id, outcome } = await runCommand(api, path, fields, token);
  if (outcome !== 'rejected') throw new Error(`${path} succeeded; expected a rejection`);
  return (await api.get(`/request-status/${id}`)).headers.get('x-dpt-cab-reason');
}

export async function createDirectory(api: Wire, token: string, name?: string): Promise<string> {
  return succeed(api, '/directory/register', { name: name ?? uniqueName('Org') }, token);
}

/** Invites an existing profile and has it accept; returns the invitation id. */
export async function inviteAndAccept(
  api: Wire,
  directoryId: string,
  inviterToken: string,
  invitee: TestProfile,
  role: 'member' | 'admin' = 'member',
): Promise<string> {
  const invitationId = await succeed(
    api,
    '/directory/invite-profile',
    { directoryId, username: invitee.username, role },
    inviterToken,
  );
  await succeed(
    api,
    '/directory/process-invitation',
    { invitationId, decision: 'accept' },
    invitee.token,
  );
  return invitationId;
}

/** A profile created by the directory (managed); signed in, and with a key unless told not. */
export async function createManagedUser(
  api: Wire,
  directoryId: string,
  creatorToken: string,
  options: { role?: 'member' | 'admin'; withKey?: boolean; displayName?: string } = {},
): Promise<TestProfile> {
  const username = uniqueName('staff');
  await succeed(
    api,
    '/directory/create-user',
    {
      directoryId,
      username,
      password: PASSWORD,
      role: options.role ?? 'member',
      ...(options.displayName ? { displayName: options.displayName } : {}),
    },
    creatorToken,
  );
  return signInExisting(api, username, options.withKey !== false);
}

/** Signs in a profile that exists (a managed one on its first sign-in registers its key). */
export async function signInExisting(
  api: Wire,
  username: string,
  withKey: boolean,
  password = PASSWORD,
): Promise<TestProfile> {
  const auth = await api.post('/profile/authenticate', { username, password });
  if (auth.status !== 200) throw new Error(`authenticate: ${auth.status} ${auth.text}`);
  const token = (auth.body as { authorizationToken: string }).authorizationToken;
  const profileId = (
    (await api.get('/profile/retrieve-profile-id', token)).body as {
      profileId: string;
    }
  ).profileId;
  const keys = generateSignedKeyPair();
  if (withKey)
    await succeed(api, '/public-key/register-public-key', { publicKey: keys.public }, token);
  return { username, password, profileId, token, keys };
}

/** An owner with a directory, an invited admin, an invited member and an outsider. */
export async function createOrganisation(api: Wire): Promise<Organisation> {
  const [owner, admin, member, outsider] = await Promise.all([
    createProfile(api),
    createProfile(api),
    createProfile(api),
    createProfile(api),
  ]);
  const directoryId = await createDirectory(api, owner.token);
  await inviteAndAccept(api, directoryId, owner.token, admin, 'admin');
  await inviteAndAccept(api, directoryId, owner.token, member, 'member');
  return { directoryId, owner, admin, member, outsider };
}
