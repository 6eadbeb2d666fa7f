import type Database from 'better-sqlite3';
import { toDevice } from './sqlite-device-repos.ts';
import type {
  DirectoryPoolRepo,
  DirectoryRecord,
  DirectoryRepo,
  DirectoryView,
  InvitationRepo,
  InvitationView,
  MemberActivity,
  MemberRecord,
  MemberRepo,
  MemberView,
  ProvisionedDeviceRecord,
  ProvisionedDeviceRepo,
} from './directory-store.ts';
import { parsed, type Row } from './sqlite-row.ts';
import type { Sync } from './store.ts';
import { usernameKey } from './username-key.ts';

/** Directory names are unique per owner, compared as usernames are (case-insensitively). */
const nameKey = usernameKey;

export const toDirectory = (row: Row): DirectoryRecord => ({
  id: row.id as string,
  name: row.name as string,
  ownerProfileId: row.owner_profile_id as string,
  meta: (parsed(row.meta) as Record<string, string> | null) ?? {},
  createdAt: row.created_at as number,
});

export const toMember = (row: Row): MemberView => ({
  directoryId: row.directory_id as string,
  profileId: row.profile_id as string,
  username: row.username as string,
  role: row.role as MemberRecord['role'],
  managed: row.managed === 1,
  displayName: (row.display_name as string | null) ?? null,
  joinedAt: row.joined_at as number,
});

export const toInvitation = (row: Row): InvitationView => ({
  id: row.id as string,
  directoryId: row.directory_id as string,
  directoryName: row.directory_name as string,
  profileId: row.profile_id as string,
  username: row.username as string,
  role: row.role as InvitationView['role'],
  status: row.status as InvitationView['status'],
  invitedBy: row.invited_by as string,
  createdAt: row.created_at as number,
  processedAt: (row.processed_at as number | null) ?? null,
});

const MEMBER_COLUMNS = `m.directory_id, m.profile_id, m.role, m.managed, m.display_name, m.joined_at,
  p.username FROM directory_members m JOIN profiles p ON p.id = m.profile_id`;

const INVITATION_COLUMNS = `i.*, d.name AS directory_name FROM directory_invitations i
  JOIN directories d ON d.id = i.directory_id`;

function directories(db: Database.Database): Sync<DirectoryRepo> {
  const insert = db.prepare(
    'INSERT INTO directories (id, owner_profile_id, name, name_key, meta, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare('SELECT * FROM directories WHERE id = ?');
  const taken = db.prepare(
    'SELECT 1 FROM directories WHERE owner_profile_id = ? AND name_key = ? LIMIT 1',
  );
  const setMeta = db.prepare('UPDATE directories SET meta = ? WHERE id = ?');
  const forProfile = db.prepare(
    `SELECT d.*, m.role AS member_role,
       (SELECT COUNT(*) FROM directory_members c WHERE c.directory_id = d.id) AS member_count
     FROM directory_members m JOIN directories d ON d.id = m.directory_id
     WHERE m.profile_id = ? ORDER BY d.created_at, d.id`,
  );
  const count = db.prepare('SELECT COUNT(*) AS n FROM directory_members WHERE directory_id = ?');
  return {
    insert: (d) =>
      void insert.run(
        d.id,
        d.ownerProfileId,
        d.name,
        nameKey(d.name),
        JSON.stringify(d.meta),
        d.createdAt,
      ),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toDirectory(row);
    },
    nameTaken: (owner, name) => taken.get(owner, nameKey(name)) !== undefined,
    setMeta: (id, meta) => void setMeta.run(JSON.stringify(meta), id),
    forProfile: (profileId) =>
      (forProfile.all(profileId) as Row[]).map((row): DirectoryView => ({
        ...toDirectory(row),
        role: row.member_role as DirectoryView['role'],
        memberCount: row.member_count as number,
      })),
    memberCount: (id) => (count.get(id) as Row).n as number,
  };
}

