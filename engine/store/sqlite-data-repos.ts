import type Database from 'better-sqlite3';
import type {
  BlobRef,
  DataTokenChanges,
  DataTokenRecord,
  DataTokenRepo,
  DownloadTokenRecord,
  DownloadTokenRepo,
  TransactionCountRepo,
  TransactionKind,
} from './data-store.ts';
import type { Sync } from './store.ts';
import { foldFileName, fullFileName, naturalNameKey } from './file-name-keys.ts';
import { json, parsed, type Row } from './sqlite-row.ts';

export const toDataToken = (row: Row): DataTokenRecord => ({
  id: row.id as string,
  profileId: row.profile_id as string,
  context: row.context as string,
  meta: (row.meta as string | null) ?? null,
  ttlMs: row.ttl_ms as number,
  tempHash: row.temp_hash as string,
  tempSealed: row.temp_sealed as string,
  transferHash: row.transfer_hash as string,
  transferSealed: row.transfer_sealed as string,
  reservedAt: row.reserved_at as number,
  expiresAt: row.expires_at as number,
  uploadState: row.upload_state as DataTokenRecord['uploadState'],
  blobId: (row.blob_id as string | null) ?? null,
  size: (row.size as number | null) ?? null,
  chunkSize: (row.chunk_size as number | null) ?? null,
  sha256: (row.sha256 as string | null) ?? null,
  storedAt: (row.stored_at as number | null) ?? null,
  tokenHash: (row.token_hash as string | null) ?? null,
  tokenSealed: (row.token_sealed as string | null) ?? null,
  finalizedAt: (row.finalized_at as number | null) ?? null,
  fileName: (row.file_name as string | null) ?? null,
  extension: (row.extension as string | null) ?? null,
  path: (row.path as string | null) ?? null,
  plainSize: (row.plain_size as number | null) ?? null,
  riskMeta: parsed(row.risk_meta) as Record<string, string> | null,
  updatedAt: (row.updated_at as number | null) ?? null,
});

export const toBlob = (row: Row): BlobRef => ({
  dataTokenId: row.id as string,
  blobId: row.blob_id as string,
  size: row.size as number,
  chunkSize: row.chunk_size as number,
});

const SORT_COLUMNS = {
  createdAt: 'finalized_at',
  fileName: 'privicore_name_key(file_name, extension)',
  size: 'plain_size',
} as const;

/** The column each changeable field of a data token is kept in (PostgreSQL's store too). */
export const CHANGE_COLUMNS: Record<keyof DataTokenChanges, string> = {
  fileName: 'file_name',
  extension: 'extension',
  context: 'context',
  path: 'path',
};

