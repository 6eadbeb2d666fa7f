import type Database from 'better-sqlite3';
import type {
  OAuthApplicationRecord,
  OAuthApplicationRepo,
  OAuthGrantRecord,
  OAuthGrantRepo,
  OAuthRefreshRecord,
  OAuthRefreshRepo,
  OAuthRequestRecord,
  OAuthRequestRepo,
} from './oauth-store.ts';
import { parsed, type Row } from './sqlite-row.ts';
import type { Sync } from './store.ts';

const scopesOf = (value: unknown): string[] => (parsed(value) as string[] | null) ?? [];

export const toApplication = (row: Row): OAuthApplicationRecord => ({
  id: row.id as string,
  profileId: row.profile_id as string,
  clientId: row.client_id as string,
  name: row.name as string,
  redirectUri: row.redirect_uri as string,
  scopes: scopesOf(row.scopes),
  secretHash: (row.secret_hash as string | null) ?? null,
  createdAt: row.created_at as number,
  revokedAt: (row.revoked_at as number | null) ?? null,
});

export const toRequest = (row: Row): OAuthRequestRecord => ({
  id: row.id as string,
  applicationId: row.application_id as string,
  profileId: row.profile_id as string,
  deviceId: (row.device_id as string | null) ?? null,
  nonce: row.nonce as string,
  scopes: scopesOf(row.scopes),
  createdAt: row.created_at as number,
  codeHash: (row.code_hash as string | null) ?? null,
  codeExpiresAt: (row.code_expires_at as number | null) ?? null,
  codeUsedAt: (row.code_used_at as number | null) ?? null,
});

export const toGrant = (row: Row): OAuthGrantRecord => ({
  id: row.id as string,
  applicationId: row.application_id as string,
  requestId: row.request_id as string,
  profileId: row.profile_id as string,
  scopes: scopesOf(row.scopes),
  createdAt: row.created_at as number,
  revokedAt: (row.revoked_at as number | null) ?? null,
});

export const toRefresh = (row: Row): OAuthRefreshRecord => ({
  hash: row.hash as string,
  grantId: row.grant_id as string,
  accessHash: row.access_hash as string,
  expiresAt: row.expires_at as number,
  usedAt: (row.used_at as number | null) ?? null,
});

