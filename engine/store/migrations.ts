/**
 * Versioned schema migrations for the SQLite store. Each entry runs once, in order, inside a
 * transaction together with the bump of `PRAGMA user_version`. Never edit a shipped entry:
 * append a new one.
 */
export const migrations: readonly string[] = [
  // 1: profiles, tokens, commands (engine foundation)
  `
  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    public_key TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    device_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX tokens_device ON tokens(device_id) WHERE device_id IS NOT NULL;
  CREATE TABLE commands (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    profile_id TEXT,
    status INTEGER NOT NULL,
    result TEXT,
    reason TEXT,
    payload TEXT,
    created_at INTEGER NOT NULL,
    completed_at INTEGER
  );
  CREATE INDEX commands_started ON commands(status) WHERE status = 1;
  CREATE INDEX commands_profile ON commands(profile_id, status, completed_at);
  CREATE TABLE auth_failures (
    username_key TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX auth_failures_key ON auth_failures(username_key, at);
  CREATE TABLE qr_tokens (
    hash TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  `,
];
