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
  // 2: devices, data tokens and where their bytes live (engine data path)
  `
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    request_command_id TEXT UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    role TEXT,
    public_key TEXT NOT NULL,
    private_key_sealed TEXT,
    meta TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    approved_at INTEGER,
    storage_since INTEGER,
    last_seen_at INTEGER
  );
  CREATE INDEX devices_profile ON devices(profile_id, created_at);
  CREATE TABLE data_tokens (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    context TEXT NOT NULL,
    meta TEXT,
    ttl_ms INTEGER NOT NULL,
    temp_hash TEXT NOT NULL UNIQUE,
    temp_sealed TEXT NOT NULL,
    transfer_hash TEXT NOT NULL UNIQUE,
    transfer_sealed TEXT NOT NULL,
    reserved_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    upload_state TEXT NOT NULL,
    blob_id TEXT UNIQUE,
    size INTEGER,
    chunk_size INTEGER,
    sha256 TEXT,
    stored_at INTEGER,
    token_hash TEXT UNIQUE,
    token_sealed TEXT,
    finalized_at INTEGER,
    file_name TEXT,
    extension TEXT,
    path TEXT,
    plain_size INTEGER,
    risk_meta TEXT,
    updated_at INTEGER
  );
  CREATE INDEX data_tokens_profile ON data_tokens(profile_id, finalized_at);
  CREATE INDEX data_tokens_open ON data_tokens(expires_at) WHERE finalized_at IS NULL;
  CREATE TABLE holdings (
    blob_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    stored_at INTEGER NOT NULL,
    PRIMARY KEY (blob_id, device_id)
  );
  CREATE INDEX holdings_device ON holdings(device_id);
  CREATE TABLE pending_deletes (
    device_id TEXT NOT NULL,
    blob_id TEXT NOT NULL,
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, blob_id)
  );
  CREATE TABLE download_tokens (
    hash TEXT PRIMARY KEY,
    data_token_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    consumed_at INTEGER
  );
  CREATE INDEX download_tokens_expiry ON download_tokens(expires_at);
  CREATE TABLE transaction_counts (
    profile_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (profile_id, day, kind)
  );
  `,
  // 3: governance — voting defaults, voting configurations, policies, pools, ballots and the
  // commands a vote holds (contract §10–§12)
  `
  ALTER TABLE devices ADD COLUMN authenticator_since INTEGER;
  CREATE TABLE voting_defaults (
    profile_id TEXT PRIMARY KEY,
    strategy TEXT NOT NULL,
    percentage_required INTEGER,
    quorum_size INTEGER NOT NULL,
    time_limit INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE voting_configurations (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    name TEXT NOT NULL,
    time_limit INTEGER NOT NULL,
    strategy TEXT NOT NULL,
    percentage_required INTEGER,
    device_ids TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (profile_id, name)
  );
  CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    name TEXT NOT NULL,
    template_id TEXT NOT NULL,
    event_ids TEXT NOT NULL,
    configuration TEXT NOT NULL,
    voting_configuration_id TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (profile_id, name)
  );
  CREATE INDEX policies_configuration ON policies(voting_configuration_id)
    WHERE voting_configuration_id IS NOT NULL;
  CREATE TABLE pools (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    status TEXT NOT NULL,
    strategy TEXT NOT NULL,
    percentage_required INTEGER,
    quorum_size INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    time_limit INTEGER NOT NULL,
    round INTEGER NOT NULL,
    subject TEXT NOT NULL,
    context TEXT,
    device_ids TEXT NOT NULL,
    command_id TEXT,
    policy_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    resolved_at INTEGER
  );
  CREATE INDEX pools_pending ON pools(expires_at) WHERE status = 'pending';
  CREATE INDEX pools_command ON pools(command_id) WHERE command_id IS NOT NULL;
  CREATE TABLE ballots (
    id TEXT PRIMARY KEY,
    pool_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    vote TEXT,
    voted_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX ballots_pool ON ballots(pool_id, round);
  CREATE INDEX ballots_device ON ballots(device_id) WHERE vote IS NULL;
  CREATE TABLE command_holds (
    command_id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    prepared TEXT,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 4: OAuth applications, consents (authorization requests and their codes), grants and refresh
  // tokens (contract §5); access tokens are `tokens` rows of kind oauth with their grant.
  `
  ALTER TABLE tokens ADD COLUMN grant_id TEXT;
  CREATE INDEX tokens_grant ON tokens(grant_id) WHERE grant_id IS NOT NULL;
  ALTER TABLE commands ADD COLUMN grant_id TEXT;
  CREATE TABLE oauth_applications (
    id TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    secret_hash TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX oauth_applications_profile ON oauth_applications(profile_id, created_at);
  CREATE TABLE oauth_requests (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    device_id TEXT,
    nonce TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    code_hash TEXT UNIQUE,
    code_expires_at INTEGER,
    code_used_at INTEGER,
    UNIQUE (application_id, nonce)
  );
  CREATE INDEX oauth_requests_profile ON oauth_requests(profile_id, created_at);
  CREATE TABLE oauth_grants (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    request_id TEXT NOT NULL UNIQUE,
    profile_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX oauth_grants_application ON oauth_grants(application_id, profile_id);
  CREATE TABLE oauth_refresh_tokens (
    hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    access_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE INDEX oauth_refresh_grant ON oauth_refresh_tokens(grant_id);
  `,
  // 5: directories — organisations, their members, invitations, the devices a directory made
  // for a member and the voting pools it opened; tokens remember who minted them (contract §13,
  // issue 12)
  `
  ALTER TABLE tokens ADD COLUMN issued_by TEXT;
  CREATE TABLE directories (
    id TEXT PRIMARY KEY,
    owner_profile_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    meta TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (owner_profile_id, name_key)
  );
  CREATE TABLE directory_members (
    directory_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    role TEXT NOT NULL,
    managed INTEGER NOT NULL,
    display_name TEXT,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (directory_id, profile_id)
  );
  CREATE INDEX directory_members_profile ON directory_members(profile_id);
  CREATE TABLE directory_invitations (
    id TEXT PRIMARY KEY,
    directory_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    processed_at INTEGER
  );
  CREATE UNIQUE INDEX directory_invitations_pending ON directory_invitations(directory_id, profile_id)
    WHERE status = 'pending';
  CREATE INDEX directory_invitations_profile ON directory_invitations(profile_id, status);
  CREATE TABLE directory_devices (
    device_id TEXT PRIMARY KEY,
    directory_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE directory_pools (
    pool_id TEXT PRIMARY KEY,
    directory_id TEXT NOT NULL
  );
  `,
  // 6: several engine nodes on one database (DESIGN "Scale") — node runs and their heartbeats,
  // leases for work that happens once, settings the nodes share, and which run owns a started
  // command or a running upload
  `
  CREATE TABLE nodes (
    incarnation TEXT PRIMARY KEY,
    node_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  ALTER TABLE commands ADD COLUMN owner TEXT;
  ALTER TABLE data_tokens ADD COLUMN upload_owner TEXT;
  `,
];
