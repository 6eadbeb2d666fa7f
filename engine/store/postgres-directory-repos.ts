import type {
  DirectoryPoolRepo,
  DirectoryRepo,
  DirectoryView,
  InvitationRepo,
  MemberActivity,
  MemberRecord,
  MemberRepo,
  ProvisionedDeviceRepo,
} from './directory-store.ts';
import { all, one, type Sql } from './postgres-sql.ts';
import { toDevice } from './sqlite-device-repos.ts';
import { toDirectory, toInvitation, toMember } from './sqlite-directory-repos.ts';
import type { Row } from './sqlite-row.ts';
import { usernameKey } from './username-key.ts';

// The directory area (migration 5) on PostgreSQL: the statements of sqlite-directory-repos.ts
// in PostgreSQL's dialect. Text ties sort with COLLATE "C" (bytewise, as SQLite does), counts
// and sums come back as numbers (BIGINT; a SUM is cast back to it from NUMERIC).

/** Directory names are unique per owner, compared as usernames are (case-insensitively). */
const nameKey = usernameKey;

const MEMBER_COLUMNS = `m.directory_id, m.profile_id, m.role, m.managed, m.display_name, m.joined_at,
  p.username FROM directory_members m JOIN profiles p ON p.id = m.profile_id`;

const INVITATION_COLUMNS = `i.*, d.name AS directory_name FROM directory_invitations i
  JOIN directories d ON d.id = i.directory_id`;

function directories(sql: Sql): DirectoryRepo {
  return {
    insert: async (d) =>
      void (await sql.changes(
        'INSERT INTO directories (id, owner_profile_id, name, name_key, meta, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [d.id, d.ownerProfileId, d.name, nameKey(d.name), JSON.stringify(d.meta), d.createdAt],
      )),
    byId: (id) => one(sql, toDirectory, 'SELECT * FROM directories WHERE id = $1', [id]),
    nameTaken: async (owner, name) =>
      (
        await sql.rows(
          'SELECT 1 FROM directories WHERE owner_profile_id = $1 AND name_key = $2 LIMIT 1',
          [owner, nameKey(name)],
        )
      ).length > 0,
    setMeta: async (id, meta) =>
      void (await sql.changes('UPDATE directories SET meta = $1 WHERE id = $2', [
        JSON.stringify(meta),
        id,
      ])),
    forProfile: (profileId) =>
      all(
        sql,
        (row): DirectoryView => ({
          ...toDirectory(row),
          role: row.member_role as DirectoryView['role'],
          memberCount: row.member_count as number,
        }),
        `SELECT d.*, m.role AS member_role,
           (SELECT COUNT(*) FROM directory_members c WHERE c.directory_id = d.id) AS member_count
         FROM directory_members m JOIN directories d ON d.id = m.directory_id
         WHERE m.profile_id = $1 ORDER BY d.created_at, d.id COLLATE "C"`,
        [profileId],
      ),
    memberCount: async (id) =>
      (
        await sql.rows('SELECT COUNT(*) AS n FROM directory_members WHERE directory_id = $1', [id])
      )[0]!.n as number,
  };
}

const toMemberRecord = (row: Row): MemberRecord => ({
  directoryId: row.directory_id as string,
  profileId: row.profile_id as string,
  role: row.role as MemberRecord['role'],
  managed: row.managed === 1,
  displayName: (row.display_name as string | null) ?? null,
  joinedAt: row.joined_at as number,
});

function members(sql: Sql): MemberRepo {
  return {
    insert: async (m) =>
      void (await sql.changes(
        'INSERT INTO directory_members (directory_id, profile_id, role, managed, display_name, joined_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [m.directoryId, m.profileId, m.role, m.managed ? 1 : 0, m.displayName, m.joinedAt],
      )),
    get: (directoryId, profileId) =>
      one(
        sql,
        toMember,
        `SELECT ${MEMBER_COLUMNS} WHERE m.directory_id = $1 AND m.profile_id = $2`,
        [directoryId, profileId],
      ),
    list: (directoryId) =>
      all(
        sql,
        toMember,
        `SELECT ${MEMBER_COLUMNS} WHERE m.directory_id = $1 ORDER BY m.joined_at, m.profile_id COLLATE "C"`,
        [directoryId],
      ),
    update: async (directoryId, profileId, changes) => {
      if (changes.role !== undefined)
        await sql.changes(
          'UPDATE directory_members SET role = $1 WHERE directory_id = $2 AND profile_id = $3',
          [changes.role, directoryId, profileId],
        );
      if (changes.displayName !== undefined)
        await sql.changes(
          'UPDATE directory_members SET display_name = $1 WHERE directory_id = $2 AND profile_id = $3',
          [changes.displayName, directoryId, profileId],
        );
    },
    shared: (profileId, otherProfileId) =>
      all(
        sql,
        toMemberRecord,
        `SELECT m.* FROM directory_members m JOIN directory_members o
           ON o.directory_id = m.directory_id AND o.profile_id = $1
         WHERE m.profile_id = $2`,
        [otherProfileId, profileId],
      ),
    activity: (directoryId) =>
      all(
        sql,
        (row): MemberActivity => ({
          profileId: row.profile_id as string,
          username: row.username as string,
          role: row.role as MemberActivity['role'],
          devices: row.devices as number,
          storageDevices: row.storage_devices as number,
          authenticators: row.authenticators as number,
          dataTokens: row.data_tokens as number,
          storedBytes: row.stored_bytes as number,
        }),
        `SELECT m.profile_id, p.username, m.role,
           (SELECT COUNT(*) FROM devices d WHERE d.profile_id = m.profile_id) AS devices,
           (SELECT COUNT(*) FROM devices d WHERE d.profile_id = m.profile_id AND d.role = 'storage') AS storage_devices,
           (SELECT COUNT(*) FROM devices d WHERE d.profile_id = m.profile_id AND d.role = 'authenticator') AS authenticators,
           (SELECT COUNT(*) FROM data_tokens t WHERE t.profile_id = m.profile_id AND t.finalized_at IS NOT NULL) AS data_tokens,
           (SELECT COALESCE(SUM(t.size), 0)::BIGINT FROM data_tokens t WHERE t.profile_id = m.profile_id AND t.finalized_at IS NOT NULL) AS stored_bytes
         FROM directory_members m JOIN profiles p ON p.id = m.profile_id
         WHERE m.directory_id = $1 ORDER BY m.joined_at, m.profile_id COLLATE "C"`,
        [directoryId],
      ),
    devices: (directoryId) =>
      all(
        sql,
        toDevice,
        `SELECT d.* FROM directory_members m JOIN devices d ON d.profile_id = m.profile_id
         WHERE m.directory_id = $1
         ORDER BY m.joined_at, m.profile_id COLLATE "C", d.created_at, d.id COLLATE "C"`,
        [directoryId],
      ),
  };
}

