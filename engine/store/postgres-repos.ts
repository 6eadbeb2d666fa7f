import { createPostgresClusterRepos } from './postgres-cluster-repos.ts';
import { createPostgresDataRepos } from './postgres-data-repos.ts';
import { createPostgresDeviceRepos } from './postgres-device-repos.ts';
import { createPostgresDirectoryRepos } from './postgres-directory-repos.ts';
import { createPostgresOAuthRepos } from './postgres-oauth-repos.ts';
import { all, one, placeholders, type Sql } from './postgres-sql.ts';
import { createPostgresVotingRepos } from './postgres-voting-repos.ts';
import { commandValues, toCommand, toProfile, toQrToken, toToken } from './sqlite-repos.ts';
import { usernameKey } from './username-key.ts';
import type {
  AuthFailureRepo,
  CommandRepo,
  ProfileRepo,
  QrTokenRepo,
  StoreRepos,
  TokenRepo,
} from './store.ts';

function profiles(sql: Sql): ProfileRepo {
  return {
    insert: async (p) =>
      void (await sql.changes(
        'INSERT INTO profiles (id, username, username_key, password_hash, public_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [p.id, p.username, usernameKey(p.username), p.passwordHash, p.publicKey, p.createdAt],
      )),
    byId: (id) => one(sql, toProfile, 'SELECT * FROM profiles WHERE id = $1', [id]),
    byUsername: (username) =>
      one(sql, toProfile, 'SELECT * FROM profiles WHERE username_key = $1', [
        usernameKey(username),
      ]),
    setPasswordHash: async (id, hash) =>
      void (await sql.changes('UPDATE profiles SET password_hash = $1 WHERE id = $2', [hash, id])),
    setPublicKey: async (id, key) =>
      void (await sql.changes('UPDATE profiles SET public_key = $1 WHERE id = $2', [key, id])),
  };
}

function tokens(sql: Sql): TokenRepo {
  return {
    insert: async (t) =>
      void (await sql.changes(
        'INSERT INTO tokens (hash, kind, profile_id, device_id, grant_id, created_at, expires_at, revoked_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          t.hash,
          t.kind,
          t.profileId,
          t.deviceId,
          t.grantId ?? null,
          t.createdAt,
          t.expiresAt,
          t.revokedAt,
          t.issuedBy ?? null,
        ],
      )),
    byHash: (hash) => one(sql, toToken, 'SELECT * FROM tokens WHERE hash = $1', [hash]),
    revoke: async (hash, at) =>
      void (await sql.changes(
        'UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL',
        [at, hash],
      )),
    expireBy: async (hash, at) =>
      void (await sql.changes(
        'UPDATE tokens SET expires_at = LEAST(expires_at, $1) WHERE hash = $2',
        [at, hash],
      )),
    pruneDeadBefore: (at) =>
      sql.changes('DELETE FROM tokens WHERE expires_at < $1 OR revoked_at < $1', [at]),
    revokeForDevice: async (deviceId, at) =>
      (
        await sql.rows(
          `WITH revoked AS (
             UPDATE tokens SET revoked_at = $1 WHERE device_id = $2 AND revoked_at IS NULL RETURNING hash
           ) SELECT hash FROM revoked`,
          [at, deviceId],
        )
      ).map((row) => row.hash as string),
    revokeForGrant: async (grantId, at) =>
      (
        await sql.rows(
          'UPDATE tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL RETURNING hash',
          [at, grantId],
        )
      ).map((row) => row.hash as string),
    liveForProfile: (profileId, at) =>
      all(
        sql,
        toToken,
        'SELECT * FROM tokens WHERE profile_id = $1 AND revoked_at IS NULL AND expires_at > $2',
        [profileId, at],
      ),
  };
}

