import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../../engine/store/group-commit.ts';
import { tempDir } from '../../../support/engine.ts';

function openDb(): Database.Database {
  const db = new Database(join(tempDir(), 'group-commit.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE item (name TEXT PRIMARY KEY)');
  return db;
}

const names = (db: Database.Database) =>
  (db.prepare('SELECT name FROM item ORDER BY name').all() as { name: string }[]).map(
    (row) => row.name,
  );

describe('group commit', () => {
  it('a section that throws is rolled back alone; the rest of its batch commits', async () => {
    const db = openDb();
    const batches = new GroupCommit(db);
    const insert = (name: string) => db.prepare('INSERT INTO item VALUES (?)').run(name);
    // Issued in one tick: one batch.
    const results = await Promise.allSettled([
      batches.run(() => insert('a')),
      batches.run(async () => {
        insert('b');
        await Promise.resolve();
        throw new Error('refused');
      }),
      batches.run(() => insert('c')),
      // A constraint failure inside a section: SQLite undoes the statement, the savepoint the rest.
      batches.run(() => {
        insert('d');
        insert('a');
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(names(db)).toEqual(['a', 'c']);
    await batches.close();
    db.close();
  });

  it('when SQLite ends the batch transaction, every section of the batch fails and nothing stands', async () => {
    const db = openDb();
    const batches = new GroupCommit(db);
    const insert = (name: string) => db.prepare('INSERT INTO item VALUES (?)').run(name);
    const results = await Promise.allSettled([
      batches.run(() => insert('a')),
      // What SQLite does itself on an I/O error or a full disk: the whole transaction is gone.
      batches.run(() => db.exec('ROLLBACK')),
      batches.run(() => insert('c')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    // The section after the failure waited for the next batch, which committed it.
    expect(names(db)).toEqual(['c']);
    // The store goes on working.
    await batches.run(() => insert('d'));
    expect(names(db)).toEqual(['c', 'd']);
    await batches.close();
    await expect(batches.run(() => insert('e'))).rejects.toThrow(/closed/);
    db.close();
  });
});