function invitations(sql: Sql): InvitationRepo {
  return {
    insert: async (i) =>
      void (await sql.changes(
        `INSERT INTO directory_invitations (id, directory_id, profile_id, username, role, status, invited_by, created_at, processed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          i.id,
          i.directoryId,
          i.profileId,
          i.username,
          i.role,
          i.status,
          i.invitedBy,
          i.createdAt,
          i.processedAt,
        ],
      )),
    byId: (id) => one(sql, toInvitation, `SELECT ${INVITATION_COLUMNS} WHERE i.id = $1`, [id]),
    removePending: async (directoryId, profileId) =>
      void (await sql.changes(
        "DELETE FROM directory_invitations WHERE directory_id = $1 AND profile_id = $2 AND status = 'pending'",
        [directoryId, profileId],
      )),
    forDirectory: (directoryId) =>
      all(
        sql,
        toInvitation,
        `SELECT ${INVITATION_COLUMNS} WHERE i.directory_id = $1 ORDER BY i.created_at DESC, i.id COLLATE "C" DESC`,
        [directoryId],
      ),
    pendingFor: (profileId) =>
      all(
        sql,
        toInvitation,
        `SELECT ${INVITATION_COLUMNS} WHERE i.profile_id = $1 AND i.status = 'pending' ORDER BY i.created_at DESC, i.id COLLATE "C" DESC`,
        [profileId],
      ),
    close: async (id, status, at) =>
      (await sql.changes(
        "UPDATE directory_invitations SET status = $1, processed_at = $2 WHERE id = $3 AND status = 'pending'",
        [status, at, id],
      )) === 1,
  };
}

function provisionedDevices(sql: Sql): ProvisionedDeviceRepo {
  return {
    insert: async (r) =>
      void (await sql.changes(
        'INSERT INTO directory_devices (device_id, directory_id, created_by, created_at) VALUES ($1, $2, $3, $4)',
        [r.deviceId, r.directoryId, r.createdBy, r.createdAt],
      )),
    byDevice: (deviceId) =>
      one(
        sql,
        (row) => ({
          deviceId: row.device_id as string,
          directoryId: row.directory_id as string,
          createdBy: row.created_by as string,
          createdAt: row.created_at as number,
        }),
        'SELECT * FROM directory_devices WHERE device_id = $1',
        [deviceId],
      ),
    byCommand: async (createdBy, commandId) =>
      (
        await sql.rows(
          `SELECT d.id FROM devices d JOIN directory_devices p ON p.device_id = d.id
           WHERE d.request_command_id = $1 AND p.created_by = $2`,
          [commandId, createdBy],
        )
      )[0]?.id as string | undefined,
  };
}

function directoryPools(sql: Sql): DirectoryPoolRepo {
  return {
    insert: async (poolId, directoryId) =>
      void (await sql.changes(
        'INSERT INTO directory_pools (pool_id, directory_id) VALUES ($1, $2)',
        [poolId, directoryId],
      )),
    directoryOf: async (poolId) =>
      (await sql.rows('SELECT directory_id FROM directory_pools WHERE pool_id = $1', [poolId]))[0]
        ?.directory_id as string | undefined,
    pendingWithVoter: async (deviceId) =>
      (
        await sql.rows(
          `SELECT p.id FROM directory_pools d JOIN pools p ON p.id = d.pool_id
           WHERE p.status = 'pending' AND jsonb_exists(p.device_ids::jsonb, $1)
           ORDER BY p.created_at, p.id COLLATE "C"`,
          [deviceId],
        )
      ).map((row) => row.id as string),
  };
}

export function createPostgresDirectoryRepos(sql: Sql): {
  directories: DirectoryRepo;
  directoryMembers: MemberRepo;
  invitations: InvitationRepo;
  provisionedDevices: ProvisionedDeviceRepo;
  directoryPools: DirectoryPoolRepo;
} {
  return {
    directories: directories(sql),
    directoryMembers: members(sql),
    invitations: invitations(sql),
    provisionedDevices: provisionedDevices(sql),
    directoryPools: directoryPools(sql),
  };
}
