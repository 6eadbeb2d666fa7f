import type Database from 'better-sqlite3';

/**
 * Group commit (issue 18): every store call and every `atomic` block that arrives while the
 * event loop is busy joins one SQLite transaction, committed once, so a batch of concurrent
 * commands costs one WAL fsync (synchronous = FULL) instead of one each.
 *
 * - Each section runs inside its own SAVEPOINT, one after another (the connection is shared and
 *   better-sqlite3 is synchronous): a section that throws is rolled back alone, the others keep
 *   their writes.
 * - No caller hears anything before the COMMIT that holds its section returned: not a write's
 *   acknowledgement, not a read (a read could otherwise show a write that a crash then undoes),
 *   not even a section's own error. An acknowledgement therefore still means "durable".
 * - A batch is all or nothing: if SQLite rolls the whole transaction back (an I/O error, a full
 *   disk) or COMMIT fails, every section of the batch fails with that error.
 * - A batch starts in `setImmediate`, after the event loop's poll phase has handed over every
 *   request that arrived meanwhile; a batch running when more sections arrive takes them in too,
 *   up to MAX_SECTIONS.
 */
/**
 * The most sections one batch takes. A section that awaits something other than the store
 * lets the event loop run, and new sections join the open batch meanwhile; the cap makes sure
 * a steady stream of them cannot keep the batch from committing.
 */
const MAX_SECTIONS = 256;

export class GroupCommit {
  private queue: Section[] = [];
  private scheduled = false;
  private running = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly db: Database.Database) {}

  /** Runs `work` in the next batch; settles once that batch's COMMIT has returned. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  /** Refuses new work, lets what is queued finish, and resolves when no batch runs. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running && !this.scheduled && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.running = true;
    const done: Settled[] = [];
    let failure: { error: unknown } | undefined;
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      failure = { error };
      done.push(...this.queue.splice(0).map((section) => ({ section, outcome: undefined })));
    }
    while (!failure && this.queue.length > 0 && done.length < MAX_SECTIONS) {
      const section = this.queue.shift()!;
      let outcome: Outcome;
      try {
        this.db.exec('SAVEPOINT group_commit_section');
      } catch (error) {
        failure = { error };
        done.push({ section, outcome: undefined });
        break;
      }
      try {
        outcome = { ok: true, value: await section.work() };
      } catch (error) {
        outcome = { ok: false, error };
      }
      done.push({ section, outcome });
      try {
        // SQLite ends the whole transaction itself on some errors (I/O, disk full); then
        // nothing of the batch stands.
        if (!this.db.inTransaction)
          throw outcome.ok ? new Error('the batch transaction ended') : outcome.error;
        if (!outcome.ok) this.db.exec('ROLLBACK TO group_commit_section');
        this.db.exec('RELEASE group_commit_section');
      } catch (error) {
        failure = { error };
      }
    }
    if (!failure) {
      try {
        this.db.exec('COMMIT');
      } catch (error) {
        failure = { error };
      }
    }
    if (failure && this.db.inTransaction) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // The transaction ended on its own meanwhile; nothing stands either way.
      }
    }
    for (const { section, outcome } of done) {
      if (failure) section.reject(outcome && !outcome.ok ? outcome.error : failure.error);
      else if (outcome!.ok) section.resolve(outcome!.value);
      else section.reject(outcome!.error);
    }
    this.running = false;
    if (this.queue.length > 0) this.schedule();
    else for (const resolve of this.idle.splice(0)) resolve();
  }
}

interface Section {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Settled {
  section: Section;
  /** Undefined when the section never ran (the batch could not begin). */
  outcome: Outcome | undefined;
}
