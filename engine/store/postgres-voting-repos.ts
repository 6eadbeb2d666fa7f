import { all, one, type Sql } from './postgres-sql.ts';
import { json } from './sqlite-row.ts';
import {
  poolValues,
  toBallot,
  toConfiguration,
  toHold,
  toPolicy,
  toPool,
} from './sqlite-voting-repos.ts';
import type {
  BallotRepo,
  CommandHoldRepo,
  OpenBallot,
  PolicyRepo,
  PoolChanges,
  PoolRepo,
  VotingConfigurationChanges,
  VotingConfigurationRecord,
  VotingConfigurationRepo,
  VotingDefaultsRepo,
} from './voting-store.ts';

function votingDefaults(sql: Sql): VotingDefaultsRepo {
  return {
    get: (profileId) =>
      one(
        sql,
        (row) => ({
          strategy: row.strategy as VotingConfigurationRecord['strategy'],
          percentageRequired: (row.percentage_required as number | null) ?? null,
          quorumSize: row.quorum_size as number,
          timeLimit: row.time_limit as number,
          maxAttempts: row.max_attempts as number,
        }),
        'SELECT * FROM voting_defaults WHERE profile_id = $1',
        [profileId],
      ),
    set: async (profileId, d, at) =>
      void (await sql.changes(
        `INSERT INTO voting_defaults (profile_id, strategy, percentage_required, quorum_size, time_limit, max_attempts, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (profile_id) DO UPDATE SET strategy = excluded.strategy,
             percentage_required = excluded.percentage_required, quorum_size = excluded.quorum_size,
             time_limit = excluded.time_limit, max_attempts = excluded.max_attempts, updated_at = excluded.updated_at`,
        [profileId, d.strategy, d.percentageRequired, d.quorumSize, d.timeLimit, d.maxAttempts, at],
      )),
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

function votingConfigurations(sql: Sql): VotingConfigurationRepo {
  return {
    insert: async (c) =>
      void (await sql.changes(
        `INSERT INTO voting_configurations (id, profile_id, name, time_limit, strategy, percentage_required, device_ids,
           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          c.id,
          c.profileId,
          c.name,
          c.timeLimit,
          c.strategy,
          c.percentageRequired,
          JSON.stringify(c.deviceIds),
          c.createdAt,
          c.updatedAt,
        ],
      )),
    byId: (id) =>
      one(sql, toConfiguration, 'SELECT * FROM voting_configurations WHERE id = $1', [id]),
    byName: (profileId, name) =>
      one(
        sql,
        toConfiguration,
        'SELECT * FROM voting_configurations WHERE profile_id = $1 AND name = $2',
        [profileId, name],
      ),
    list: (profileId) =>
      all(
        sql,
        toConfiguration,
        'SELECT * FROM voting_configurations WHERE profile_id = $1 ORDER BY created_at, id COLLATE "C"',
        [profileId],
      ),
    update: async (id, changes, at) => {
      const fields = (Object.keys(changes) as (keyof VotingConfigurationChanges)[]).filter(
        (key) => key in CONFIGURATION_COLUMNS && changes[key] !== undefined,
      );
      const values: unknown[] = fields.map((key) =>
        key === 'deviceIds' ? JSON.stringify(changes.deviceIds) : changes[key],
      );
      const sets = fields.map((key, index) => `${CONFIGURATION_COLUMNS[key]} = $${index + 1}`);
      values.push(at, id);
      await sql.changes(
        `UPDATE voting_configurations SET ${[...sets, `updated_at = $${values.length - 1}`].join(', ')}
           WHERE id = $${values.length}`,
        values,
      );
    },
    remove: async (id) =>
      void (await sql.changes('DELETE FROM voting_configurations WHERE id = $1', [id])),
  };
}

function policies(sql: Sql): PolicyRepo {
  return {
    insert: async (p) =>
      void (await sql.changes(
        `INSERT INTO policies (id, profile_id, name, template_id, event_ids, configuration, voting_configuration_id, status,
           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
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
        ],
      )),
    byId: (id) => one(sql, toPolicy, 'SELECT * FROM policies WHERE id = $1', [id]),
    byName: (profileId, name) =>
      one(sql, toPolicy, 'SELECT * FROM policies WHERE profile_id = $1 AND name = $2', [
        profileId,
        name,
      ]),
    list: (profileId, status) =>
      status === undefined
        ? all(
            sql,
            toPolicy,
            'SELECT * FROM policies WHERE profile_id = $1 ORDER BY created_at, id COLLATE "C"',
            [profileId],
          )
        : all(
            sql,
            toPolicy,
            'SELECT * FROM policies WHERE profile_id = $1 AND status = $2 ORDER BY created_at, id COLLATE "C"',
            [profileId, status],
          ),
    setStatus: async (id, status, at) =>
      void (await sql.changes('UPDATE policies SET status = $1, updated_at = $2 WHERE id = $3', [
        status,
        at,
        id,
      ])),
    remove: async (id) => void (await sql.changes('DELETE FROM policies WHERE id = $1', [id])),
    usesConfiguration: async (id) =>
      (await sql.rows('SELECT 1 FROM policies WHERE voting_configuration_id = $1 LIMIT 1', [id]))
        .length > 0,
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

function pools(sql: Sql): PoolRepo {
  return {
    insert: async (p) =>
      void (await sql.changes(
        `INSERT INTO pools (id, profile_id, status, strategy, percentage_required, quorum_size, max_attempts, time_limit, round,
           subject, context, device_ids, command_id, policy_id, created_at, expires_at, resolved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        poolValues(p),
      )),
    byId: (id) => one(sql, toPool, 'SELECT * FROM pools WHERE id = $1', [id]),
    update: async (id, changes) => {
      const fields = (Object.keys(changes) as (keyof PoolChanges)[]).filter(
        (key) => key in POOL_COLUMNS && changes[key] !== undefined,
      );
      if (fields.length === 0) return;
      const values = fields.map((key) =>
        key === 'deviceIds' ? JSON.stringify(changes.deviceIds) : changes[key],
      );
      await sql.changes(
        `UPDATE pools SET ${fields.map((key, index) => `${POOL_COLUMNS[key]} = $${index + 1}`).join(', ')}
           WHERE id = $${fields.length + 1}`,
        [...values, id],
      );
    },
    forCommand: (commandId) =>
      all(
        sql,
        toPool,
        'SELECT * FROM pools WHERE command_id = $1 ORDER BY created_at, id COLLATE "C"',
        [commandId],
      ),
    pendingDueBy: (at) =>
      all(
        sql,
        toPool,
        `SELECT * FROM pools WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at, id COLLATE "C"`,
        [at],
      ),
    nextDeadline: async () => {
      const [row] = await sql.rows(
        `SELECT MIN(expires_at) AS at FROM pools WHERE status = 'pending'`,
      );
      return (row?.at as number | null) ?? undefined;
    },
    pendingForDevice: (profileId, deviceId) =>
      all(
        sql,
        toPool,
        `SELECT * FROM pools WHERE profile_id = $1 AND status = 'pending'
           AND jsonb_exists(device_ids::jsonb, $2) ORDER BY created_at, id COLLATE "C"`,
        [profileId, deviceId],
      ),
  };
}

function ballots(sql: Sql): BallotRepo {
  return {
    insert: async (b) =>
      void (await sql.changes(
        `INSERT INTO ballots (id, pool_id, profile_id, device_id, round, vote, voted_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [b.id, b.poolId, b.profileId, b.deviceId, b.round, b.vote, b.votedAt, b.createdAt],
      )),
    byId: (id) => one(sql, toBallot, 'SELECT * FROM ballots WHERE id = $1', [id]),
    forRound: (poolId, round) =>
      all(
        sql,
        toBallot,
        'SELECT * FROM ballots WHERE pool_id = $1 AND round = $2 ORDER BY created_at, id COLLATE "C"',
        [poolId, round],
      ),
    cast: async (id, vote, at) =>
      (await sql.changes(
        'UPDATE ballots SET vote = $1, voted_at = $2 WHERE id = $3 AND vote IS NULL',
        [vote, at, id],
      )) === 1,
    openForDevice: async (deviceId) =>
      (
        await sql.rows(
          `SELECT b.*, p.subject AS pool_subject, p.expires_at AS pool_expires_at FROM ballots b
             JOIN pools p ON p.id = b.pool_id AND p.round = b.round AND p.status = 'pending'
             WHERE b.device_id = $1 AND b.vote IS NULL ORDER BY b.created_at, b.id COLLATE "C"`,
          [deviceId],
        )
      ).map((row): OpenBallot => ({
        ballot: toBallot(row),
        subject: row.pool_subject as string,
        expiresAt: row.pool_expires_at as number,
      })),
    withdraw: (poolId, round, deviceId) =>
      sql.changes(
        'DELETE FROM ballots WHERE pool_id = $1 AND round = $2 AND device_id = $3 AND vote IS NULL',
        [poolId, round, deviceId],
      ),
  };
}

function commandHolds(sql: Sql): CommandHoldRepo {
  return {
    insert: async (h) =>
      void (await sql.changes(
        `INSERT INTO command_holds (command_id, profile_id, event_id, prepared, state, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
        [h.commandId, h.profileId, h.eventId, json(h.prepared), h.state, h.createdAt],
      )),
    byCommand: (commandId) =>
      one(sql, toHold, 'SELECT * FROM command_holds WHERE command_id = $1', [commandId]),
    transition: async (commandId, from, to) =>
      (await sql.changes(
        'UPDATE command_holds SET state = $1 WHERE command_id = $2 AND state = $3',
        [to, commandId, from],
      )) === 1,
    remove: async (commandId) =>
      void (await sql.changes('DELETE FROM command_holds WHERE command_id = $1', [commandId])),
  };
}

export function createPostgresVotingRepos(sql: Sql): {
  votingDefaults: VotingDefaultsRepo;
  votingConfigurations: VotingConfigurationRepo;
  policies: PolicyRepo;
  pools: PoolRepo;
  ballots: BallotRepo;
  holds: CommandHoldRepo;
} {
  return {
    votingDefaults: votingDefaults(sql),
    votingConfigurations: votingConfigurations(sql),
    policies: policies(sql),
    pools: pools(sql),
    ballots: ballots(sql),
    holds: commandHolds(sql),
  };
}
