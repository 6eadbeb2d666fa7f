// Plain words for the desktop app: what went wrong and what to do next, from the one wording
// table (bridge/error-words.ts) the renderer and the CLI use too; this module picks the table's
// key for an error and the details that fill its slots.

import { errorWords } from '../bridge/error-words.ts';
import type { BridgeErrorInfo } from '../bridge/vault-api.ts';
import { PrivicoreError } from './privicore-error.ts';
import { KeychainUnavailableError } from './secrets/keychain.ts';

/** "45 seconds", "12 minutes": how long a lockout has left, rounded up. */
export function describeWait(seconds: number): string {
  if (seconds < 60) {
    const s = Math.max(1, Math.ceil(seconds));
    return `${s} ${s === 1 ? 'second' : 'seconds'}`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** The table's key for an error: some reasons have a variant when details say more. */
function wordsKey(error: PrivicoreError): string {
  if (error.reason === 'auth.rate_limited' && error.retryAfterSeconds !== undefined)
    return 'auth.rate_limited.wait';
  if (error.reason === 'auth.invalid_credentials' && error.details?.['attemptsLeft']) {
    return error.details['attemptsLeft'] === '1'
      ? 'auth.invalid_credentials.last_left'
      : 'auth.invalid_credentials.few_left';
  }
  return error.reason;
}

const ERRNO_REASONS: Record<string, string> = {
  ENOENT: 'client.file_missing',
  EACCES: 'client.permission',
  EPERM: 'client.permission',
  ENOSPC: 'client.disk_full',
  EISDIR: 'client.not_a_file',
};

export function describeClientError(error: unknown, engineUrl?: string | null): BridgeErrorInfo {
  if (error instanceof PrivicoreError) {
    if (error.reason === 'validation.failed' && error.errors) {
      const fields = Object.entries(error.errors).map(
        ([field, messages]) => `${field} ${messages.join(', ')}`,
      );
      return {
        message: `Please correct: ${fields.join('; ')}.`,
        reason: error.reason,
        status: error.status,
        fields: error.errors,
      };
    }
    const details: Record<string, string> = {
      ...error.details,
      engineAt: engineUrl ? ` at ${engineUrl}` : '',
      ...(error.retryAfterSeconds === undefined
        ? {}
        : { wait: describeWait(error.retryAfterSeconds) }),
    };
    return {
      // An error without the details its sentence needs keeps the words it was made with.
      message: errorWords(wordsKey(error), 'app', details) ?? error.message,
      reason: error.reason,
      status: error.status || null,
      // Only what the window acts on: the fingerprint a person is asked to confirm.
      ...(error.reason === 'client.tls_untrusted' && error.details?.['fingerprint']
        ? { details: { fingerprint: error.details['fingerprint'] } }
        : {}),
    };
  }
  if (error instanceof KeychainUnavailableError)
    return { message: error.message, reason: 'client.keychain_unavailable', status: null };
  const errno = error as NodeJS.ErrnoException | undefined;
  const reason = errno?.code ? ERRNO_REASONS[errno.code] : undefined;
  if (reason) {
    return {
      message: errorWords(reason, 'app', { path: errno?.path ?? 'That file' })!,
      reason,
      status: null,
    };
  }
  return {
    message: error instanceof Error ? error.message : 'Something went wrong.',
    reason: null,
    status: null,
  };
}
