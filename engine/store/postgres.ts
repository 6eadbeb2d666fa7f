import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { postgresMigrations } from './postgres-migrations.ts';
import { createPostgresRepos } from './postgres-repos.ts';
import type { Sql } from './postgres-sql.ts';
import type { Store, StoreRepos } from './store.ts';

/**
 * PostgreSQL implementation of the store (`pg`), for several engine nodes on one database.
 *
 * Transactions behave as SQLite's do: SQLite runs one writing transaction at a time
 * (BEGIN IMMEDIATE), and domain code relies on that — it reads, decides and writes inside
 * `atomic` (a command's status, a pool's round) without locking rows itself. So every `atomic`
 * here first takes one transaction-scoped advisory lock, and the nodes' transactions run one at a
 * time as well; statements outside `atomic` run in parallel on the pool. What several nodes
 * spread is everything around the transactions: HTTP, TLS, sockets, password hashing and chunk
 * traffic.
 */
export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  log?: Logger;
  /** Connections in the pool; default 10. */
  maxConnections?: number;
}

/** Advisory lock keys (two 32-bit halves): "priv" and what the lock guards. */
const LOCK_SPACE = 0x70726976;
const MIGRATION_LOCK = 1;
const TRANSACTION_LOCK = 2;
const INT8_OID = 20;

// BIGINT columns hold epoch milliseconds and sizes, far below 2^53: numbers, not strings.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types,
    // A node must not hang on a database that went away; the caller sees an error instead.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle connection that breaks (database restart) surfaces here; the pool replaces it.
  pool.on('error', (error) => options.log?.warn({ err: error }, 'PostgreSQL connection lost'));
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const direct = createPostgresRepos(sqlOf(pool));
  const transaction = new AsyncLocalStorage<true>();

  return {
    ...direct,
    ordered: false,
    async atomic<T>(work: (tx: StoreRepos) => Promise<T>): Promise<T> {
      if (transaction.getStore()) throw new Error('nested store transaction');
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, TRANSACTION_LOCK]);
        const result = await transaction.run(true, () => work(createPostgresRepos(sqlOf(client))));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        // A connection whose rollback failed is in an unknown state: the pool drops it.
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function sqlOf(queryable: pg.Pool | pg.PoolClient): Sql {
  return {
    rows: async (text, values) => (await queryable.query(text, values as unknown[])).rows,
    changes: async (text, values) =>
      (await queryable.query(text, values as unknown[])).rowCount ?? 0,
  };
}

/**
 * Brings the schema up to date, one migration per transaction, under an advisory lock so that
 * nodes starting together migrate once.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
        await client.query(
          'CREATE TABLE IF NOT EXISTS privicore_schema (version INTEGER NOT NULL)',
        );
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM privicore_schema',
        );
        const current = rows[0]?.version ?? 0;
        if (rows.length === 0) await client.query('INSERT INTO privicore_schema VALUES (0)');
        if (current > postgresMigrations.length) {
          throw new Error(
            `the database has schema version ${current}, newer than this engine (${postgresMigrations.length})`,
          );
        }
        if (current === postgresMigrations.length) {
          await client.query('COMMIT');
          return;
        }
        await client.query(postgresMigrations[current]!);
        await client.query('UPDATE privicore_schema SET version = $1', [current + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    client.release();
  }
}