function commands(sql: Sql): CommandRepo {
  return {
    insert: async (c) =>
      void (await sql.changes(
        'INSERT INTO commands (id, kind, profile_id, status, reason, payload, grant_id, owner, created_at, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        commandValues(c),
      )),
    byId: (id) => one(sql, toCommand, 'SELECT * FROM commands WHERE id = $1', [id]),
    finish: async (id, status, reason, at) =>
      void (await sql.changes(
        'UPDATE commands SET status = $1, reason = $2, payload = NULL, completed_at = $3 WHERE id = $4 AND status = 1',
        [status, reason, at, id],
      )),
    started: () =>
      all(
        sql,
        toCommand,
        'SELECT * FROM commands WHERE status = 1 ORDER BY created_at, id COLLATE "C"',
      ),
    // Row locks make it exactly once: a second claimer waits for the first to commit, then finds
    // the rows owned by a registered run and skips them.
    claimOrphans: async (owner) =>
      (
        await sql.rows(
          `UPDATE commands SET owner = $1 WHERE id IN (
             SELECT id FROM commands WHERE status = 1
               AND (owner IS NULL OR owner NOT IN (SELECT incarnation FROM nodes))
               FOR UPDATE SKIP LOCKED
           ) AND status = 1 AND (owner IS NULL OR owner NOT IN (SELECT incarnation FROM nodes))
           RETURNING *`,
          [owner],
        )
      )
        .map(toCommand)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    setOwner: async (id, owner) =>
      void (await sql.changes('UPDATE commands SET owner = $1 WHERE id = $2', [owner, id])),
    succeededBetween: async (profileId, kinds, from, to) => {
      if (kinds.length === 0) return [];
      const rows = await sql.rows(
        `SELECT kind, completed_at FROM commands WHERE profile_id = $1 AND status = 2 AND completed_at >= $2
           AND completed_at < $3 AND kind IN (${placeholders(kinds.length, 3)})`,
        [profileId, from, to, ...kinds],
      );
      return rows.map((row) => ({
        kind: row.kind as string,
        completedAt: row.completed_at as number,
      }));
    },
    pruneCompletedBefore: (at) =>
      sql.changes('DELETE FROM commands WHERE status <> 1 AND completed_at < $1', [at]),
  };
}

function authFailures(sql: Sql): AuthFailureRepo {
  // The column is named for its first use; it holds any limit key (store.ts).
  return {
    record: async (key, at) =>
      Number(
        (
          await sql.rows(
            'INSERT INTO auth_failures (username_key, at) VALUES ($1, $2) RETURNING id',
            [key, at],
          )
        )[0]!.id,
      ),
    release: async (id) =>
      void (await sql.changes('DELETE FROM auth_failures WHERE id = $1', [id])),
    since: async (key, at) =>
      (
        await sql.rows(
          'SELECT at FROM auth_failures WHERE username_key = $1 AND at > $2 ORDER BY at, id',
          [key, at],
        )
      ).map((row) => row.at as number),
    pruneBefore: async (at) =>
      void (await sql.changes('DELETE FROM auth_failures WHERE at <= $1', [at])),
  };
}

function qrTokens(sql: Sql): QrTokenRepo {
  return {
    insert: async (t) =>
      void (await sql.changes(
        'INSERT INTO qr_tokens (hash, profile_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5)',
        [t.hash, t.profileId, t.createdAt, t.expiresAt, t.usedAt],
      )),
    byHash: (hash) => one(sql, toQrToken, 'SELECT * FROM qr_tokens WHERE hash = $1', [hash]),
    consume: async (hash, at) =>
      (await sql.changes('UPDATE qr_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL', [
        at,
        hash,
      ])) === 1,
  };
}

export function createPostgresRepos(sql: Sql): StoreRepos {
  return {
    profiles: profiles(sql),
    tokens: tokens(sql),
    commands: commands(sql),
    authFailures: authFailures(sql),
    qrTokens: qrTokens(sql),
    ...createPostgresDeviceRepos(sql),
    ...createPostgresDataRepos(sql),
    ...createPostgresDirectoryRepos(sql),
    ...createPostgresOAuthRepos(sql),
    ...createPostgresVotingRepos(sql),
    ...createPostgresClusterRepos(sql),
  };
}
