import type { CommandHold } from './vault-context.ts';

/** Progress of a storeFile or retrieveFile, reported as bytes of plaintext. */
export interface TransferProgress {
  /** `held`: the store or request waits for a vote (contract §11); `hold` names the pool. */
  phase: 'reserve' | 'upload' | 'store' | 'held' | 'finalise' | 'request' | 'download' | 'done';
  /** Plaintext bytes done in this transfer. */
  bytes: number;
  /** Plaintext size; for a retrieve, known once the download starts (else undefined). */
  total: number | undefined;
  hold?: CommandHold;
}

export type ProgressListener = (progress: TransferProgress) => void;
