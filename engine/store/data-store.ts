/**
 * Store seam for data tokens (contract §7): the reservation, its stored bytes and, once
 * configure-file-meta ran, the permanent token. Tokens are kept as a digest for lookup plus a
 * sealed copy (crypto/seal.ts) for the endpoints that hand them out again. Times are epoch
 * milliseconds; see store.ts for the conventions.
 */

/**
 * `uploading` holds the reservation while an exchange or upstream upload runs; `held` once its
 * bytes are on the devices but a vote decides whether it stores (contract §11).
 */
export type UploadState = 'none' | 'uploading' | 'held' | 'stored';

export interface DataTokenRecord {
  /** The reserve-token-space command id. */
  id: string;
  profileId: string;
  context: string;
  /** The reservation's `meta` string. */
  meta: string | null;
  ttlMs: number;
  tempHash: string;
  tempSealed: string;
  transferHash: string;
  transferSealed: string;
  reservedAt: number;
  /** Reservation expiry; moot once finalised. */
  expiresAt: number;
  uploadState: UploadState;
  /** The bus item id of the bytes: set when an upload claims the reservation. */
  blobId: string | null;
  /** Ciphertext bytes as stored. */
  size: number | null;
  chunkSize: number | null;
  /** Hex SHA-256 of the stored bytes (the download ETag). */
  sha256: string | null;
  storedAt: number | null;
  tokenHash: string | null;
  tokenSealed: string | null;
  finalizedAt: number | null;
  fileName: string | null;
  extension: string | null;
  path: string | null;
  /** Plaintext size the client declared in configure-file-meta. */
  plainSize: number | null;
  riskMeta: Record<string, string> | null;
  updatedAt: number | null;
}

export type NewDataToken = Pick<
  DataTokenRecord,
  | 'id'
  | 'profileId'
  | 'context'
  | 'meta'
  | 'ttlMs'
  | 'tempHash'
  | 'tempSealed'
  | 'transferHash'
  | 'transferSealed'
  | 'reservedAt'
  | 'expiresAt'
>;

export interface StoredBytes {
  size: number;
  chunkSize: number;
  sha256: string;
  storedAt: number;
  expiresAt: number;
}

export interface Finalization {
  tokenHash: string;
  tokenSealed: string;
  fileName: string;
  extension: string | null;
  context: string;
  plainSize: number;
  path: string | null;
  at: number;
}

export type DataTokenChanges = Partial<
  Pick<DataTokenRecord, 'fileName' | 'extension' | 'context' | 'path'>
>;

export interface DataTokenQuery {
  page: number;
  perPage: number;
  contextPrefix?: string;
  /** A folder and its subfolders: context equal to it or starting with it plus "/". */
  folder?: string;
  fileNameContains?: string;
  sort: 'createdAt' | 'fileName' | 'size';
  order: 'asc' | 'desc';
}

/** A stored blob as the storage machinery needs it. */
export interface BlobRef {
  dataTokenId: string;
  blobId: string;
  size: number;
  chunkSize: number;
}

export interface DataTokenRepo {
  insert(token: NewDataToken): Promise<void>;
  byId(id: string): Promise<DataTokenRecord | undefined>;
  byTempHash(hash: string): Promise<DataTokenRecord | undefined>;
  byTransferHash(hash: string): Promise<DataTokenRecord | undefined>;
  byTokenHash(hash: string): Promise<DataTokenRecord | undefined>;
  /**
   * Takes the reservation for one upload by the node run `owner` (cluster-store.ts); false when
   * another has it or it is stored.
   */
  claimUpload(id: string, blobId: string, owner: string): Promise<boolean>;
  /** Gives a failed (or voted down) upload's claim back so the client may try again. */
  releaseUpload(id: string): Promise<void>;
  /** An upload's bytes are stored but wait for a vote (uploading → held). */
  markHeld(id: string): Promise<void>;
  markStored(id: string, stored: StoredBytes): Promise<void>;
  finalize(id: string, finalization: Finalization): Promise<void>;
  update(id: string, changes: DataTokenChanges, at: number): Promise<void>;
  setRiskMeta(id: string, meta: Record<string, string> | null, at: number): Promise<void>;
  remove(id: string): Promise<void>;
  /** Reservations past their expiry that were never finalised, not being uploaded nor held. */
  expiredReservations(now: number): Promise<DataTokenRecord[]>;
  /**
   * Gives back the reservations of uploads whose node run is no longer registered (it stopped
   * or died mid-upload): their bytes lived in that process only. Returns them as they were, with
   * the blob id of the lost bytes.
   */
  releaseOrphanUploads(): Promise<DataTokenRecord[]>;
  /** Permanent tokens of a profile. */
  list(
    profileId: string,
    query: DataTokenQuery,
  ): Promise<{ items: DataTokenRecord[]; count: number }>;
  /** Every stored blob of a profile. */
  storedBlobs(profileId: string): Promise<BlobRef[]>;
  /** Blobs of the profile stored at or after `since` that the device does not hold. */
  owedTo(deviceId: string, profileId: string, since: number): Promise<BlobRef[]>;
  /** Whether the blob still belongs to a stored data token. */
  blobStored(blobId: string): Promise<boolean>;
}

export interface DownloadTokenRecord {
  hash: string;
  dataTokenId: string;
  profileId: string;
  expiresAt: number;
  consumedAt: number | null;
}

export interface DownloadTokenRepo {
  insert(token: DownloadTokenRecord): Promise<void>;
  byHash(hash: string): Promise<DownloadTokenRecord | undefined>;
  consume(hash: string, at: number): Promise<void>;
  pruneBefore(at: number): Promise<void>;
}

export type TransactionKind = 'exchanged' | 'requested' | 'deleted';

export interface TransactionCountRepo {
  increment(profileId: string, day: string, kind: TransactionKind): Promise<void>;
  /** Counts per day and kind for days in [fromDay, toDay] (YYYY-MM-DD). */
  between(
    profileId: string,
    fromDay: string,
    toDay: string,
  ): Promise<{ day: string; kind: TransactionKind; count: number }[]>;
}
