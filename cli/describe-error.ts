// Turns any failure into the one line the CLI prints: what went wrong and, where there is one,
// what to do about it. Contract reason keys get plain words (bridge/error-words.ts, the table
// the desktop app uses too); unknown ones keep the engine's message and show the key.

import { errorWords } from '../bridge/error-words.ts';
import { KeychainUnavailableError } from '../client/secrets/keychain.ts';
import { PrivicoreError } from '../client/privicore-error.ts';

export function describeError(error: unknown): string {
  if (error instanceof PrivicoreError) {
    if (error.reason === 'validation.failed' && error.errors) {
      const fields = Object.entries(error.errors).map(
        ([field, messages]) => `${field} ${messages.join(', ')}`,
      );
      return `Invalid input: ${fields.join('; ')}.`;
    }
    if (error.reason === 'auth.rate_limited' && error.retryAfterSeconds !== undefined) {
      return `Too many failed logins; try again in ${Math.ceil(error.retryAfterSeconds / 60)} min.`;
    }
    if (error.reason === 'client.tls_pin_mismatch')
      return `${error.message} If its certificate was replaced on purpose, check the engine's new "tlsPin" and run again with --pin.`;
    const hint = errorWords(error.reason, 'cli');
    if (hint) return hint;
    // Made on this side in words already (the engine's failures carry their reason key).
    if (error.reason.startsWith('client.') || error.reason.startsWith('recovery.'))
      return error.message;
    return `${error.message} (${error.reason})`;
  }
  if (error instanceof KeychainUnavailableError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  if (code === 'ENOENT' && path) return `${path}: no such file or directory.`;
  if (code === 'EACCES' && path) return `${path}: permission denied.`;
  if (code === 'EISDIR' && path) return `${path} is a directory.`;
  if (code === 'EEXIST' && path) return `${path} already exists.`;
  // Node leaves the path out of some of these (a write to an open file, a read of a folder).
  const where = path ? ` (${path})` : '';
  if (code === 'ENOSPC')
    return `The disk is full${where}; nothing was written in full. Free some space and try again.`;
  if (code === 'EDQUOT')
    return `Your disk quota is used up${where}. Free some space and try again.`;
  if (code === 'EROFS') return `The disk is read-only${where}.`;
  if (code === 'EISDIR') return 'A folder was given where a file was expected.';
  if (code === 'ENOTDIR') return `A file was given where a folder was expected${where}.`;
  if (code === 'EACCES' || code === 'EPERM') return `Permission denied${where}.`;
  if (error instanceof Error) return error.message;
  return String(error);
}
