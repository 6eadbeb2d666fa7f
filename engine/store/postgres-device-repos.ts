import type { DeviceChanges, DeviceRepo, HoldingRepo, PendingDeleteRepo } from './device-store.ts';
import { all, one, type Sql } from './postgres-sql.ts';
import { DEVICE_COLUMNS, deviceValues, toDevice } from './sqlite-device-repos.ts';

function devices(sql: Sql): DeviceRepo {
  return {
    insert: async (d) =>
      void (await sql.changes(
        `INSERT INTO devices (id, profile_id, request_command_id, name, status, role, public_key, private_key_sealed, meta,
           created_at, approved_at, storage_since, authenticator_since, last_seen_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        deviceValues(d),
      )),
    byId: (id) => one(sql, toDevice, 'SELECT * FROM devices WHERE id = $1', [id]),
    byRequestCommand: (profileId, commandId) =>
      one(
        sql,
        toDevice,
        'SELECT * FROM devices WHERE profile_id = $1 AND request_command_id = $2',
        [profileId, commandId],
      ),
    listByProfile: (profileId) =>
      all(
        sql,
        toDevice,
        'SELECT * FROM devices WHERE profile_id = $1 ORDER BY created_at, id COLLATE "C"',
        [profileId],
      ),
    storageDevices: (profileId) =>
      all(
        sql,
        toDevice,
        `SELECT * FROM devices WHERE profile_id = $1 AND role = 'storage' ORDER BY created_at, id COLLATE "C"`,
        [profileId],
      ),
    authenticators: (profileId) =>
      all(
        sql,
        toDevice,
        `SELECT * FROM devices WHERE profile_id = $1 AND role = 'authenticator'
           ORDER BY authenticator_since NULLS FIRST, id COLLATE "C"`,
        [profileId],
      ),
    update: async (id, changes) => {
      const fields = (Object.keys(changes) as (keyof DeviceChanges)[]).filter(
        (key) => key in DEVICE_COLUMNS && changes[key] !== undefined,
      );
      if (fields.length === 0) return;
      const values = fields.map((key) =>
        key === 'meta' ? JSON.stringify(changes.meta) : changes[key],
      );
      await sql.changes(
        `UPDATE devices SET ${fields.map((key, index) => `${DEVICE_COLUMNS[key]} = $${index + 1}`).join(', ')}
           WHERE id = $${fields.length + 1}`,
        [...values, id],
      );
    },
    remove: async (id) => void (await sql.changes('DELETE FROM devices WHERE id = $1', [id])),
    seen: async (id, at) =>
      void (await sql.changes('UPDATE devices SET last_seen_at = $1 WHERE id = $2', [at, id])),
  };
}

function holdings(sql: Sql): HoldingRepo {
  const holders = async (blobId: string) =>
    (
      await sql.rows(
        'SELECT device_id FROM holdings WHERE blob_id = $1 ORDER BY stored_at, device_id COLLATE "C"',
        [blobId],
      )
    ).map((row) => row.device_id as string);
  return {
    add: async (blobId, deviceId, at) =>
      void (await sql.changes(
        'INSERT INTO holdings (blob_id, device_id, stored_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [blobId, deviceId, at],
      )),
    holders,
    heldBy: async (deviceId) =>
      (await sql.rows('SELECT blob_id FROM holdings WHERE device_id = $1', [deviceId])).map(
        (row) => row.blob_id as string,
      ),
    removeDevice: async (deviceId) =>
      (
        await sql.rows('DELETE FROM holdings WHERE device_id = $1 RETURNING blob_id', [deviceId])
      ).map((row) => row.blob_id as string),
    removeBlob: async (blobId) => {
      const deviceIds = await holders(blobId);
      await sql.changes('DELETE FROM holdings WHERE blob_id = $1', [blobId]);
      return deviceIds;
    },
    statsFor: async (deviceId) => {
      const [row] = await sql.rows(
        `SELECT COUNT(*) AS tokens, COALESCE(SUM(d.size), 0)::BIGINT AS bytes FROM holdings h
           JOIN data_tokens d ON d.blob_id = h.blob_id AND d.upload_state = 'stored' WHERE h.device_id = $1`,
        [deviceId],
      );
      return { tokens: row!.tokens as number, bytes: row!.bytes as number };
    },
  };
}

function pendingDeletes(sql: Sql): PendingDeleteRepo {
  return {
    add: async (deviceId, blobId, at) =>
      void (await sql.changes(
        'INSERT INTO pending_deletes (device_id, blob_id, queued_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [deviceId, blobId, at],
      )),
    forDevice: async (deviceId) =>
      (
        await sql.rows(
          'SELECT blob_id FROM pending_deletes WHERE device_id = $1 ORDER BY queued_at, blob_id COLLATE "C"',
          [deviceId],
        )
      ).map((row) => row.blob_id as string),
    remove: async (deviceId, blobId) =>
      void (await sql.changes('DELETE FROM pending_deletes WHERE device_id = $1 AND blob_id = $2', [
        deviceId,
        blobId,
      ])),
    removeDevice: async (deviceId) =>
      void (await sql.changes('DELETE FROM pending_deletes WHERE device_id = $1', [deviceId])),
  };
}

export function createPostgresDeviceRepos(sql: Sql): {
  devices: DeviceRepo;
  holdings: HoldingRepo;
  pendingDeletes: PendingDeleteRepo;
} {
  return { devices: devices(sql), holdings: holdings(sql), pendingDeletes: pendingDeletes(sql) };
}
