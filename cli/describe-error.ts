// Turns any failure into the one line the CLI prints: what went wrong and, where there is one,
// what to do about it. Contract reason keys get plain words; unknown ones keep the engine's
// message and show the key.

import { KeychainUnavailableError } from '../client/secrets/keychain.ts';
import { PrivicoreError } from '../client/privicore-error.ts';

const HINTS: Record<string, string> = {
  'auth.invalid_credentials': 'Wrong username or password.',
  'auth.missing_token':
    'You are not logged in: run `privicore-vault login <username>` (or `signup <username>`).',
  'auth.invalid_token':
    'Your session has expired or was revoked: run `privicore-vault login <username>`.',
  'auth.rate_limited': 'Too many failed logins; wait a while and try again.',
  'profile.username_taken': 'That username is taken; choose another.',
  'profile.public_key_required':
    'The profile has no public key yet: run `privicore-vault login <username>` to finish setting it up.',
  'qr.invalid':
    'That pairing code is used, expired or unknown: show a new one with `privicore-vault qr`.',
  'data_token.not_found': 'No file with that token (it is unknown, deleted, or not yours).',
  'data_token.too_large': 'The data is too large for an inline exchange.',
  'device.not_found': 'No device with that id in this profile (see `privicore-vault devices`).',
  'device.not_pending': 'That device is not waiting for approval.',
  'device.not_approved':
    'That device is not approved yet (see `privicore-vault devices approve ID`).',
  'device.role_taken': 'That device already has a role (storage or authenticator).',
  'storage.none_registered':
    'No storage device is registered for this profile: add one with `privicore-vault storage add-local DIR`.',
  'storage.unavailable':
    'No storage device is online to store or serve the data; start one and try again.',
  'storage.not_registered':
    'That device is not a storage device of this profile (see `privicore-vault storage`).',
  'storage.device_offline': 'That storage device is offline; start it and try again.',
  'storage.no_intact_copy':
    'No intact copy of the data is available on the online storage devices.',
  'oauth.application_not_found':
    'No OAuth application with that id or client id (see `privicore-vault apps`); it may have been revoked.',
  'oauth.already_retrieved':
    'The client secret was already shown once and cannot be shown again; revoke the application and register it anew.',
  'oauth.scope_denied': 'The application was not given the scope this needs.',
  'client.no_data_key':
    'This machine has no data key for the profile, so it cannot encrypt or decrypt: run `privicore-vault recovery import FILE`.',
  'policy.vote_rejected': 'Your authenticators voted no, so it was not done.',
  'policy.vote_expired':
    'Not enough authenticators voted in time, so it was not done; try again and vote sooner.',
  'policy.vote_cancelled': 'The vote was cancelled, so it was not done.',
  'policy.not_found': 'No policy with that name or id (see `privicore-vault policies`).',
  'policy.name_taken': 'A policy with that name exists; choose another.',
  'voting.no_authenticators':
    'A policy asks for a vote, but fewer authenticators than the quorum can vote: add one with `privicore-vault authenticators add`.',
  'voting.already_voted': 'That ballot was already cast; votes are final.',
  'voting.pool_closed': 'That vote is over (decided, expired or cancelled).',
  'voting.ballot_not_found':
    'No open ballot with that id for this machine (see `privicore-vault votes`).',
  'voting.pool_not_found': 'No voting pool with that id.',
  'voting_configuration.not_found':
    'No voting configuration with that name or id (see `privicore-vault voting config`).',
  'voting_configuration.name_taken': 'A voting configuration with that name exists.',
  'voting_configuration.in_use':
    'A policy uses that voting configuration; remove or change the policy first.',
  'device.not_authenticator':
    'That device is not an authenticator (see `privicore-vault authenticators`).',
  'auth.token_kind_not_allowed': 'This credential may not do that.',
};

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
    const hint = HINTS[error.reason];
    if (hint) return hint;
    if (error.reason.startsWith('client.')) return error.message;
    return `${error.message} (${error.reason})`;
  }
  if (error instanceof KeychainUnavailableError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  if (code === 'ENOENT' && path) return `${path}: no such file or directory.`;
  if (code === 'EACCES' && path) return `${path}: permission denied.`;
  if (code === 'EISDIR' && path) return `${path} is a directory.`;
  if (code === 'EEXIST' && path) return `${path} already exists.`;
  if (error instanceof Error) return error.message;
  return String(error);
}
