import type {
  DataTokenChanges,
  DataTokenRepo,
  DownloadTokenRepo,
  TransactionCountRepo,
  TransactionKind,
} from './data-store.ts';
import { foldFileName, fullFileName, naturalNameKey } from './file-name-keys.ts';
import { all, one, type Sql } from './postgres-sql.ts';
import { CHANGE_COLUMNS, toBlob, toDataToken, toDownloadToken } from './sqlite-data-repos.ts';
import { json } from './sqlite-row.ts';

// SQLite computes these in JavaScript inside its queries (sqlite-data-repos.ts registers
// file-name-keys.ts as SQL functions); PostgreSQL keeps them in columns written with the name.
const SORT_COLUMNS = {
  createdAt: 'finalized_at',
  fileName: 'name_key',
  size: 'plain_size',
} as const;

function nameColumns(fileName: string, extension: string | null): [string, string] {
  return [foldFileName(fullFileName(fileName, extension)), naturalNameKey(fileName, extension)];
}

/** A rename rewrites the name keys; when another write changed the name first, it tries again. */
const RENAME_ATTEMPTS = 5;

function dataTokens(sql: Sql): DataTokenRepo {
  const byColumn = (column: string) => (value: string) =>
    one(sql, toDataToken, `SELECT * FROM data_tokens WHERE ${column} = $1`, [value]);
  return {
    insert: async (t) =>
      void (await sql.changes(
        `INSERT INTO data_tokens (id, profile_id, context, meta, ttl_ms, temp_hash, temp_sealed, transfer_hash, transfer_sealed,
           reserved_at, expires_at, upload_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'none')`,
        [
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
        ],
      )),
    byId: byColumn('id'),
    byTempHash: byColumn('temp_hash'),
    byTransferHash: byColumn('transfer_hash'),
    byTokenHash: byColumn('token_hash'),
    claimUpload: async (id, blobId, owner) =>
      (await sql.changes(
        `UPDATE data_tokens SET upload_state = 'uploading', blob_id = $1, upload_owner = $2
           WHERE id = $3 AND upload_state = 'none'`,
        [blobId, owner, id],
      )) === 1,
    releaseUpload: async (id) =>
      void (await sql.changes(
        `UPDATE data_tokens SET upload_state = 'none', blob_id = NULL, upload_owner = NULL
           WHERE id = $1 AND upload_state IN ('uploading', 'held')`,
        [id],
      )),
    markHeld: async (id) =>
      void (await sql.changes(
        `UPDATE data_tokens SET upload_state = 'held' WHERE id = $1 AND upload_state = 'uploading'`,
        [id],
      )),
    markStored: async (id, s) =>
      void (await sql.changes(
        `UPDATE data_tokens SET upload_state = 'stored', size = $1, chunk_size = $2, sha256 = $3, stored_at = $4,
           expires_at = $5 WHERE id = $6`,
        [s.size, s.chunkSize, s.sha256, s.storedAt, s.expiresAt, id],
      )),
    finalize: async (id, f) =>
      void (await sql.changes(
        `UPDATE data_tokens SET token_hash = $1, token_sealed = $2, file_name = $3, extension = $4, context = $5,
           plain_size = $6, path = $7, finalized_at = $8, updated_at = $8, name_fold = $9, name_key = $10
           WHERE id = $11 AND finalized_at IS NULL`,
        [
          f.tokenHash,
          f.tokenSealed,
          f.fileName,
          f.extension,
          f.context,
          f.plainSize,
          f.path,
          f.at,
          ...nameColumns(f.fileName, f.extension),
          id,
        ],
      )),
    update: async (id, changes, at) => {
      const fields = (Object.keys(changes) as (keyof DataTokenChanges)[]).filter(
        (key) => key in CHANGE_COLUMNS && changes[key] !== undefined,
      );
      const renames = changes.fileName !== undefined || changes.extension !== undefined;
      for (let attempt = 1; ; attempt++) {
        const values: unknown[] = fields.map((key) => changes[key]);
        const sets = fields.map((key, index) => `${CHANGE_COLUMNS[key]} = $${index + 1}`);
        values.push(at);
        sets.push(`updated_at = $${values.length}`);
        let guard = '';
        if (renames) {
          const current = await one(
            sql,
            (row) => ({
              fileName: row.file_name as string | null,
              extension: row.extension as string | null,
            }),
            'SELECT file_name, extension FROM data_tokens WHERE id = $1',
            [id],
          );
          if (!current) return;
          const fileName = changes.fileName ?? current.fileName;
          const extension = changes.extension !== undefined ? changes.extension : current.extension;
          if (fileName !== null) {
            values.push(...nameColumns(fileName, extension));
            sets.push(`name_fold = $${values.length - 1}`, `name_key = $${values.length}`);
          }
          values.push(current.fileName, current.extension);
          guard = ` AND file_name IS NOT DISTINCT FROM $${values.length - 1} AND extension IS NOT DISTINCT FROM $${values.length}`;
        }
        values.push(id);
        const changed = await sql.changes(
          `UPDATE data_tokens SET ${sets.join(', ')} WHERE id = $${values.length}${guard}`,
          values,
        );
        if (changed === 1 || !renames || attempt >= RENAME_ATTEMPTS) return;
      }
    },
    setRiskMeta: async (id, meta, at) =>
      void (await sql.changes(
        'UPDATE data_tokens SET risk_meta = $1, updated_at = $2 WHERE id = $3',
        [json(meta), at, id],
      )),
    remove: async (id) => void (await sql.changes('DELETE FROM data_tokens WHERE id = $1', [id])),
    expiredReservations: (now) =>
      all(
        sql,
        toDataToken,
        `SELECT * FROM data_tokens WHERE finalized_at IS NULL AND expires_at <= $1
           AND upload_state IN ('none', 'stored') ORDER BY expires_at, id COLLATE "C"`,
        [now],
      ),
    // Row locks make it exactly once across nodes; the rows come back as they were before.
    releaseOrphanUploads: () =>
      all(
        sql,
        toDataToken,
        `WITH orphan AS (
           SELECT * FROM data_tokens WHERE upload_state = 'uploading'
             AND (upload_owner IS NULL OR upload_owner NOT IN (SELECT incarnation FROM nodes))
             FOR UPDATE SKIP LOCKED
         ), released AS (
           UPDATE data_tokens d SET upload_state = 'none', blob_id = NULL, upload_owner = NULL
             FROM orphan WHERE d.id = orphan.id RETURNING d.id
         )
         SELECT orphan.* FROM orphan JOIN released ON released.id = orphan.id`,
      ),
    list: async (profileId, query) => {
      const where = ['profile_id = $1', 'finalized_at IS NOT NULL'];
      const args: unknown[] = [profileId];
      const arg = (value: unknown) => {
        args.push(value);
        return `$${args.length}::text`;
      };
      if (query.contextPrefix !== undefined && query.contextPrefix !== '') {
        const prefix = arg(query.contextPrefix);
        where.push(`substr(context, 1, length(${prefix})) = ${prefix}`);
      }
      if (query.folder !== undefined && query.folder !== '/') {
        const folder = arg(query.folder);
        where.push(
          `(context = ${folder} OR substr(context, 1, length(${folder}) + 1) = ${folder} || '/')`,
        );
      }
      if (query.fileNameContains !== undefined && query.fileNameContains !== '') {
        where.push(`strpos(name_fold, ${arg(foldFileName(query.fileNameContains))}) > 0`);
      }
      const clause = where.join(' AND ');
      const [counted] = await sql.rows(
        `SELECT COUNT(*) AS n FROM data_tokens WHERE ${clause}`,
        args,
      );
      const direction = query.order === 'asc' ? 'ASC' : 'DESC';
      const rows = await sql.rows(
        `SELECT * FROM data_tokens WHERE ${clause}
           ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}, id COLLATE "C" ${direction}
           LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
        [...args, query.perPage, (query.page - 1) * query.perPage],
      );
      return { items: rows.map(toDataToken), count: counted!.n as number };
    },
    storedBlobs: (profileId) =>
      all(
        sql,
        toBlob,
        `SELECT id, blob_id, size, chunk_size FROM data_tokens WHERE profile_id = $1 AND upload_state = 'stored'
           ORDER BY stored_at, id COLLATE "C"`,
        [profileId],
      ),
    owedTo: (deviceId, profileId, since) =>
      all(
        sql,
        toBlob,
        `SELECT id, blob_id, size, chunk_size FROM data_tokens d WHERE d.profile_id = $1 AND d.upload_state = 'stored'
           AND d.stored_at >= $2
           AND NOT EXISTS (SELECT 1 FROM holdings h WHERE h.blob_id = d.blob_id AND h.device_id = $3)
           ORDER BY d.stored_at, d.id COLLATE "C"`,
        [profileId, since, deviceId],
      ),
    blobStored: async (blobId) =>
      (
        await sql.rows(`SELECT 1 FROM data_tokens WHERE blob_id = $1 AND upload_state = 'stored'`, [
          blobId,
        ])
      ).length > 0,
  };
}

function downloadTokens(sql: Sql): DownloadTokenRepo {
  return {
    insert: async (t) =>
      void (await sql.changes(
        'INSERT INTO download_tokens (hash, data_token_id, profile_id, expires_at, consumed_at) VALUES ($1, $2, $3, $4, $5)',
        [t.hash, t.dataTokenId, t.profileId, t.expiresAt, t.consumedAt],
      )),
    byHash: (hash) =>
      one(sql, toDownloadToken, 'SELECT * FROM download_tokens WHERE hash = $1', [hash]),
    consume: async (hash, at) =>
      void (await sql.changes(
        'UPDATE download_tokens SET consumed_at = $1 WHERE hash = $2 AND consumed_at IS NULL',
        [at, hash],
      )),
    pruneBefore: async (at) =>
      void (await sql.changes('DELETE FROM download_tokens WHERE expires_at < $1', [at])),
  };
}

function transactionCounts(sql: Sql): TransactionCountRepo {
  return {
    increment: async (profileId, day, kind) =>
      void (await sql.changes(
        `INSERT INTO transaction_counts (profile_id, day, kind, count) VALUES ($1, $2, $3, 1)
           ON CONFLICT (profile_id, day, kind) DO UPDATE SET count = transaction_counts.count + 1`,
        [profileId, day, kind],
      )),
    between: async (profileId, fromDay, toDay) =>
      (
        await sql.rows(
          `SELECT day, kind, count FROM transaction_counts WHERE profile_id = $1 AND day >= $2 AND day <= $3
             ORDER BY day COLLATE "C", kind COLLATE "C"`,
          [profileId, fromDay, toDay],
        )
      ).map((row) => ({
        day: row.day as string,
        kind: row.kind as TransactionKind,
        count: row.count as number,
      })),
  };
}

export function createPostgresDataRepos(sql: Sql): {
  dataTokens: DataTokenRepo;
  downloadTokens: DownloadTokenRepo;
  transactionCounts: TransactionCountRepo;
} {
  return {
    dataTokens: dataTokens(sql),
    downloadTokens: downloadTokens(sql),
    transactionCounts: transactionCounts(sql),
  };
}
