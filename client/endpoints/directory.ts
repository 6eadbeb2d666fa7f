// Contract §13: directories — organisations of profiles with an owner, admins and members.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';
import { retrieveUniqueIdentifier } from './device.ts';

export type DirectoryRole = 'owner' | 'admin' | 'member';
export type GrantableRole = 'admin' | 'member';

export interface DirectoryRecord {
  directoryId: string;
  name: string;
  ownerProfileId: string;
  /** The caller's role. */
  role: DirectoryRole;
  memberCount: number;
  meta: Record<string, string>;
  createdAt: string;
}

export interface MemberRecord {
  profileId: string;
  username: string;
  displayName: string | null;
  role: DirectoryRole;
  /** Created by the directory (create-user); its password may be set by the directory. */
  managed: boolean;
  joinedAt: string;
}

export interface InvitationRecord {
  invitationId: string;
  directoryId: string;
  directoryName: string;
  username: string;
  role: GrantableRole;
  status: 'pending' | 'accepted' | 'declined';
  /** The profile id of the owner or admin who invited. */
  invitedBy: string;
  createdAt: string;
  processedAt: string | null;
}

/** profiles-info: counts only, never a file. */
export interface MemberActivity {
  profileId: string;
  username: string;
  role: DirectoryRole;
  devices: number;
  storageDevices: number;
  authenticators: number;
  dataTokens: number;
  storedBytes: number;
}

export interface DirectoryDeviceRecord {
  profileId: string;
  deviceIdentifier: string;
  name: string;
  status: 'pending' | 'approved';
  role: null | 'storage' | 'authenticator';
  online: boolean;
  lastSeenAt: string | null;
}

export interface ListOf<T> {
  items: T[];
  meta: { count: number };
}

const id = (value: string) => encodeURIComponent(value);

/** POST /directory/register: status 2 `{directoryId}` (the command id). */
export async function registerDirectory(
  http: HttpClient,
  input: { name: string },
): Promise<AcceptedCommand<{ directoryId: string }>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/register', form: input }),
    // Contract §1.6: a command that creates a resource gives it its own id.
    async (commandId) => ({ directoryId: commandId }),
  );
}

/** GET /directory/retrieve-owned */
export async function retrieveOwnedDirectories(http: HttpClient): Promise<ListOf<DirectoryRecord>> {
  return (
    await http.request<ListOf<DirectoryRecord>>({
      method: 'GET',
      path: '/directory/retrieve-owned',
    })
  ).data;
}

/** GET /directory/retrieve-assigned: where the caller is admin or member. */
export async function retrieveAssignedDirectories(
  http: HttpClient,
): Promise<ListOf<DirectoryRecord>> {
  return (
    await http.request<ListOf<DirectoryRecord>>({
      method: 'GET',
      path: '/directory/retrieve-assigned',
    })
  ).data;
}

/** GET /directory/retrieve/{directoryId} */
export async function retrieveDirectory(
  http: HttpClient,
  directoryId: string,
): Promise<DirectoryRecord> {
  return (
    await http.request<DirectoryRecord>({
      method: 'GET',
      path: `/directory/retrieve/${id(directoryId)}`,
    })
  ).data;
}

/** POST /directory/create-user: a managed profile; status 2 `{profileId}` (the command id). */
export async function createDirectoryUser(
  http: HttpClient,
  input: {
    directoryId: string;
    username: string;
    password: string;
    role?: GrantableRole;
    displayName?: string;
  },
): Promise<AcceptedCommand<{ profileId: string }>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/create-user', form: input }),
    async (commandId) => ({ profileId: commandId }),
  );
}

/** POST /directory/update-user: a display name (empty clears it) and/or a role. */
export async function updateDirectoryUser(
  http: HttpClient,
  input: { directoryId: string; profileId: string; role?: GrantableRole; displayName?: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/update-user', form: input }),
  );
}

/** POST /directory/invite-profile: status 2 `{invitationId}` (the command id). */
export async function inviteProfile(
  http: HttpClient,
  input: { directoryId: string; username: string; role?: GrantableRole },
): Promise<AcceptedCommand<{ invitationId: string }>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/invite-profile', form: input }),
    async (commandId) => ({ invitationId: commandId }),
  );
}

/** POST /directory/set-profile-password: a managed member's password. */
export async function setProfilePassword(
  http: HttpClient,
  input: { directoryId: string; profileId: string; password: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/set-profile-password', form: input }),
  );
}

