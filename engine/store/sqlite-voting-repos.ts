import type Database from 'better-sqlite3';
import { json, parsed, type Row } from './sqlite-row.ts';
import type { Sync } from './store.ts';
import type {
  BallotRecord,
  BallotRepo,
  CommandHoldRecord,
  CommandHoldRepo,
  OpenBallot,
  PolicyRecord,
  PolicyRepo,
  PoolChanges,
  PoolRecord,
  PoolRepo,
  VotingConfigurationChanges,
  VotingConfigurationRecord,
  VotingConfigurationRepo,
  VotingDefaultsRepo,
} from './voting-store.ts';

export const toConfiguration = (row: Row): VotingConfigurationRecord => ({
  id: row.id as string,
  profileId: row.profile_id as string,
  name: row.name as string,
  timeLimit: row.time_limit as number,
  strategy: row.strategy as VotingConfigurationRecord['strategy'],
  percentageRequired: (row.percentage_required as number | null) ?? null,
  deviceIds: parsed(row.device_ids) as string[],
  createdAt: row.created_at as number,
  updatedAt: row.updated_at as number,
});

export const toPolicy = (row: Row): PolicyRecord => ({
  id: row.id as string,
  profileId: row.profile_id as string,
  name: row.name as string,
  templateId: row.template_id as string,
  eventIds: parsed(row.event_ids) as string[],
  configuration: parsed(row.configuration) as Record<string, string>,
  votingConfigurationId: (row.voting_configuration_id as string | null) ?? null,
  status: row.status as PolicyRecord['status'],
  createdAt: row.created_at as number,
  updatedAt: row.updated_at as number,
});

/** A pool's values in the order of the pools INSERT (both dialects: PostgreSQL's store too). */
export const poolValues = (p: PoolRecord): unknown[] => [
  p.id,
  p.profileId,
  p.status,
  p.strategy,
  p.percentageRequired,
  p.quorumSize,
  p.maxAttempts,
  p.timeLimit,
  p.round,
  p.subject,
  p.context,
  JSON.stringify(p.deviceIds),
  p.commandId,
  p.policyId,
  p.createdAt,
  p.expiresAt,
  p.resolvedAt,
];

export const toPool = (row: Row): PoolRecord => ({
  id: row.id as string,
  profileId: row.profile_id as string,
  status: row.status as PoolRecord['status'],
  strategy: row.strategy as PoolRecord['strategy'],
  percentageRequired: (row.percentage_required as number | null) ?? null,
  quorumSize: row.quorum_size as number,
  maxAttempts: row.max_attempts as number,
  timeLimit: row.time_limit as number,
  round: row.round as number,
  subject: row.subject as string,
  context: (row.context as string | null) ?? null,
  deviceIds: parsed(row.device_ids) as string[],
  commandId: (row.command_id as string | null) ?? null,
  policyId: (row.policy_id as string | null) ?? null,
  createdAt: row.created_at as number,
  expiresAt: row.expires_at as number,
  resolvedAt: (row.resolved_at as number | null) ?? null,
});

export const toBallot = (row: Row): BallotRecord => ({
  id: row.id as string,
  poolId: row.pool_id as string,
  profileId: row.profile_id as string,
  deviceId: row.device_id as string,
  round: row.round as number,
  vote: (row.vote as BallotRecord['vote']) ?? null,
  votedAt: (row.voted_at as number | null) ?? null,
  createdAt: row.created_at as number,
});

export const toHold = (row: Row): CommandHoldRecord => ({
  commandId: row.command_id as string,
  profileId: row.profile_id as string,
  eventId: row.event_id as string,
  prepared: parsed(row.prepared),
  state: row.state as CommandHoldRecord['state'],
  createdAt: row.created_at as number,
});

function one<T>(statement: Database.Statement, map: (row: Row) => T, ...args: unknown[]) {
  const row = statement.get(...args) as Row | undefined;
  return row && map(row);
}

function votingDefaults(db: Database.Database): Sync<VotingDefaultsRepo> {
  const get = db.prepare('SELECT * FROM voting_defaults WHERE profile_id = ?');
  const set = db.prepare(
    `INSERT INTO voting_defaults (profile_id, strategy, percentage_required, quorum_size, time_limit, max_attempts, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET strategy = excluded.strategy,
         percentage_required = excluded.percentage_required, quorum_size = excluded.quorum_size,
         time_limit = excluded.time_limit, max_attempts = excluded.max_attempts, updated_at = excluded.updated_at`,
  );
  return {
    get: (profileId) =>
      one(
        get,
        (row) => ({
          strategy: row.strategy as VotingConfigurationRecord['strategy'],
          percentageRequired: (row.percentage_required as number | null) ?? null,
          quorumSize: row.quorum_size as number,
          timeLimit: row.time_limit as number,
          maxAttempts: row.max_attempts as number,
        }),
        profileId,
      ),
    set: (profileId, d, at) =>
      void set.run(
        profileId,
        d.strategy,
        d.percentageRequired,
        d.quorumSize,
        d.timeLimit,
        d.maxAttempts,
        at,
      ),
  };
}