function members(db: Database.Database): Sync<MemberRepo> {
  const insert = db.prepare(
    'INSERT INTO directory_members (directory_id, profile_id, role, managed, display_name, joined_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const get = db.prepare(`SELECT ${MEMBER_COLUMNS} WHERE m.directory_id = ? AND m.profile_id = ?`);
  const list = db.prepare(
    `SELECT ${MEMBER_COLUMNS} WHERE m.directory_id = ? ORDER BY m.joined_at, m.profile_id`,
  );
  const setRole = db.prepare(
    'UPDATE directory_members SET role = ? WHERE directory_id = ? AND profile_id = ?',
  );
  const setName = db.prepare(
    'UPDATE directory_members SET display_name = ? WHERE directory_id = ? AND profile_id = ?',
  );
  const shared = db.prepare(
    `SELECT m.* FROM directory_members m JOIN directory_members o
       ON o.directory_id = m.directory_id AND o.profile_id = ?
     WHERE m.profile_id = ?`,
  );
  const activity = db.prepare(
    `SELECT m.profile_id, p.username, m.role,
       (SELECT COUNT(*) FROM devices d WHERE d.profile_id = m.profile_id) AS devices,
       (SELECT COUNT(*) FROM devices d WHERE d.profile_id = m.profile_id AND d.role = 'storage') AS storage_devices,
       (SELECT COUNT(*) FROM devices d WHERE d.profile_id = m.profile_id AND d.role = 'authenticator') AS authenticators,
       (SELECT COUNT(*) FROM data_tokens t WHERE t.profile_id = m.profile_id AND t.finalized_at IS NOT NULL) AS data_tokens,
       (SELECT COALESCE(SUM(t.size), 0) FROM data_tokens t WHERE t.profile_id = m.profile_id AND t.finalized_at IS NOT NULL) AS stored_bytes
     FROM directory_members m JOIN profiles p ON p.id = m.profile_id
     WHERE m.directory_id = ? ORDER BY m.joined_at, m.profile_id`,
  );
  const devices = db.prepare(
    `SELECT d.* FROM directory_members m JOIN devices d ON d.profile_id = m.profile_id
     WHERE m.directory_id = ? ORDER BY m.joined_at, m.profile_id, d.created_at, d.id`,
  );
  return {
    insert: (m) =>
      void insert.run(
        m.directoryId,
        m.profileId,
        m.role,
        m.managed ? 1 : 0,
        m.displayName,
        m.joinedAt,
      ),
    get: (directoryId, profileId) => {
      const row = get.get(directoryId, profileId) as Row | undefined;
      return row && toMember(row);
    },
    list: (directoryId) => (list.all(directoryId) as Row[]).map(toMember),
    update: (directoryId, profileId, changes) => {
      if (changes.role !== undefined) setRole.run(changes.role, directoryId, profileId);
      if (changes.displayName !== undefined)
        setName.run(changes.displayName, directoryId, profileId);
    },
    shared: (profileId, otherProfileId) =>
      (shared.all(otherProfileId, profileId) as Row[]).map((row): MemberRecord => ({
        directoryId: row.directory_id as string,
        profileId: row.profile_id as string,
        role: row.role as MemberRecord['role'],
        managed: row.managed === 1,
        displayName: (row.display_name as string | null) ?? null,
        joinedAt: row.joined_at as number,
      })),
    activity: (directoryId) =>
      (activity.all(directoryId) as Row[]).map((row): MemberActivity => ({
        profileId: row.profile_id as string,
        username: row.username as string,
        role: row.role as MemberActivity['role'],
        devices: row.devices as number,
        storageDevices: row.storage_devices as number,
        authenticators: row.authenticators as number,
        dataTokens: row.data_tokens as number,
        storedBytes: row.stored_bytes as number,
      })),
    devices: (directoryId) => (devices.all(directoryId) as Row[]).map(toDevice),
  };
}

function invitations(db: Database.Database): Sync<InvitationRepo> {
  const insert = db.prepare(
    `INSERT INTO directory_invitations (id, directory_id, profile_id, username, role, status, invited_by, created_at, processed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare(`SELECT ${INVITATION_COLUMNS} WHERE i.id = ?`);
  const removePending = db.prepare(
    "DELETE FROM directory_invitations WHERE directory_id = ? AND profile_id = ? AND status = 'pending'",
  );
  const forDirectory = db.prepare(
    `SELECT ${INVITATION_COLUMNS} WHERE i.directory_id = ? ORDER BY i.created_at DESC, i.id DESC`,
  );
  const pendingFor = db.prepare(
    `SELECT ${INVITATION_COLUMNS} WHERE i.profile_id = ? AND i.status = 'pending' ORDER BY i.created_at DESC, i.id DESC`,
  );
  const close = db.prepare(
    "UPDATE directory_invitations SET status = ?, processed_at = ? WHERE id = ? AND status = 'pending'",
  );
  return {
    insert: (i) =>
      void insert.run(
        i.id,
        i.directoryId,
        i.profileId,
        i.username,
        i.role,
        i.status,
        i.invitedBy,
        i.createdAt,
        i.processedAt,
      ),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toInvitation(row);
    },
    removePending: (directoryId, profileId) => void removePending.run(directoryId, profileId),
    forDirectory: (directoryId) => (forDirectory.all(directoryId) as Row[]).map(toInvitation),
    pendingFor: (profileId) => (pendingFor.all(profileId) as Row[]).map(toInvitation),
    close: (id, status, at) => close.run(status, at, id).changes === 1,
  };
}

function provisionedDevices(db: Database.Database): Sync<ProvisionedDeviceRepo> {
  const insert = db.prepare(
    'INSERT INTO directory_devices (device_id, directory_id, created_by, created_at) VALUES (?, ?, ?, ?)',
  );
  const byDevice = db.prepare('SELECT * FROM directory_devices WHERE device_id = ?');
  const byCommand = db.prepare(
    `SELECT d.id FROM devices d JOIN directory_devices p ON p.device_id = d.id
     WHERE d.request_command_id = ? AND p.created_by = ?`,
  );
  return {
    insert: (r) => void insert.run(r.deviceId, r.directoryId, r.createdBy, r.createdAt),
    byDevice: (deviceId) => {
      const row = byDevice.get(deviceId) as Row | undefined;
      return (
        row &&
        ({
          deviceId: row.device_id as string,
          directoryId: row.directory_id as string,
          createdBy: row.created_by as string,
          createdAt: row.created_at as number,
        } satisfies ProvisionedDeviceRecord)
      );
    },
    byCommand: (createdBy, commandId) =>
      (byCommand.get(commandId, createdBy) as Row | undefined)?.id as string | undefined,
  };
}

function directoryPools(db: Database.Database): Sync<DirectoryPoolRepo> {
  const insert = db.prepare('INSERT INTO directory_pools (pool_id, directory_id) VALUES (?, ?)');
  const directoryOf = db.prepare('SELECT directory_id FROM directory_pools WHERE pool_id = ?');
  const withVoter = db.prepare(
    `SELECT p.id FROM directory_pools d JOIN pools p ON p.id = d.pool_id
     WHERE p.status = 'pending' AND EXISTS (SELECT 1 FROM json_each(p.device_ids) WHERE value = ?)
     ORDER BY p.created_at, p.id`,
  );
  return {
    insert: (poolId, directoryId) => void insert.run(poolId, directoryId),
    directoryOf: (poolId) =>
      (directoryOf.get(poolId) as Row | undefined)?.directory_id as string | undefined,
    pendingWithVoter: (deviceId) =>
      (withVoter.all(deviceId) as Row[]).map((row) => row.id as string),
  };
}

export function createSqliteDirectoryRepos(db: Database.Database): {
  directories: Sync<DirectoryRepo>;
  directoryMembers: Sync<MemberRepo>;
  invitations: Sync<InvitationRepo>;
  provisionedDevices: Sync<ProvisionedDeviceRepo>;
  directoryPools: Sync<DirectoryPoolRepo>;
} {
  return {
    directories: directories(db),
    directoryMembers: members(db),
    invitations: invitations(db),
    provisionedDevices: provisionedDevices(db),
    directoryPools: directoryPools(db),
  };
}
