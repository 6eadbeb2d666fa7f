// Backup and restore of an engine's data folder as one file (`npm run engine -- backup --to FILE`,
// `… restore --from FILE`). The file is a SQLite database: a copy of engine.sqlite made with
// SQLite's online backup API (sqlite3_backup, all pages in one step, so it is one consistent
// snapshot even while the engine runs and writes), plus a table of the data folder's own files
// that the database is useless without: the engine's secrets (its seal key wraps every chunk on
// the storage devices) and its TLS certificate and key (clients pinned that key). The file is
// written 0600 through a temporary name, and never over an existing file.
//
// The storage devices' folders are not in it: they hold the ciphertext, in as many replicas as
// there are devices, and are backed up (or replicated) on their own hosts.

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  openSync,
  readSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { migrations } from './migrations.ts';

/** The data folder's files a backup carries, relative to it. */
const CARRIED_FILES = [
  'engine-secrets.json',
  'tls/self-signed.key',
  'tls/self-signed.crt',
  'host.json',
] as const;

const BACKUP_FORMAT = 1;

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupSummary {
  file: string;
  schemaVersion: number;
  files: string[];
  bytes: number;
}

/** Writes a backup of the data folder to `to` (a new file); the engine may be running. */
export async function backupDataDir(dataDir: string, to: string): Promise<BackupSummary> {
  const database = join(dataDir, 'engine.sqlite');
  if (!existsSync(database))
    throw new BackupError(`${dataDir} holds no engine database (engine.sqlite) to back up.`);
  const target = resolve(to);
  if (existsSync(target))
    throw new BackupError(`${target} exists already; a backup never replaces a file.`);
  if (!existsSync(dirname(target)))
    throw new BackupError(`The folder ${dirname(target)} does not exist.`);
  const temporary = join(dirname(target), `.${randomUUID()}.backup-tmp`);
  // Created empty and private first: the copy inherits the mode, and secrets go into it.
  writeFileSync(temporary, '', { mode: 0o600, flag: 'wx' });
  try {
    // Read-only: a backup never writes to the engine's database or checkpoints its WAL.
    const source = new Database(database, { readonly: true, fileMustExist: true });
    try {
      // Every page in one step: a step holds one read transaction, so the copy is one snapshot
      // (page by page, a write between steps would restart the copy, and busy engines write).
      await source.backup(temporary, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
    const copy = new Database(temporary);
    const files: string[] = [];
    let schemaVersion: number;
    try {
      copy.pragma('journal_mode = DELETE');
      schemaVersion = copy.pragma('user_version', { simple: true }) as number;
      copy.exec(`
        CREATE TABLE privicore_backup_info (format INTEGER NOT NULL, created_at TEXT NOT NULL, schema_version INTEGER NOT NULL);
        CREATE TABLE privicore_backup_files (name TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL);
      `);
      copy
        .prepare('INSERT INTO privicore_backup_info VALUES (?, ?, ?)')
        .run(BACKUP_FORMAT, new Date().toISOString(), schemaVersion);
      const insert = copy.prepare('INSERT INTO privicore_backup_files VALUES (?, ?, ?)');
      for (const name of CARRIED_FILES) {
        const path = join(dataDir, name);
        if (!existsSync(path)) continue;
        insert.run(name, statSync(path).mode & 0o777, readFileSync(path));
        files.push(name);
      }
    } finally {
      copy.close();
    }
    chmodSync(temporary, 0o600);
    // link + unlink, not rename: rename would replace a file that appeared meanwhile.
    linkSync(temporary, target);
    return { file: target, schemaVersion, files, bytes: statSync(target).size };
  } finally {
    rmSync(temporary, { force: true });
  }
}

export interface RestoreSummary {
  dataDir: string;
  schemaVersion: number;
  createdAt: string;
  files: string[];
}

/**
 * Makes `dataDir` (new or empty of engine data) a copy of the backup. The engine is started on
 * it afterwards; it runs any migrations a newer engine brings.
 */
export function restoreDataDir(from: string, dataDir: string): RestoreSummary {
  if (!existsSync(from)) throw new BackupError(`${from} does not exist.`);
  const target = join(dataDir, 'engine.sqlite');
  if (existsSync(target))
    throw new BackupError(
      `${dataDir} already holds an engine database; restore into a new or empty folder (and move the old one aside first).`,
    );
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const temporary = join(dataDir, `.${randomUUID()}.restore-tmp`);
  checkSqliteHeader(from);
  copyFileSync(from, temporary, constants.COPYFILE_EXCL);
  chmodSync(temporary, 0o600);
  let info: { schema_version: number; created_at: string; format: number } | undefined;
  const restored: string[] = [];
  try {
    const copy = new Database(temporary);
    try {
      try {
        info = copy.prepare('SELECT * FROM privicore_backup_info').get() as typeof info;
      } catch {
        info = undefined;
      }
      if (!info || info.format !== BACKUP_FORMAT)
        throw new BackupError(`${from} is not an engine backup this engine can read.`);
      if (info.schema_version > migrations.length)
        throw new BackupError(
          `${from} was made by a newer engine (database schema ${info.schema_version}; this engine knows up to ${migrations.length}). Restore it with that engine version or a later one.`,
        );
      const rows = copy.prepare('SELECT name, mode, content FROM privicore_backup_files').all() as {
        name: string;
        mode: number;
        content: Buffer;
      }[];
      for (const row of rows) {
        if (!(CARRIED_FILES as readonly string[]).includes(row.name))
          throw new BackupError(
            `${from} carries an unexpected file (${row.name}); not restoring it.`,
          );
        const path = join(dataDir, row.name);
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        if (existsSync(path))
          throw new BackupError(`${path} exists already; restore into a new or empty folder.`);
        // Secrets stay private whatever mode they were saved with.
        writeFileSync(path, row.content, { mode: row.mode & 0o644, flag: 'wx' });
        restored.push(row.name);
      }
      copy.exec('DROP TABLE privicore_backup_files; DROP TABLE privicore_backup_info; VACUUM;');
    } finally {
      copy.close();
    }
    renameSync(temporary, target);
    chmodSync(target, 0o600);
  } catch (error) {
    for (const name of restored) rmSync(join(dataDir, name), { force: true });
    throw error;
  } finally {
    if (existsSync(temporary)) unlinkSync(temporary);
  }
  return {
    dataDir,
    schemaVersion: info.schema_version,
    createdAt: info.created_at,
    files: restored,
  };
}

function checkSqliteHeader(from: string): void {
  const header = Buffer.alloc(16);
  const fd = openSync(from, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== 'SQLite format 3\0')
    throw new BackupError(`${from} is not an engine backup (not a SQLite database).`);
}
