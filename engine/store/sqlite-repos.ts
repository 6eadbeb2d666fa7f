import type Database from 'better-sqlite3';
import { createSqliteClusterRepos } from './sqlite-cluster-repos.ts';
import { createSqliteDataRepos } from './sqlite-data-repos.ts';
import { createSqliteDeviceRepos } from './sqlite-device-repos.ts';
import { createSqliteDirectoryRepos } from './sqlite-directory-repos.ts';
import { createSqliteOAuthRepos } from './sqlite-oauth-repos.ts';
import { createSqliteVotingRepos } from './sqlite-voting-repos.ts';
import { json, parsed, type Row } from './sqlite-row.ts';
import { usernameKey } from './username-key.ts';
import type {
  AuthFailureRepo,
  CommandRecord,
  CommandRepo,
  ProfileRecord,
  ProfileRepo,
  QrTokenRecord,
  QrTokenRepo,
  StoreRepos,
  Sync,
  TokenRecord,
  TokenRepo,
} from './store.ts';

export const toProfile = (row: Row): ProfileRecord => ({
  id: row.id as string,
  username: row.username as string,
  passwordHash: row.password_hash as string,
  publicKey: (row.public_key as string | null) ?? null,
  createdAt: row.created_at as number,
});

export const toToken = (row: Row): TokenRecord => ({
  hash: row.hash as string,
  kind: row.kind as TokenRecord['kind'],
  profileId: row.profile_id as string,
  deviceId: (row.device_id as string | null) ?? null,
  grantId: (row.grant_id as string | null) ?? null,
  createdAt: row.created_at as number,
  expiresAt: row.expires_at as number,
  revokedAt: (row.revoked_at as number | null) ?? null,
  issuedBy: (row.issued_by as string | null) ?? null,
});

/** A command's values in the order of the commands INSERT (both dialects: PostgreSQL's store too). */
export const commandValues = (c: CommandRecord): unknown[] => [
  c.id,
  c.kind,
  c.profileId,
  c.status,
  c.reason,
  json(c.payload),
  c.grantId ?? null,
  c.owner ?? null,
  c.createdAt,
  c.completedAt,
];

export const toCommand = (row: Row): CommandRecord => ({
  id: row.id as string,
  kind: row.kind as string,
  profileId: (row.profile_id as string | null) ?? null,
  status: row.status as CommandRecord['status'],
  reason: (row.reason as string | null) ?? null,
  payload: parsed(row.payload),
  grantId: (row.grant_id as string | null) ?? null,
  owner: (row.owner as string | null) ?? null,
  createdAt: row.created_at as number,
  completedAt: (row.completed_at as number | null) ?? null,
});

export const toQrToken = (row: Row): QrTokenRecord => ({
  hash: row.hash as string,
  profileId: row.profile_id as string,
  createdAt: row.created_at as number,
  expiresAt: row.expires_at as number,
  usedAt: (row.used_at as number | null) ?? null,
});

function profiles(db: Database.Database): Sync<ProfileRepo> {
  const insert = db.prepare(
    'INSERT INTO profiles (id, username, username_key, password_hash, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare('SELECT * FROM profiles WHERE id = ?');
  const byKey = db.prepare('SELECT * FROM profiles WHERE username_key = ?');
  const setHash = db.prepare('UPDATE profiles SET password_hash = ? WHERE id = ?');
  const setKey = db.prepare('UPDATE profiles SET public_key = ? WHERE id = ?');
  return {
    insert: (p) =>
      void insert.run(
        p.id,
        p.username,
        usernameKey(p.username),
        p.passwordHash,
        p.publicKey,
        p.createdAt,
      ),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toProfile(row);
    },
    byUsername: (username) => {
      const row = byKey.get(usernameKey(username)) as Row | undefined;
      return row && toProfile(row);
    },
    setPasswordHash: (id, hash) => void setHash.run(hash, id),
    setPublicKey: (id, key) => void setKey.run(key, id),
  };
}

