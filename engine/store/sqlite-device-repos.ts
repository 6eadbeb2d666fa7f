import type Database from 'better-sqlite3';
import type {
  DeviceChanges,
  DeviceRecord,
  DeviceRepo,
  HoldingRepo,
  PendingDeleteRepo,
} from './device-store.ts';
import type { Sync } from './store.ts';
import { parsed, type Row } from './sqlite-row.ts';

/** A device's values in the order of the devices INSERT (both dialects: PostgreSQL's store too). */
export const deviceValues = (d: DeviceRecord): unknown[] => [
  d.id,
  d.profileId,
  d.requestCommandId,
  d.name,
  d.status,
  d.role,
  d.publicKey,
  d.privateKeySealed,
  JSON.stringify(d.meta),
  d.createdAt,
  d.approvedAt,
  d.storageSince,
  d.authenticatorSince,
  d.lastSeenAt,
];

export const toDevice = (row: Row): DeviceRecord => ({
  id: row.id as string,
  profileId: row.profile_id as string,
  requestCommandId: (row.request_command_id as string | null) ?? null,
  name: row.name as string,
  status: row.status as DeviceRecord['status'],
  role: (row.role as DeviceRecord['role']) ?? null,
  publicKey: row.public_key as string,
  privateKeySealed: (row.private_key_sealed as string | null) ?? null,
  meta: (parsed(row.meta) as Record<string, string> | null) ?? {},
  createdAt: row.created_at as number,
  approvedAt: (row.approved_at as number | null) ?? null,
  storageSince: (row.storage_since as number | null) ?? null,
  authenticatorSince: (row.authenticator_since as number | null) ?? null,
  lastSeenAt: (row.last_seen_at as number | null) ?? null,
});

/** Column of each field update-able through DeviceRepo.update. */
export const DEVICE_COLUMNS: Record<keyof DeviceChanges, string> = {
  name: 'name',
  status: 'status',
  role: 'role',
  meta: 'meta',
  approvedAt: 'approved_at',
  storageSince: 'storage_since',
  authenticatorSince: 'authenticator_since',
};

function devices(db: Database.Database): Sync<DeviceRepo> {
  const insert = db.prepare(
    `INSERT INTO devices (id, profile_id, request_command_id, name, status, role, public_key, private_key_sealed, meta,
       created_at, approved_at, storage_since, authenticator_since, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM devices WHERE id = ?');
  const byCommand = db.prepare(
    'SELECT * FROM devices WHERE profile_id = ? AND request_command_id = ?',
  );
  const byProfile = db.prepare(
    'SELECT * FROM devices WHERE profile_id = ? ORDER BY created_at, id',
  );
  const storage = db.prepare(
    "SELECT * FROM devices WHERE profile_id = ? AND role = 'storage' ORDER BY created_at, id",
  );
  const authenticators = db.prepare(
    "SELECT * FROM devices WHERE profile_id = ? AND role = 'authenticator' ORDER BY authenticator_since, id",
  );
  const remove = db.prepare('DELETE FROM devices WHERE id = ?');
  const seen = db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?');
  return {
    insert: (d) => void insert.run(...deviceValues(d)),
    byId: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toDevice(row);
    },
    byRequestCommand: (profileId, commandId) => {
      const row = byCommand.get(profileId, commandId) as Row | undefined;
      return row && toDevice(row);
    },
    listByProfile: (profileId) => (byProfile.all(profileId) as Row[]).map(toDevice),
    storageDevices: (profileId) => (storage.all(profileId) as Row[]).map(toDevice),
    authenticators: (profileId) => (authenticators.all(profileId) as Row[]).map(toDevice),
    update: (id, changes) => {
      const fields = (Object.keys(changes) as (keyof DeviceChanges)[]).filter(
        (key) => key in DEVICE_COLUMNS && changes[key] !== undefined,
      );
      if (fields.length === 0) return;
      const values = fields.map((key) =>
        key === 'meta' ? JSON.stringify(changes.meta) : changes[key],
      );
      db.prepare(
        `UPDATE devices SET ${fields.map((key) => `${DEVICE_COLUMNS[key]} = ?`).join(', ')} WHERE id = ?`,
      ).run(...values, id);
    },
    remove: (id) => void remove.run(id),
    seen: (id, at) => void seen.run(at, id),
  };
}

function holdings(db: Database.Database): Sync<HoldingRepo> {
  const add = db.prepare(
    'INSERT OR IGNORE INTO holdings (blob_id, device_id, stored_at) VALUES (?, ?, ?)',
  );
  const holders = db.prepare(
    'SELECT device_id FROM holdings WHERE blob_id = ? ORDER BY stored_at, device_id',
  );
  const ofDevice = db.prepare('SELECT blob_id FROM holdings WHERE device_id = ?');
  const removeDevice = db.prepare('DELETE FROM holdings WHERE device_id = ?');
  const removeBlob = db.prepare('DELETE FROM holdings WHERE blob_id = ?');
  const stats = db.prepare(
    `SELECT COUNT(*) AS tokens, COALESCE(SUM(d.size), 0) AS bytes FROM holdings h
       JOIN data_tokens d ON d.blob_id = h.blob_id AND d.upload_state = 'stored' WHERE h.device_id = ?`,
  );
  return {
    add: (blobId, deviceId, at) => void add.run(blobId, deviceId, at),
    holders: (blobId) => (holders.all(blobId) as Row[]).map((row) => row.device_id as string),
    heldBy: (deviceId) => (ofDevice.all(deviceId) as Row[]).map((row) => row.blob_id as string),
    removeDevice: (deviceId) => {
      const blobs = (ofDevice.all(deviceId) as Row[]).map((row) => row.blob_id as string);
      removeDevice.run(deviceId);
      return blobs;
    },
    removeBlob: (blobId) => {
      const deviceIds = (holders.all(blobId) as Row[]).map((row) => row.device_id as string);
      removeBlob.run(blobId);
      return deviceIds;
    },
    statsFor: (deviceId) => {
      const row = stats.get(deviceId) as Row;
      return { tokens: row.tokens as number, bytes: row.bytes as number };
    },
  };
}

function pendingDeletes(db: Database.Database): Sync<PendingDeleteRepo> {
  const add = db.prepare(
    'INSERT OR IGNORE INTO pending_deletes (device_id, blob_id, queued_at) VALUES (?, ?, ?)',
  );
  const forDevice = db.prepare(
    'SELECT blob_id FROM pending_deletes WHERE device_id = ? ORDER BY queued_at',
  );
  const remove = db.prepare('DELETE FROM pending_deletes WHERE device_id = ? AND blob_id = ?');
  const removeDevice = db.prepare('DELETE FROM pending_deletes WHERE device_id = ?');
  return {
    add: (deviceId, blobId, at) => void add.run(deviceId, blobId, at),
    forDevice: (deviceId) => (forDevice.all(deviceId) as Row[]).map((row) => row.blob_id as string),
    remove: (deviceId, blobId) => void remove.run(deviceId, blobId),
    removeDevice: (deviceId) => void removeDevice.run(deviceId),
  };
}

export function createSqliteDeviceRepos(db: Database.Database): {
  devices: Sync<DeviceRepo>;
  holdings: Sync<HoldingRepo>;
  pendingDeletes: Sync<PendingDeleteRepo>;
} {
  return { devices: devices(db), holdings: holdings(db), pendingDeletes: pendingDeletes(db) };
}
