import type {
  OAuthApplicationRepo,
  OAuthGrantRepo,
  OAuthRefreshRepo,
  OAuthRequestRepo,
} from './oauth-store.ts';
import { all, one, type Sql } from './postgres-sql.ts';
import { toApplication, toGrant, toRefresh, toRequest } from './sqlite-oauth-repos.ts';

// The OAuth area (migration 4) on PostgreSQL: the statements of sqlite-oauth-repos.ts in
// PostgreSQL's dialect, with the same rows and the same "changed exactly one row" answers that
// make codes and refresh tokens single-use under concurrency.

function applications(sql: Sql): OAuthApplicationRepo {
  return {
    insert: async (a) =>
      void (await sql.changes(
        `INSERT INTO oauth_applications (id, profile_id, client_id, name, redirect_uri, scopes, secret_hash, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          a.id,
          a.profileId,
          a.clientId,
          a.name,
          a.redirectUri,
          JSON.stringify(a.scopes),
          a.secretHash,
          a.createdAt,
          a.revokedAt,
        ],
      )),
    byId: (id) => one(sql, toApplication, 'SELECT * FROM oauth_applications WHERE id = $1', [id]),
    byClientId: (clientId) =>
      one(sql, toApplication, 'SELECT * FROM oauth_applications WHERE client_id = $1', [clientId]),
    listByProfile: (profileId) =>
      all(
        sql,
        toApplication,
        'SELECT * FROM oauth_applications WHERE profile_id = $1 AND revoked_at IS NULL ORDER BY created_at, id COLLATE "C"',
        [profileId],
      ),
    setSecret: async (id, hash) =>
      (await sql.changes(
        'UPDATE oauth_applications SET secret_hash = $1 WHERE id = $2 AND secret_hash IS NULL AND revoked_at IS NULL',
        [hash, id],
      )) === 1,
    revoke: async (id, at) =>
      void (await sql.changes(
        'UPDATE oauth_applications SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [at, id],
      )),
  };
}

function requests(sql: Sql): OAuthRequestRepo {
  return {
    insert: async (r) =>
      void (await sql.changes(
        `INSERT INTO oauth_requests (id, application_id, profile_id, device_id, nonce, scopes, created_at, code_hash, code_expires_at, code_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          r.id,
          r.applicationId,
          r.profileId,
          r.deviceId,
          r.nonce,
          JSON.stringify(r.scopes),
          r.createdAt,
          r.codeHash,
          r.codeExpiresAt,
          r.codeUsedAt,
        ],
      )),
    byId: (id) => one(sql, toRequest, 'SELECT * FROM oauth_requests WHERE id = $1', [id]),
    byCodeHash: (hash) =>
      one(sql, toRequest, 'SELECT * FROM oauth_requests WHERE code_hash = $1', [hash]),
    nonceUsed: async (applicationId, nonce) =>
      (
        await sql.rows('SELECT 1 FROM oauth_requests WHERE application_id = $1 AND nonce = $2', [
          applicationId,
          nonce,
        ])
      ).length > 0,
    issueCode: async (id, hash, expiresAt) =>
      (await sql.changes(
        'UPDATE oauth_requests SET code_hash = $1, code_expires_at = $2 WHERE id = $3 AND code_hash IS NULL AND code_expires_at IS NULL',
        [hash, expiresAt, id],
      )) === 1,
    consumeCode: async (id, at) =>
      (await sql.changes(
        'UPDATE oauth_requests SET code_used_at = $1 WHERE id = $2 AND code_used_at IS NULL',
        [at, id],
      )) === 1,
    expireCodes: async (applicationId, profileId, at) =>
      void (profileId === null
        ? await sql.changes(
            `UPDATE oauth_requests SET code_expires_at = LEAST(COALESCE(code_expires_at, $1), $1)
             WHERE application_id = $2 AND code_used_at IS NULL`,
            [at, applicationId],
          )
        : await sql.changes(
            `UPDATE oauth_requests SET code_expires_at = LEAST(COALESCE(code_expires_at, $1), $1)
             WHERE application_id = $2 AND profile_id = $3 AND code_used_at IS NULL`,
            [at, applicationId, profileId],
          )),
    listByProfile: (profileId, limit) =>
      all(
        sql,
        toRequest,
        'SELECT * FROM oauth_requests WHERE profile_id = $1 ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $2',
        [profileId, limit],
      ),
  };
}

function grants(sql: Sql): OAuthGrantRepo {
  return {
    insert: async (g) =>
      void (await sql.changes(
        `INSERT INTO oauth_grants (id, application_id, request_id, profile_id, scopes, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          g.id,
          g.applicationId,
          g.requestId,
          g.profileId,
          JSON.stringify(g.scopes),
          g.createdAt,
          g.revokedAt,
        ],
      )),
    byId: (id) => one(sql, toGrant, 'SELECT * FROM oauth_grants WHERE id = $1', [id]),
    byRequest: (requestId) =>
      one(sql, toGrant, 'SELECT * FROM oauth_grants WHERE request_id = $1', [requestId]),
    liveFor: (applicationId, profileId) =>
      profileId === null
        ? all(
            sql,
            toGrant,
            'SELECT * FROM oauth_grants WHERE application_id = $1 AND revoked_at IS NULL',
            [applicationId],
          )
        : all(
            sql,
            toGrant,
            'SELECT * FROM oauth_grants WHERE application_id = $1 AND profile_id = $2 AND revoked_at IS NULL',
            [applicationId, profileId],
          ),
    revoke: async (id, at) =>
      void (await sql.changes(
        'UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [at, id],
      )),
  };
}

function refreshTokens(sql: Sql): OAuthRefreshRepo {
  return {
    insert: async (t) =>
      void (await sql.changes(
        'INSERT INTO oauth_refresh_tokens (hash, grant_id, access_hash, expires_at, used_at) VALUES ($1, $2, $3, $4, $5)',
        [t.hash, t.grantId, t.accessHash, t.expiresAt, t.usedAt],
      )),
    byHash: (hash) =>
      one(sql, toRefresh, 'SELECT * FROM oauth_refresh_tokens WHERE hash = $1', [hash]),
    markUsed: async (hash, at) =>
      (await sql.changes(
        'UPDATE oauth_refresh_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL',
        [at, hash],
      )) === 1,
    liveForGrant: async (grantId, at) =>
      (
        await sql.rows(
          'SELECT 1 FROM oauth_refresh_tokens WHERE grant_id = $1 AND used_at IS NULL AND expires_at > $2',
          [grantId, at],
        )
      ).length > 0,
    pruneExpiredBefore: (at) =>
      sql.changes('DELETE FROM oauth_refresh_tokens WHERE expires_at < $1', [at]),
  };
}

export function createPostgresOAuthRepos(sql: Sql): {
  oauthApplications: OAuthApplicationRepo;
  oauthRequests: OAuthRequestRepo;
  oauthGrants: OAuthGrantRepo;
  oauthRefreshTokens: OAuthRefreshRepo;
} {
  return {
    oauthApplications: applications(sql),
    oauthRequests: requests(sql),
    oauthGrants: grants(sql),
    oauthRefreshTokens: refreshTokens(sql),
  };
}