function tokens(db: Database.Database): Sync<TokenRepo> {
  const insert = db.prepare(
    'INSERT INTO tokens (hash, kind, profile_id, device_id, grant_id, created_at, expires_at, revoked_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare('SELECT * FROM tokens WHERE hash = ?');
  const revoke = db.prepare(
    'UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL',
  );
  const expireBy = db.prepare('UPDATE tokens SET expires_at = MIN(expires_at, ?) WHERE hash = ?');
  const pruneDead = db.prepare('DELETE FROM tokens WHERE expires_at < ? OR revoked_at < ?');
  const forDevice = db.prepare(
    'SELECT hash FROM tokens WHERE device_id = ? AND revoked_at IS NULL',
  );
  const revokeDevice = db.prepare(
    'UPDATE tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL',
  );
  const forGrant = db.prepare('SELECT hash FROM tokens WHERE grant_id = ? AND revoked_at IS NULL');
  const revokeGrant = db.prepare(
    'UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL',
  );
  const liveForProfile = db.prepare(
    'SELECT * FROM tokens WHERE profile_id = ? AND revoked_at IS NULL AND expires_at > ?',
  );
  return {
    insert: (t) =>
      void insert.run(
        t.hash,
        t.kind,
        t.profileId,
        t.deviceId,
        t.grantId ?? null,
        t.createdAt,
        t.expiresAt,
        t.revokedAt,
        t.issuedBy ?? null,
      ),
    byHash: (hash) => {
      const row = byHash.get(hash) as Row | undefined;
      return row && toToken(row);
    },
    revoke: (hash, at) => void revoke.run(at, hash),
    expireBy: (hash, at) => void expireBy.run(at, hash),
    pruneDeadBefore: (at) => pruneDead.run(at, at).changes,
    revokeForDevice: (deviceId, at) => {
      const hashes = (forDevice.all(deviceId) as Row[]).map((row) => row.hash as string);
      revokeDevice.run(at, deviceId);
      return hashes;
    },
    revokeForGrant: (grantId, at) => {
      const hashes = (forGrant.all(grantId) as Row[]).map((row) => row.hash as string);
      revokeGrant.run(at, grantId);
      return hashes;
    },
    liveForProfile: (profileId, at) =>
      (liveForProfile.all(profileId, at) as Row[]).map((row) => toToken(row)),
  };
}

function commands(db: Database.Database): Sync<CommandRepo> {
  const insert = db.prepare(
    'INSERT INTO commands (id, kind, profile_id, status, reason, payload, grant_id, owner, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare('SELECT * FROM commands WHERE id = ?');
  const finish = db.prepare(
    'UPDATE commands SET status = ?, reason = ?, payload = NULL, completed_at = ? WHERE id = ? AND status = 1',
  );
  const started = db.prepare('SELECT * FROM commands WHERE status = 1 ORDER BY created_at');
  const prune = db.prepare('DELETE FROM commands WHERE status <> 1 AND completed_at < ?');
  const orphans = db.prepare(
    `SELECT * FROM commands WHERE status = 1
       AND (owner IS NULL OR owner NOT IN (SELECT incarnation FROM nodes)) ORDER BY created_at, id`,
  );
  const setOwner = db.prepare('UPDATE commands SET owner = ? WHERE id = ?');
  return {
    insert: (c) => void insert.run(...commandValues(c)),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toCommand(row);
    },
    finish: (id, status, reason, at) => void finish.run(status, reason, at, id),
    started: () => (started.all() as Row[]).map(toCommand),
    claimOrphans: (owner) =>
      // One connection, one caller at a time (sqlite.ts): the read and the writes cannot interleave.
      (orphans.all() as Row[]).map((row) => {
        setOwner.run(owner, row.id);
        return { ...toCommand(row), owner };
      }),
    setOwner: (id, owner) => void setOwner.run(owner, id),
    succeededBetween: (profileId, kinds, from, to) => {
      if (kinds.length === 0) return [];
      const rows = db
        .prepare(
          `SELECT kind, completed_at FROM commands WHERE profile_id = ? AND status = 2 AND completed_at >= ? AND completed_at < ? AND kind IN (${kinds.map(() => '?').join(',')})`,
        )
        .all(profileId, from, to, ...kinds) as Row[];
      return rows.map((row) => ({
        kind: row.kind as string,
        completedAt: row.completed_at as number,
      }));
    },
    pruneCompletedBefore: (at) => prune.run(at).changes,
  };
}

function authFailures(db: Database.Database): Sync<AuthFailureRepo> {
  // The column is named for its first use; it holds any limit key (store.ts).
  const insert = db.prepare('INSERT INTO auth_failures (username_key, at) VALUES (?, ?)');
  const release = db.prepare('DELETE FROM auth_failures WHERE rowid = ?');
  const since = db.prepare(
    'SELECT at FROM auth_failures WHERE username_key = ? AND at > ? ORDER BY at',
  );
  const prune = db.prepare('DELETE FROM auth_failures WHERE at <= ?');
  return {
    record: (key, at) => Number(insert.run(key, at).lastInsertRowid),
    release: (id) => void release.run(id),
    since: (key, at) => (since.all(key, at) as Row[]).map((row) => row.at as number),
    pruneBefore: (at) => void prune.run(at),
  };
}

function qrTokens(db: Database.Database): Sync<QrTokenRepo> {
  const insert = db.prepare(
    'INSERT INTO qr_tokens (hash, profile_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare('SELECT * FROM qr_tokens WHERE hash = ?');
  const consume = db.prepare('UPDATE qr_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL');
  return {
    insert: (t) => void insert.run(t.hash, t.profileId, t.createdAt, t.expiresAt, t.usedAt),
    byHash: (hash) => {
      const row = byHash.get(hash) as Row | undefined;
      return row && toQrToken(row);
    },
    consume: (hash, at) => consume.run(at, hash).changes === 1,
  };
}

export function createSqliteRepos(db: Database.Database): {
  [K in keyof StoreRepos]: Sync<StoreRepos[K]>;
} {
  return {
    profiles: profiles(db),
    tokens: tokens(db),
    commands: commands(db),
    authFailures: authFailures(db),
    qrTokens: qrTokens(db),
    ...createSqliteDeviceRepos(db),
    ...createSqliteDataRepos(db),
    ...createSqliteDirectoryRepos(db),
    ...createSqliteOAuthRepos(db),
    ...createSqliteVotingRepos(db),
    ...createSqliteClusterRepos(db),
  };
}
