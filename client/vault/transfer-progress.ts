/** Progress of a storeFile or retrieveFile, reported as bytes of plaintext. */
export interface TransferProgress {
  phase: 'reserve' | 'upload' | 'store' | 'finalise' | 'request' | 'download' | 'done';
  /** Plaintext bytes done in this transfer. */
  bytes: number;
  /** Plaintext size; for a retrieve, known once the download starts (else undefined). */
  total: number | undefined;
}

export type ProgressListener = (progress: TransferProgress) => void;
