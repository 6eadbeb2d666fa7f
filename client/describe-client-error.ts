// Plain words for the desktop app: what went wrong and what to do next. The CLI has its own
// wording (cli/describe-error.ts) because its next steps are commands.

import type { BridgeErrorInfo } from '../bridge/vault-api.ts';
import { PrivicoreError } from './privicore-error.ts';
import { KeychainUnavailableError } from './secrets/keychain.ts';

const WORDS: Record<string, string> = {
  'auth.invalid_credentials': "That username and password don't match. Check them and try again.",
  'auth.invalid_token': 'Your session has ended. Sign in again.',
  'auth.missing_token': 'You are signed out. Sign in again.',
  'auth.rate_limited':
    'Too many failed sign-ins for this username. Wait a few minutes and try again.',
  'profile.username_taken': 'That username is already taken. Choose another one.',
  'profile.public_key_required': 'This account is not fully set up yet. Sign in again to finish.',
  'data_token.not_found': 'This file no longer exists in the vault. Refresh the list.',
  'device.not_found': 'That device is no longer part of this account. Refresh the list.',
  'device.not_pending': 'That device is no longer waiting for approval.',
  'device.not_approved': 'That device has not been approved yet.',
  'device.role_taken': 'That device already has a role.',
  'storage.none_registered':
    'There is no storage device to keep your files. Add one on the Storage screen.',
  'storage.unavailable':
    'No storage device is online right now. Start one (or reconnect the drive) and try again.',
  'storage.no_intact_copy':
    'No intact copy of this file is reachable right now. Bring its storage devices online and try again.',
  'storage.device_offline': 'That storage device is offline. Connect it and try again.',
  'storage.not_registered': 'That device is not a storage device of this account.',
  'client.no_data_key':
    "This computer doesn't have the key for this vault yet. Import your recovery kit (Account screen) or approve this device from another one.",
  'client.integrity':
    'The file failed its integrity check, so nothing was saved. Try again; if it keeps failing, the stored copy is damaged.',
  'client.timeout': 'The engine took too long to answer. Check that it is running and try again.',
  'client.cancelled': 'Cancelled.',
  'policy.vote_rejected': 'Your authenticators voted no, so this was not done.',
  'policy.vote_expired':
    'Not enough authenticators voted in time, so this was not done. Try again and vote sooner.',
  'policy.vote_cancelled': 'The vote was cancelled, so this was not done.',
  'policy.not_found': 'That policy no longer exists. Refresh the list.',
  'policy.name_taken': 'A policy with that name already exists. Choose another name.',
  'voting.no_authenticators':
    'A policy asks for a vote, but there are fewer authenticators than the vote needs. Add one in Settings → Voting.',
  'voting.already_voted': 'This ballot was already cast. Votes are final.',
  'voting.pool_closed': 'This vote is already over.',
  'voting.ballot_not_found': 'This ballot is no longer open.',
  'voting_configuration.name_taken':
    'A voting configuration with that name already exists. Choose another name.',
  'voting_configuration.in_use':
    'A policy uses this voting configuration. Change or delete the policy first.',
  'voting_configuration.not_found': 'That voting configuration no longer exists. Refresh the list.',
  'device.not_authenticator': 'That device is not an authenticator any more.',
};

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
      message: WORDS[error.reason] ?? error.message,
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
