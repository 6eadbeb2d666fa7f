import Database from 'better-sqlite3';
import { chmodSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { GroupCommit } from './group-commit.ts';
import { migrations } from './migrations.ts';
import { createSqliteRepos } from './sqlite-repos.ts';
import type { Store, StoreRepos, Sync } from './store.ts';

type SyncRepos = { [K in keyof StoreRepos]: Sync<StoreRepos[K]> };

/**
 * SQLite implementation of the store (better-sqlite3, WAL, synchronous = FULL). better-sqlite3
 * is synchronous, so every call and every `atomic` block runs one at a time on the shared
 * connection: a transaction's writes never interleave with another caller's. Calls that arrive
 * together share one durable commit (group-commit.ts): one fsync per batch, and no caller hears
 * its answer before the commit holding it returned.
 */
export function openSqliteStore(dataDir: string): Store {
  const file = join(dataDir, 'engine.sqlite');
  ownerOnly(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, file);
  } catch (error) {
    db.close();
    throw error;
  }

  const repos = createSqliteRepos(db);
  const batches = new GroupCommit(db);

  const direct = wrapRepos(repos, (call) => Promise.resolve().then(call));
  const batched = wrapRepos(repos, (call) => batches.run(call));

  return {
    ...batched,
    ordered: true,
    atomic<T>(work: (tx: StoreRepos) => Promise<T>): Promise<T> {
      // One section of a batch: its writes stand or fall together (a savepoint), and with the
      // rest of the batch when the batch itself fails.
      return batches.run(() => work(direct));
    },
    async close() {
      await batches.close();
      db.close();
    },
  };
}

/**
 * The database and its WAL and shared-memory files readable by the owner alone, whatever the
 * umask or an older copy left. SQLite creates -wal and -shm with the database file's mode, so
 * the database is made (or set) 0600 before it is opened.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * Brings the schema up to this engine's version (an upgrade runs its migrations on start). A
 * database a newer engine wrote is left untouched: an older engine would misread it.
 */
function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `The database ${file} was written by a newer engine (schema version ${current}; this engine knows up to ${migrations.length}). Run that engine version or a later one; to go back to this version, restore a backup taken before the upgrade.`,
    );
  }
  migrations.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
}

function wrapRepos(repos: SyncRepos, run: <R>(call: () => R) => Promise<R>): StoreRepos {
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [area, repo] of Object.entries(repos) as [
    string,
    Record<string, (...args: unknown[]) => unknown>,
  ][]) {
    const methods: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(repo)) {
      methods[name] = (...args: unknown[]) => run(() => method(...args));
    }
    wrapped[area] = methods;
  }
  return wrapped as unknown as StoreRepos;
}
