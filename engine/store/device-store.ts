/**
 * Store seam for devices (contract §8) and for where stored bytes live (§9): which storage
 * device holds which blob, and which removals still have to reach a device. Times are epoch
 * milliseconds; see store.ts for the conventions.
 */

export type DeviceStatus = 'pending' | 'approved';
export type DeviceRole = 'storage' | 'authenticator';

export interface DeviceRecord {
  id: string;
  profileId: string;
  /** The request-unique-identifier command that created it (retrieve-unique-identifier). */
  requestCommandId: string | null;
  name: string;
  status: DeviceStatus;
  role: DeviceRole | null;
  publicKey: string;
  /** Engine-generated private key, sealed (crypto/seal.ts); null when the device brought its key. */
  privateKeySealed: string | null;
  meta: Record<string, string>;
  createdAt: number;
  approvedAt: number | null;
  /** When the device last became a storage device: stores from then on are owed to it. */
  storageSince: number | null;
  /** When the device became a verified authenticator (contract §10 `registeredAt`). */
  authenticatorSince: number | null;
  lastSeenAt: number | null;
}

export type DeviceChanges = Partial<
  Pick<
    DeviceRecord,
    'name' | 'status' | 'role' | 'meta' | 'approvedAt' | 'storageSince' | 'authenticatorSince'
  >
>;

export interface DeviceRepo {
  insert(device: DeviceRecord): Promise<void>;
  byId(id: string): Promise<DeviceRecord | undefined>;
  byRequestCommand(profileId: string, commandId: string): Promise<DeviceRecord | undefined>;
  /** Oldest first. */
  listByProfile(profileId: string): Promise<DeviceRecord[]>;
  storageDevices(profileId: string): Promise<DeviceRecord[]>;
  /** The profile's verified authenticators, oldest registration first. */
  authenticators(profileId: string): Promise<DeviceRecord[]>;
  update(id: string, changes: DeviceChanges): Promise<void>;
  remove(id: string): Promise<void>;
  seen(id: string, at: number): Promise<void>;
}

export interface HoldingRepo {
  /** Records that the device holds a complete copy; repeating it is harmless. */
  add(blobId: string, deviceId: string, at: number): Promise<void>;
  /** Devices holding the blob, the earliest holder first. */
  holders(blobId: string): Promise<string[]>;
  /** Blobs the device holds. */
  heldBy(deviceId: string): Promise<string[]>;
  /** Forgets every holding of a device; returns the blobs it held. */
  removeDevice(deviceId: string): Promise<string[]>;
  /** Forgets every holding of a blob; returns the devices that held it. */
  removeBlob(blobId: string): Promise<string[]>;
  /** Stored data tokens (reserved or permanent) a device holds, and their bytes. */
  statsFor(deviceId: string): Promise<{ tokens: number; bytes: number }>;
}

export interface PendingDeleteRepo {
  add(deviceId: string, blobId: string, at: number): Promise<void>;
  forDevice(deviceId: string): Promise<string[]>;
  remove(deviceId: string, blobId: string): Promise<void>;
  removeDevice(deviceId: string): Promise<void>;
}
