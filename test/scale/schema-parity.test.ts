// The PostgreSQL store's migrations (engine/store/postgres-migrations.ts) must build the schema
// SQLite's (migrations.ts) builds: the same tables with the same columns, and as many versions,
// so no client can tell the backends apart and neither list can grow without the other.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../engine/store/migrations.ts';
import {
  POSTGRES_ONLY_COLUMNS,
  postgresMigrations,
} from '../../engine/store/postgres-migrations.ts';
import { openPostgresStore } from '../../engine/store/postgres.ts';
import { openSqliteStore } from '../../engine/store/sqlite.ts';
import { createDatabase } from '../support/backend.ts';
import { tempDir } from '../support/engine.ts';

async function sqliteColumns(): Promise<string[]> {
  const dataDir = tempDir();
  await openSqliteStore(dataDir).close();
  const db = new Database(join(dataDir, 'engine.sqlite'), { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    return tables.flatMap(({ name }) =>
      (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map(
        (column) => `${name}.${column.name}`,
      ),
    );
  } finally {
    db.close();
  }
}

async function postgresColumns(): Promise<string[]> {
  const url = await createDatabase();
  await (await openPostgresStore({ url })).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'privicore_schema'`,
    );
    return rows.map((row) => `${row.table_name}.${row.column_name}`);
  } finally {
    await client.end();
  }
}

describe('schema parity', () => {
  it('has one PostgreSQL migration per SQLite migration', () => {
    expect(postgresMigrations).toHaveLength(migrations.length);
  });

  it('builds the same tables and columns on both', async () => {
    const sqlite = (await sqliteColumns()).sort();
    const postgres = (await postgresColumns())
      .filter((column) => !POSTGRES_ONLY_COLUMNS.includes(column))
      .sort();
    expect(sqlite.length).toBeGreaterThan(50);
    expect(postgres).toEqual(sqlite);
  });
});
