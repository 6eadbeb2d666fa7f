/** Data shapes that cross the bridge. Plain, serialisable, never a secret. */

export type EngineMode = 'embedded' | 'remote';

export interface EngineStatus {
  mode: EngineMode;
  state: 'starting' | 'ready' | 'unreachable' | 'stopped';
  apiUrl: string | null;
  message: string | null;
}

export interface SessionState {
  status: 'signed-out' | 'signed-in';
  username: string | null;
  profileId: string | null;
  engine: { mode: EngineMode; apiUrl: string | null };
  /** ISO time the authorization token expires. */
  expiresAt: string | null;
  /** Why the session ended, in plain words (expired, revoked, signed out). */
  notice: string | null;
}

export interface FileItem {
  token: string;
  fileName: string;
  extension: string | null;
  /** Plaintext bytes. */
  size: number;
  context: string;
  path: string | null;
  createdAt: string;
  updatedAt: string;
  classification: Record<string, string> | null;
}

export interface FilePage {
  items: FileItem[];
  count: number;
  page: number;
  perPage: number;
}

export type FileSort = 'createdAt' | 'fileName' | 'size';

export interface FileDetails extends FileItem {
  storedBytes: number | null;
  storageDevices: { deviceIdentifier: string; name: string; online: boolean }[];
}

export type TransferState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Transfer {
  id: string;
  batchId: string;
  kind: 'upload' | 'download';
  name: string;
  context: string;
  bytes: number;
  total: number;
  state: TransferState;
  error: string | null;
  /** The data token once an upload finished. */
  token: string | null;
  /** Where a download was written. */
  target: string | null;
}

export interface UploadStarted {
  batchId: string;
  transfers: Transfer[];
}
