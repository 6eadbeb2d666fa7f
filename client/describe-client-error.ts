// Plain words for the desktop app: what went wrong and what to do next, from the one wording
// table (bridge/error-words.ts) the renderer and the CLI use too.

import { errorWords } from '../bridge/error-words.ts';
import type { BridgeErrorInfo } from '../bridge/vault-api.ts';
import { PrivicoreError } from './privicore-error.ts';
import { KeychainUnavailableError } from './secrets/keychain.ts';

export function describeClientError(error: unknown, engineUrl?: string | null): BridgeErrorInfo {
  if (error instanceof PrivicoreError) {
    if (error.reason === 'client.network') {
      return {
        message: `Can't reach the engine${engineUrl ? ` at ${engineUrl}` : ''}. Check the address and that it is running.`,
        reason: error.reason,
        status: null,
      };
    }
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
    return {
      message: errorWords(error.reason, 'app') ?? error.message,
      reason: error.reason,
      status: error.status || null,
    };
  }
  if (error instanceof KeychainUnavailableError)
    return { message: error.message, reason: 'client.keychain_unavailable', status: null };
  const errno = error as NodeJS.ErrnoException | undefined;
  if (errno?.code === 'ENOENT')
    return {
      message: `The file ${errno.path ?? ''} was not found. It may have been moved or deleted.`,
      reason: 'client.file_missing',
      status: null,
    };
  if (errno?.code === 'EACCES' || errno?.code === 'EPERM')
    return {
      message: `Permission denied for ${errno.path ?? 'that file'}. Choose another place.`,
      reason: 'client.permission',
      status: null,
    };
  if (errno?.code === 'ENOSPC')
    return {
      message: 'The disk is full. Free some space and try again.',
      reason: 'client.disk_full',
      status: null,
    };
  return {
    message: error instanceof Error ? error.message : 'Something went wrong.',
    reason: null,
    status: null,
  };
}
