// The one error type of the client library. Engine errors keep the contract's shape (§1.5);
// failures the engine never answered (network, timeout, cancellation, a rejected command) use
// the same type with status 0 and a `client.*` or contract reason key, so callers branch on
// `reason` alone.

/** Reason keys the client itself produces; every other key comes from the engine. */
export type ClientReason =
  | 'client.network'
  | 'client.timeout'
  | 'client.cancelled'
  | 'client.closed'
  | 'client.protocol'
  | 'client.integrity'
  | 'client.download_interrupted';

export interface PrivicoreErrorInit {
  /** HTTP status of the engine's answer; 0 when there was none (network, timeout, rejected command). */
  status: number;
  /** A contract reason key (`data_token.not_found`, `storage.unavailable`) or a ClientReason. */
  reason: string;
  message: string;
  /** Per-field messages, only with `validation.failed`. */
  errors?: Record<string, string[]>;
  /** Set when an accepted command was rejected (status 3). */
  commandId?: string;
  /** From `Retry-After` on 429. */
  retryAfterSeconds?: number;
  /** Words the describer fills into its sentence for this reason (a folder, a file name). */
  details?: Readonly<Record<string, string>>;
  cause?: unknown;
}

export class PrivicoreError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly errors?: Record<string, string[]>;
  readonly commandId?: string;
  readonly retryAfterSeconds?: number;
  readonly details?: Readonly<Record<string, string>>;

  constructor(init: PrivicoreErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'PrivicoreError';
    this.status = init.status;
    this.reason = init.reason;
    if (init.errors) this.errors = init.errors;
    if (init.commandId) this.commandId = init.commandId;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.details) this.details = init.details;
  }

  /** A command the engine accepted and later rejected with a reason key (contract §1.6). */
  static rejected(commandId: string, reason: string): PrivicoreError {
    return new PrivicoreError({
      status: 0,
      reason,
      commandId,
      message: `The engine rejected command ${commandId}: ${reason}.`,
    });
  }

  static cancelled(what = 'The operation'): PrivicoreError {
    return new PrivicoreError({
      status: 0,
      reason: 'client.cancelled',
      message: `${what} was cancelled.`,
    });
  }
}

export function isPrivicoreError(error: unknown, reason?: string): error is PrivicoreError {
  return error instanceof PrivicoreError && (reason === undefined || error.reason === reason);
}
