// Plain words for the desktop app: what went wrong and what to do next. The CLI has its own
// wording (cli/describe-error.ts) because its next steps are commands.
//
// The words are data: one sentence per reason key, with `{name}` slots filled from the error's
// `details` (a folder, a file name, a wait), so the table can move whole to wherever the app's
// wording ends up living.

import type { BridgeErrorInfo } from '../bridge/vault-api.ts';
import { PrivicoreError } from './privicore-error.ts';
import { KeychainUnavailableError } from './secrets/keychain.ts';

export const CLIENT_ERROR_WORDS: Readonly<Record<string, string>> = {
  'auth.invalid_credentials': "That username and password don't match. Check them and try again.",
  'auth.invalid_credentials.few_left':
    "That username and password don't match. {attemptsLeft} more wrong tries lock sign-in for this username for 15 minutes.",
  'auth.invalid_credentials.last_left':
    "That username and password don't match. One more wrong try locks sign-in for this username for 15 minutes.",
  'auth.invalid_token': 'Your session has ended. Sign in again.',
  'auth.missing_token': 'You are signed out. Sign in again.',
  'auth.rate_limited':
    'Too many failed sign-ins for this username. Wait a few minutes and try again.',
  'auth.rate_limited.wait':
    'Too many failed sign-ins for this username. Try again in {wait}, or sign in from a computer that is signed in already.',
  'profile.username_taken': 'That username is already taken. Choose another one.',
  'profile.public_key_required': 'This account is not fully set up yet. Sign in again to finish.',
  'data_token.not_found': 'This file no longer exists in the vault. Refresh the list.',
  'data_token.name_taken':
    'There is already a file named “{name}” in {folder}. Choose another name.',
  'data_token.folder_taken':
    'There is already a folder {folder} with files in it. Choose another name, or move the files one by one.',
  'data_token.folder_inside': 'A folder cannot move into its own subfolder. Choose another place.',
  'device.not_found': 'That device is no longer part of this account. Refresh the list.',
  'device.not_pending': 'That device is no longer waiting for approval.',
  'device.not_approved': 'That device has not been approved yet.',
  'device.role_taken': 'That device already has a role.',
  'storage.none_registered':
    'This vault has no storage device left, so files can be neither stored nor opened. Add one on the Storage screen.',
  'storage.unavailable':
    'No storage device is online right now. Start one (or reconnect the drive) and try again.',
  'storage.no_intact_copy':
    'No intact copy of this file is reachable right now. Bring its storage devices online and try again.',
  'storage.device_offline': 'That storage device is offline. Connect it and try again.',
  'storage.not_registered': 'That device is not a storage device of this account.',
  'client.network': "Can't reach the engine{engineAt}. Check the address and that it is running.",
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
  'client.download_interrupted':
    'The download stopped before it finished, so nothing was saved. Try again.',
  'client.target_folder_missing':
    'The folder {folder} is not there any more. Choose another place to save the file.',
  'client.target_is_folder': '{target} is a folder. Choose another name to save the file under.',
  'client.target_not_writable': "This app isn't allowed to save in {folder}. Choose another place.",
  'client.file_missing': '{path} is not there any more. It may have been moved or deleted.',
  'client.not_a_file': '{path} is not a file this app can read.',
  'client.unreadable': '{path} could not be read.',
  'client.folder_too_deep': '{path} is nested too deep for the vault to keep its folders.',
  'client.permission': 'Permission denied for {path}. Choose another place.',
  'client.disk_full': 'The disk is full. Free some space and try again.',
};

/** "{folder}" slots filled from details; null when a slot has no value to fill it. */
function fill(template: string, details: Readonly<Record<string, string>>): string | null {
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = details[key];
    if (value === undefined) complete = false;
    return value ?? '';
  });
  return complete ? text : null;
}

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
    const template = CLIENT_ERROR_WORDS[wordsKey(error)];
    return {
      // An error without the details its sentence needs keeps the words it was made with.
      message: (template && fill(template, details)) ?? error.message,
      reason: error.reason,
      status: error.status || null,
    };
  }
  if (error instanceof KeychainUnavailableError)
    return { message: error.message, reason: 'client.keychain_unavailable', status: null };
  const errno = error as NodeJS.ErrnoException | undefined;
  const reason = errno?.code ? ERRNO_REASONS[errno.code] : undefined;
  if (reason) {
    return {
      message: fill(CLIENT_ERROR_WORDS[reason]!, { path: errno?.path ?? 'That file' })!,
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