function applications(db: Database.Database): Sync<OAuthApplicationRepo> {
  const insert = db.prepare(
    `INSERT INTO oauth_applications (id, profile_id, client_id, name, redirect_uri, scopes, secret_hash, created_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM oauth_applications WHERE id = ?');
  const byClientId = db.prepare('SELECT * FROM oauth_applications WHERE client_id = ?');
  const byProfile = db.prepare(
    'SELECT * FROM oauth_applications WHERE profile_id = ? AND revoked_at IS NULL ORDER BY created_at, id',
  );
  const setSecret = db.prepare(
    'UPDATE oauth_applications SET secret_hash = ? WHERE id = ? AND secret_hash IS NULL AND revoked_at IS NULL',
  );
  const revoke = db.prepare(
    'UPDATE oauth_applications SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  return {
    insert: (a) =>
      void insert.run(
        a.id,
        a.profileId,
        a.clientId,
        a.name,
        a.redirectUri,
        JSON.stringify(a.scopes),
        a.secretHash,
        a.createdAt,
        a.revokedAt,
      ),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toApplication(row);
    },
    byClientId: (clientId) => {
      const row = byClientId.get(clientId) as Row | undefined;
      return row && toApplication(row);
    },
    listByProfile: (profileId) => (byProfile.all(profileId) as Row[]).map(toApplication),
    setSecret: (id, hash) => setSecret.run(hash, id).changes === 1,
    revoke: (id, at) => void revoke.run(at, id),
  };
}

function requests(db: Database.Database): Sync<OAuthRequestRepo> {
  const insert = db.prepare(
    `INSERT INTO oauth_requests (id, application_id, profile_id, device_id, nonce, scopes, created_at, code_hash, code_expires_at, code_used_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM oauth_requests WHERE id = ?');
  const byCode = db.prepare('SELECT * FROM oauth_requests WHERE code_hash = ?');
  const nonceUsed = db.prepare(
    'SELECT 1 FROM oauth_requests WHERE application_id = ? AND nonce = ?',
  );
  const issueCode = db.prepare(
    'UPDATE oauth_requests SET code_hash = ?, code_expires_at = ? WHERE id = ? AND code_hash IS NULL AND code_expires_at IS NULL',
  );
  const consume = db.prepare(
    'UPDATE oauth_requests SET code_used_at = ? WHERE id = ? AND code_used_at IS NULL',
  );
  const expireAll = db.prepare(
    `UPDATE oauth_requests SET code_expires_at = MIN(COALESCE(code_expires_at, ?), ?)
     WHERE application_id = ? AND code_used_at IS NULL`,
  );
  const expireForProfile = db.prepare(
    `UPDATE oauth_requests SET code_expires_at = MIN(COALESCE(code_expires_at, ?), ?)
     WHERE application_id = ? AND profile_id = ? AND code_used_at IS NULL`,
  );
  const byProfile = db.prepare(
    'SELECT * FROM oauth_requests WHERE profile_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
  );
  return {
    insert: (r) =>
      void insert.run(
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
      ),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toRequest(row);
    },
    byCodeHash: (hash) => {
      const row = byCode.get(hash) as Row | undefined;
      return row && toRequest(row);
    },
    nonceUsed: (applicationId, nonce) => nonceUsed.get(applicationId, nonce) !== undefined,
    issueCode: (id, hash, expiresAt) => issueCode.run(hash, expiresAt, id).changes === 1,
    consumeCode: (id, at) => consume.run(at, id).changes === 1,
    expireCodes: (applicationId, profileId, at) =>
      void (profileId === null
        ? expireAll.run(at, at, applicationId)
        : expireForProfile.run(at, at, applicationId, profileId)),
    listByProfile: (profileId, limit) => (byProfile.all(profileId, limit) as Row[]).map(toRequest),
  };
}

function grants(db: Database.Database): Sync<OAuthGrantRepo> {
  const insert = db.prepare(
    `INSERT INTO oauth_grants (id, application_id, request_id, profile_id, scopes, created_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM oauth_grants WHERE id = ?');
  const byRequest = db.prepare('SELECT * FROM oauth_grants WHERE request_id = ?');
  const liveAll = db.prepare(
    'SELECT * FROM oauth_grants WHERE application_id = ? AND revoked_at IS NULL',
  );
  const liveForProfile = db.prepare(
    'SELECT * FROM oauth_grants WHERE application_id = ? AND profile_id = ? AND revoked_at IS NULL',
  );
  const revoke = db.prepare(
    'UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  return {
    insert: (g) =>
      void insert.run(
        g.id,
        g.applicationId,
        g.requestId,
        g.profileId,
        JSON.stringify(g.scopes),
        g.createdAt,
        g.revokedAt,
      ),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toGrant(row);
    },
    byRequest: (requestId) => {
      const row = byRequest.get(requestId) as Row | undefined;
      return row && toGrant(row);
    },
    liveFor: (applicationId, profileId) =>
      (
        (profileId === null
          ? liveAll.all(applicationId)
          : liveForProfile.all(applicationId, profileId)) as Row[]
      ).map(toGrant),
    revoke: (id, at) => void revoke.run(at, id),
  };
}

function refreshTokens(db: Database.Database): Sync<OAuthRefreshRepo> {
  const insert = db.prepare(
    'INSERT INTO oauth_refresh_tokens (hash, grant_id, access_hash, expires_at, used_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare('SELECT * FROM oauth_refresh_tokens WHERE hash = ?');
  const markUsed = db.prepare(
    'UPDATE oauth_refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL',
  );
  const live = db.prepare(
    'SELECT 1 FROM oauth_refresh_tokens WHERE grant_id = ? AND used_at IS NULL AND expires_at > ?',
  );
  const prune = db.prepare('DELETE FROM oauth_refresh_tokens WHERE expires_at < ?');
  return {
    insert: (t) => void insert.run(t.hash, t.grantId, t.accessHash, t.expiresAt, t.usedAt),
    byHash: (hash) => {
      const row = byHash.get(hash) as Row | undefined;
      return row && toRefresh(row);
    },
    markUsed: (hash, at) => markUsed.run(at, hash).changes === 1,
    liveForGrant: (grantId, at) => live.get(grantId, at) !== undefined,
    pruneExpiredBefore: (at) => prune.run(at).changes,
  };
}

export function createSqliteOAuthRepos(db: Database.Database) {
  return {
    oauthApplications: applications(db),
    oauthRequests: requests(db),
    oauthGrants: grants(db),
    oauthRefreshTokens: refreshTokens(db),
  };
}