/** Column of each field update-able through VotingConfigurationRepo.update. */
const CONFIGURATION_COLUMNS: Record<keyof VotingConfigurationChanges, string> = {
  name: 'name',
  timeLimit: 'time_limit',
  strategy: 'strategy',
  percentageRequired: 'percentage_required',
  deviceIds: 'device_ids',
};

function votingConfigurations(db: Database.Database): Sync<VotingConfigurationRepo> {
  const insert = db.prepare(
    `INSERT INTO voting_configurations (id, profile_id, name, time_limit, strategy, percentage_required, device_ids,
       created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM voting_configurations WHERE id = ?');
  const byName = db.prepare(
    'SELECT * FROM voting_configurations WHERE profile_id = ? AND name = ?',
  );
  const list = db.prepare(
    'SELECT * FROM voting_configurations WHERE profile_id = ? ORDER BY created_at, id',
  );
  const remove = db.prepare('DELETE FROM voting_configurations WHERE id = ?');
  return {
    insert: (c) =>
      void insert.run(
        c.id,
        c.profileId,
        c.name,
        c.timeLimit,
        c.strategy,
        c.percentageRequired,
        JSON.stringify(c.deviceIds),
        c.createdAt,
        c.updatedAt,
      ),
    byId: (id) => one(byId, toConfiguration, id),
    byName: (profileId, name) => one(byName, toConfiguration, profileId, name),
    list: (profileId) => (list.all(profileId) as Row[]).map(toConfiguration),
    update: (id, changes, at) => {
      const fields = (Object.keys(changes) as (keyof VotingConfigurationChanges)[]).filter(
        (key) => key in CONFIGURATION_COLUMNS && changes[key] !== undefined,
      );
      const values = fields.map((key) =>
        key === 'deviceIds' ? JSON.stringify(changes.deviceIds) : changes[key],
      );
      db.prepare(
        `UPDATE voting_configurations SET ${[...fields.map((key) => `${CONFIGURATION_COLUMNS[key]} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
      ).run(...values, at, id);
    },
    remove: (id) => void remove.run(id),
  };
}

function policies(db: Database.Database): Sync<PolicyRepo> {
  const insert = db.prepare(
    `INSERT INTO policies (id, profile_id, name, template_id, event_ids, configuration, voting_configuration_id, status,
       created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM policies WHERE id = ?');
  const byName = db.prepare('SELECT * FROM policies WHERE profile_id = ? AND name = ?');
  const all = db.prepare('SELECT * FROM policies WHERE profile_id = ? ORDER BY created_at, id');
  const byStatus = db.prepare(
    'SELECT * FROM policies WHERE profile_id = ? AND status = ? ORDER BY created_at, id',
  );
  const setStatus = db.prepare('UPDATE policies SET status = ?, updated_at = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM policies WHERE id = ?');
  const uses = db.prepare('SELECT 1 FROM policies WHERE voting_configuration_id = ? LIMIT 1');
  return {
    insert: (p) =>
      void insert.run(
        p.id,
        p.profileId,
        p.name,
        p.templateId,
        JSON.stringify(p.eventIds),
        JSON.stringify(p.configuration),
        p.votingConfigurationId,
        p.status,
        p.createdAt,
        p.updatedAt,
      ),
    byId: (id) => one(byId, toPolicy, id),
    byName: (profileId, name) => one(byName, toPolicy, profileId, name),
    list: (profileId, status) =>
      ((status === undefined ? all.all(profileId) : byStatus.all(profileId, status)) as Row[]).map(
        toPolicy,
      ),
    setStatus: (id, status, at) => void setStatus.run(status, at, id),
    remove: (id) => void remove.run(id),
    usesConfiguration: (id) => uses.get(id) !== undefined,
  };
}

/** Column of each field update-able through PoolRepo.update. */
const POOL_COLUMNS: Record<keyof PoolChanges, string> = {
  status: 'status',
  round: 'round',
  deviceIds: 'device_ids',
  expiresAt: 'expires_at',
  resolvedAt: 'resolved_at',
};

function pools(db: Database.Database): Sync<PoolRepo> {
  const insert = db.prepare(
    `INSERT INTO pools (id, profile_id, status, strategy, percentage_required, quorum_size, max_attempts, time_limit, round,
       subject, context, device_ids, command_id, policy_id, created_at, expires_at, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM pools WHERE id = ?');
  const forCommand = db.prepare('SELECT * FROM pools WHERE command_id = ? ORDER BY created_at, id');
  const due = db.prepare(
    "SELECT * FROM pools WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id",
  );
  const next = db.prepare("SELECT MIN(expires_at) AS at FROM pools WHERE status = 'pending'");
  const forDevice = db.prepare(
    `SELECT * FROM pools WHERE profile_id = ? AND status = 'pending'
       AND EXISTS (SELECT 1 FROM json_each(pools.device_ids) WHERE value = ?) ORDER BY created_at, id`,
  );
  return {
    insert: (p) => void insert.run(...poolValues(p)),
    byId: (id) => one(byId, toPool, id),
    update: (id, changes) => {
      const fields = (Object.keys(changes) as (keyof PoolChanges)[]).filter(
        (key) => key in POOL_COLUMNS && changes[key] !== undefined,
      );
      if (fields.length === 0) return;
      const values = fields.map((key) =>
        key === 'deviceIds' ? JSON.stringify(changes.deviceIds) : changes[key],
      );
      db.prepare(
        `UPDATE pools SET ${fields.map((key) => `${POOL_COLUMNS[key]} = ?`).join(', ')} WHERE id = ?`,
      ).run(...values, id);
    },
    forCommand: (commandId) => (forCommand.all(commandId) as Row[]).map(toPool),
    pendingDueBy: (at) => (due.all(at) as Row[]).map(toPool),
    nextDeadline: () => ((next.get() as Row).at as number | null) ?? undefined,
    pendingForDevice: (profileId, deviceId) =>
      (forDevice.all(profileId, deviceId) as Row[]).map(toPool),
  };
}

function ballots(db: Database.Database): Sync<BallotRepo> {
  const insert = db.prepare(
    `INSERT INTO ballots (id, pool_id, profile_id, device_id, round, vote, voted_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM ballots WHERE id = ?');
  const forRound = db.prepare(
    'SELECT * FROM ballots WHERE pool_id = ? AND round = ? ORDER BY created_at, id',
  );
  const cast = db.prepare(
    'UPDATE ballots SET vote = ?, voted_at = ? WHERE id = ? AND vote IS NULL',
  );
  const open = db.prepare(
    `SELECT b.*, p.subject AS pool_subject, p.expires_at AS pool_expires_at FROM ballots b
       JOIN pools p ON p.id = b.pool_id AND p.round = b.round AND p.status = 'pending'
       WHERE b.device_id = ? AND b.vote IS NULL ORDER BY b.created_at, b.id`,
  );
  const withdraw = db.prepare(
    'DELETE FROM ballots WHERE pool_id = ? AND round = ? AND device_id = ? AND vote IS NULL',
  );
  return {
    insert: (b) =>
      void insert.run(
        b.id,
        b.poolId,
        b.profileId,
        b.deviceId,
        b.round,
        b.vote,
        b.votedAt,
        b.createdAt,
      ),
    byId: (id) => one(byId, toBallot, id),
    forRound: (poolId, round) => (forRound.all(poolId, round) as Row[]).map(toBallot),
    cast: (id, vote, at) => cast.run(vote, at, id).changes === 1,
    openForDevice: (deviceId) =>
      (open.all(deviceId) as Row[]).map((row): OpenBallot => ({
        ballot: toBallot(row),
        subject: row.pool_subject as string,
        expiresAt: row.pool_expires_at as number,
      })),
    withdraw: (poolId, round, deviceId) => withdraw.run(poolId, round, deviceId).changes,
  };
}

function commandHolds(db: Database.Database): Sync<CommandHoldRepo> {
  const insert = db.prepare(
    `INSERT INTO command_holds (command_id, profile_id, event_id, prepared, state, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const byCommand = db.prepare('SELECT * FROM command_holds WHERE command_id = ?');
  const transition = db.prepare(
    'UPDATE command_holds SET state = ? WHERE command_id = ? AND state = ?',
  );
  const remove = db.prepare('DELETE FROM command_holds WHERE command_id = ?');
  return {
    insert: (h) =>
      void insert.run(h.commandId, h.profileId, h.eventId, json(h.prepared), h.state, h.createdAt),
    byCommand: (commandId) => one(byCommand, toHold, commandId),
    transition: (commandId, from, to) => transition.run(to, commandId, from).changes === 1,
    remove: (commandId) => void remove.run(commandId),
  };
}

export function createSqliteVotingRepos(db: Database.Database): {
  votingDefaults: Sync<VotingDefaultsRepo>;
  votingConfigurations: Sync<VotingConfigurationRepo>;
  policies: Sync<PolicyRepo>;
  pools: Sync<PoolRepo>;
  ballots: Sync<BallotRepo>;
  holds: Sync<CommandHoldRepo>;
} {
  return {
    votingDefaults: votingDefaults(db),
    votingConfigurations: votingConfigurations(db),
    policies: policies(db),
    pools: pools(db),
    ballots: ballots(db),
    holds: commandHolds(db),
  };
}