/** GET /directory/list-invites: pending ones to the caller, or all of a directory's. */
export async function listInvites(
  http: HttpClient,
  input: { directoryId?: string } = {},
): Promise<ListOf<InvitationRecord>> {
  return (
    await http.request<ListOf<InvitationRecord>>({
      method: 'GET',
      path: '/directory/list-invites',
      ...(input.directoryId ? { query: { directoryId: input.directoryId } } : {}),
    })
  ).data;
}

/** POST /directory/process-invitation: accept or decline an invitation to the caller. */
export async function processInvitation(
  http: HttpClient,
  input: { invitationId: string; decision: 'accept' | 'decline' },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/process-invitation', form: input }),
  );
}

/** GET /directory/retrieve-profile/{directoryId}/{profileId} */
export async function retrieveDirectoryProfile(
  http: HttpClient,
  directoryId: string,
  profileId: string,
): Promise<MemberRecord> {
  return (
    await http.request<MemberRecord>({
      method: 'GET',
      path: `/directory/retrieve-profile/${id(directoryId)}/${id(profileId)}`,
    })
  ).data;
}

/** GET /directory/list-users/{directoryId}: every member, the owner included. */
export async function listDirectoryUsers(
  http: HttpClient,
  directoryId: string,
): Promise<ListOf<MemberRecord>> {
  return (
    await http.request<ListOf<MemberRecord>>({
      method: 'GET',
      path: `/directory/list-users/${id(directoryId)}`,
    })
  ).data;
}

/** GET /directory/profiles-info/{directoryId}: per member counts. */
export async function directoryProfilesInfo(
  http: HttpClient,
  directoryId: string,
): Promise<ListOf<MemberActivity>> {
  return (
    await http.request<ListOf<MemberActivity>>({
      method: 'GET',
      path: `/directory/profiles-info/${id(directoryId)}`,
    })
  ).data;
}

/**
 * POST /directory/create-profile-device: an approved device of a member; status 2
 * `{deviceIdentifier}`. Fetch its bundle with download-device-configuration.
 */
export async function createProfileDevice(
  http: HttpClient,
  input: { directoryId: string; profileId: string; deviceName: string; publicKey?: string },
): Promise<AcceptedCommand<{ deviceIdentifier: string }>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/directory/create-profile-device', form: input }),
    (commandId) => retrieveUniqueIdentifier(http, { id: commandId }),
  );
}

/** POST /directory/add-storage-device-to-profile: storage register on the member's behalf. */
export async function addStorageDeviceToProfile(
  http: HttpClient,
  input: { directoryId: string; profileId: string; deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({
      method: 'POST',
      path: '/directory/add-storage-device-to-profile',
      form: input,
    }),
  );
}

/** GET /directory/list-devices/{directoryId}: every member's devices. */
export async function listDirectoryDevices(
  http: HttpClient,
  directoryId: string,
): Promise<ListOf<DirectoryDeviceRecord>> {
  return (
    await http.request<ListOf<DirectoryDeviceRecord>>({
      method: 'GET',
      path: `/directory/list-devices/${id(directoryId)}`,
    })
  ).data;
}

/**
 * POST /directory/create-voting-pool: a pool whose ballots go to every authenticator of the
 * chosen members (all members when `profileIds` is absent); status 2 `{poolId}`, and
 * POOL-RESOLVED comes to the caller. The pool id is the command id (contract §1.6).
 */
export async function createDirectoryVotingPool(
  http: HttpClient,
  input: {
    directoryId: string;
    subject: string;
    context?: string;
    profileIds?: readonly string[];
    votingConfigurationId?: string;
  },
): Promise<AcceptedCommand<{ poolId: string }>> {
  const { profileIds, ...rest } = input;
  return acceptCommand(
    await http.request({
      method: 'POST',
      path: '/directory/create-voting-pool',
      form: profileIds === undefined ? rest : { ...rest, profileIds: [...profileIds] },
    }),
    async (commandId) => ({ poolId: commandId }),
  );
}

/** POST /directory/store-meta: the fields replace the directory's meta. */
export async function storeDirectoryMeta(
  http: HttpClient,
  input: { directoryId: string; meta: Readonly<Record<string, string>> },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({
      method: 'POST',
      path: '/directory/store-meta',
      form: { ...input.meta, directoryId: input.directoryId },
    }),
  );
}