function dataTokens(db: Database.Database): Sync<DataTokenRepo> {
  // Search and sort compare names as people see them (file-name-keys.ts): extension included,
  // composed and decomposed forms alike, case-insensitive in every script, digits by value.
  db.function('privicore_fold', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? foldFileName(value) : null,
  );
  db.function(
    'privicore_full_name',
    { deterministic: true },
    (fileName: unknown, extension: unknown) =>
      typeof fileName === 'string'
        ? fullFileName(fileName, typeof extension === 'string' ? extension : null)
        : null,
  );
  db.function(
    'privicore_name_key',
    { deterministic: true },
    (fileName: unknown, extension: unknown) =>
      typeof fileName === 'string'
        ? naturalNameKey(fileName, typeof extension === 'string' ? extension : null)
        : null,
  );

  const insert = db.prepare(
    `INSERT INTO data_tokens (id, profile_id, context, meta, ttl_ms, temp_hash, temp_sealed, transfer_hash, transfer_sealed,
       reserved_at, expires_at, upload_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'none')`,
  );
  const byId = db.prepare('SELECT * FROM data_tokens WHERE id = ?');
  const byTemp = db.prepare('SELECT * FROM data_tokens WHERE temp_hash = ?');
  const byTransfer = db.prepare('SELECT * FROM data_tokens WHERE transfer_hash = ?');
  const byToken = db.prepare('SELECT * FROM data_tokens WHERE token_hash = ?');
  const claim = db.prepare(
    "UPDATE data_tokens SET upload_state = 'uploading', blob_id = ?, upload_owner = ? WHERE id = ? AND upload_state = 'none'",
  );
  const release = db.prepare(
    "UPDATE data_tokens SET upload_state = 'none', blob_id = NULL, upload_owner = NULL WHERE id = ? AND upload_state IN ('uploading', 'held')",
  );
  const held = db.prepare(
    "UPDATE data_tokens SET upload_state = 'held' WHERE id = ? AND upload_state = 'uploading'",
  );
  const stored = db.prepare(
    "UPDATE data_tokens SET upload_state = 'stored', size = ?, chunk_size = ?, sha256 = ?, stored_at = ?, expires_at = ? WHERE id = ?",
  );
  const finalize = db.prepare(
    `UPDATE data_tokens SET token_hash = ?, token_sealed = ?, file_name = ?, extension = ?, context = ?, plain_size = ?, path = ?,
       finalized_at = ?, updated_at = ? WHERE id = ? AND finalized_at IS NULL`,
  );
  const riskMeta = db.prepare('UPDATE data_tokens SET risk_meta = ?, updated_at = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM data_tokens WHERE id = ?');
  const expired = db.prepare(
    "SELECT * FROM data_tokens WHERE finalized_at IS NULL AND expires_at <= ? AND upload_state IN ('none', 'stored') ORDER BY expires_at",
  );
  const orphanUploads = db.prepare(
    `SELECT * FROM data_tokens WHERE upload_state = 'uploading'
       AND (upload_owner IS NULL OR upload_owner NOT IN (SELECT incarnation FROM nodes))`,
  );
  const storedBlobs = db.prepare(
    "SELECT id, blob_id, size, chunk_size FROM data_tokens WHERE profile_id = ? AND upload_state = 'stored' ORDER BY stored_at, id",
  );
  const owed = db.prepare(
    `SELECT id, blob_id, size, chunk_size FROM data_tokens d WHERE d.profile_id = ? AND d.upload_state = 'stored' AND d.stored_at >= ?
       AND NOT EXISTS (SELECT 1 FROM holdings h WHERE h.blob_id = d.blob_id AND h.device_id = ?) ORDER BY d.stored_at, d.id`,
  );
  const blobStored = db.prepare(
    "SELECT 1 FROM data_tokens WHERE blob_id = ? AND upload_state = 'stored'",
  );

  const one = (statement: Database.Statement, ...args: unknown[]) => {
    const row = statement.get(...args) as Row | undefined;
    return row && toDataToken(row);
  };

  return {
    insert: (t) =>
      void insert.run(
        t.id,
        t.profileId,
        t.context,
        t.meta,
        t.ttlMs,
        t.tempHash,
        t.tempSealed,
        t.transferHash,
        t.transferSealed,
        t.reservedAt,
        t.expiresAt,
      ),
    byId: (id) => one(byId, id),
    byTempHash: (hash) => one(byTemp, hash),
    byTransferHash: (hash) => one(byTransfer, hash),
    byTokenHash: (hash) => one(byToken, hash),
    claimUpload: (id, blobId, owner) => claim.run(blobId, owner, id).changes === 1,
    releaseUpload: (id) => void release.run(id),
    markHeld: (id) => void held.run(id),
    markStored: (id, s) =>
      void stored.run(s.size, s.chunkSize, s.sha256, s.storedAt, s.expiresAt, id),
    finalize: (id, f) =>
      void finalize.run(
        f.tokenHash,
        f.tokenSealed,
        f.fileName,
        f.extension,
        f.context,
        f.plainSize,
        f.path,
        f.at,
        f.at,
        id,
      ),
    update: (id, changes, at) => {
      const fields = (Object.keys(changes) as (keyof DataTokenChanges)[]).filter(
        (key) => key in CHANGE_COLUMNS && changes[key] !== undefined,
      );
      db.prepare(
        `UPDATE data_tokens SET ${[...fields.map((key) => `${CHANGE_COLUMNS[key]} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
      ).run(...fields.map((key) => changes[key]), at, id);
    },
    setRiskMeta: (id, meta, at) => void riskMeta.run(json(meta), at, id),
    remove: (id) => void remove.run(id),
    expiredReservations: (now) => (expired.all(now) as Row[]).map(toDataToken),
    releaseOrphanUploads: () =>
      (orphanUploads.all() as Row[]).map((row) => {
        release.run(row.id);
        return toDataToken(row);
      }),
    list: (profileId, query) => {
      const where = ['profile_id = ?', 'finalized_at IS NOT NULL'];
      const args: unknown[] = [profileId];
      if (query.contextPrefix !== undefined && query.contextPrefix !== '') {
        where.push('substr(context, 1, length(?)) = ?');
        args.push(query.contextPrefix, query.contextPrefix);
      }
      if (query.folder !== undefined && query.folder !== '/') {
        where.push("(context = ? OR substr(context, 1, length(?) + 1) = ? || '/')");
        args.push(query.folder, query.folder, query.folder);
      }
      if (query.fileNameContains !== undefined && query.fileNameContains !== '') {
        where.push(
          'instr(privicore_fold(privicore_full_name(file_name, extension)), privicore_fold(?)) > 0',
        );
        args.push(query.fileNameContains);
      }
      const clause = where.join(' AND ');
      const count = (
        db.prepare(`SELECT COUNT(*) AS n FROM data_tokens WHERE ${clause}`).get(...args) as Row
      ).n as number;
      const direction = query.order === 'asc' ? 'ASC' : 'DESC';
      const rows = db
        .prepare(
          `SELECT * FROM data_tokens WHERE ${clause} ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
        )
        .all(...args, query.perPage, (query.page - 1) * query.perPage) as Row[];
      return { items: rows.map(toDataToken), count };
    },
    storedBlobs: (profileId) => (storedBlobs.all(profileId) as Row[]).map(toBlob),
    owedTo: (deviceId, profileId, since) =>
      (owed.all(profileId, since, deviceId) as Row[]).map(toBlob),
    blobStored: (blobId) => blobStored.get(blobId) !== undefined,
  };
}

export const toDownloadToken = (row: Row): DownloadTokenRecord => ({
  hash: row.hash as string,
  dataTokenId: row.data_token_id as string,
  profileId: row.profile_id as string,
  expiresAt: row.expires_at as number,
  consumedAt: (row.consumed_at as number | null) ?? null,
});

function downloadTokens(db: Database.Database): Sync<DownloadTokenRepo> {
  const insert = db.prepare(
    'INSERT INTO download_tokens (hash, data_token_id, profile_id, expires_at, consumed_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare('SELECT * FROM download_tokens WHERE hash = ?');
  const consume = db.prepare(
    'UPDATE download_tokens SET consumed_at = ? WHERE hash = ? AND consumed_at IS NULL',
  );
  const prune = db.prepare('DELETE FROM download_tokens WHERE expires_at < ?');
  return {
    insert: (t) => void insert.run(t.hash, t.dataTokenId, t.profileId, t.expiresAt, t.consumedAt),
    byHash: (hash) => {
      const row = byHash.get(hash) as Row | undefined;
      return row && toDownloadToken(row);
    },
    consume: (hash, at) => void consume.run(at, hash),
    pruneBefore: (at) => void prune.run(at),
  };
}

function transactionCounts(db: Database.Database): Sync<TransactionCountRepo> {
  const increment = db.prepare(
    'INSERT INTO transaction_counts (profile_id, day, kind, count) VALUES (?, ?, ?, 1) ON CONFLICT (profile_id, day, kind) DO UPDATE SET count = count + 1',
  );
  const between = db.prepare(
    'SELECT day, kind, count FROM transaction_counts WHERE profile_id = ? AND day >= ? AND day <= ? ORDER BY day',
  );
  return {
    increment: (profileId, day, kind) => void increment.run(profileId, day, kind),
    between: (profileId, fromDay, toDay) =>
      (between.all(profileId, fromDay, toDay) as Row[]).map((row) => ({
        day: row.day as string,
        kind: row.kind as TransactionKind,
        count: row.count as number,
      })),
  };
}

export function createSqliteDataRepos(db: Database.Database): {
  dataTokens: Sync<DataTokenRepo>;
  downloadTokens: Sync<DownloadTokenRepo>;
  transactionCounts: Sync<TransactionCountRepo>;
} {
  return {
    dataTokens: dataTokens(db),
    downloadTokens: downloadTokens(db),
    transactionCounts: transactionCounts(db),
  };
}
