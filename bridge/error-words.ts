import { LIMITS } from './field-rules.ts';

/**
 * The words people read for a failure's reason key, in one table for the desktop app (main words
 * its errors with it, the renderer falls back to it) and the CLI. Each says what went wrong and
 * what to do next; the next step differs between the app (a screen, a button) and the CLI (a
 * command), so each reason has words per surface. A surface without words for a reason shows the
 * engine's own message.
 */
export type ErrorSurface = 'app' | 'cli';

const REASON_WORDS: Record<string, Partial<Record<ErrorSurface, string>>> = {
  'auth.invalid_credentials': {
    app: "That username and password don't match. Check them and try again.",
    cli: 'Wrong username or password.',
  },
  'auth.invalid_token': {
    app: 'Your session has ended. Sign in again.',
    cli: 'Your session has expired or was revoked: run `privicore-vault login <username>`.',
  },
  'auth.missing_token': {
    app: 'You are signed out. Sign in again.',
    cli: 'You are not logged in: run `privicore-vault login <username>` (or `signup <username>`).',
  },
  'auth.rate_limited': {
    app: 'Too many failed sign-ins for this username. Wait a few minutes and try again.',
    cli: 'Too many failed logins; wait a while and try again.',
  },
  'profile.username_taken': {
    app: 'That username is already taken. Choose another one.',
    cli: 'That username is taken; choose another.',
  },
  'profile.public_key_required': {
    app: 'This account is not fully set up yet. Sign in again to finish.',
    cli: 'The profile has no public key yet: run `privicore-vault login <username>` to finish setting it up.',
  },
  'qr.invalid': {
    cli: 'That pairing code is used, expired or unknown: show a new one with `privicore-vault qr`.',
  },
  'request.too_large': {
    app: 'That is more than the engine accepts in one go. Try fewer or smaller files.',
  },
  'data_token.not_found': {
    app: 'This file no longer exists in the vault. Refresh the list.',
    cli: 'No file with that token (it is unknown, deleted, or not yours).',
  },
  'data_token.too_large': {
    app: 'That file is larger than this engine accepts.',
    cli: 'The data is too large for an inline exchange.',
  },
  'device.not_found': {
    app: 'That device is no longer part of this account. Refresh the list.',
    cli: 'No device with that id in this profile (see `privicore-vault devices`).',
  },
  'device.not_pending': {
    app: 'That device is no longer waiting for approval.',
    cli: 'That device is not waiting for approval.',
  },
  'device.not_approved': {
    app: 'That device has not been approved yet.',
    cli: 'That device is not approved yet (see `privicore-vault devices approve ID`).',
  },
  'device.role_taken': {
    app: 'That device already has a role.',
    cli: 'That device already has a role (storage or authenticator).',
  },
  'storage.none_registered': {
    app: 'There is no storage device to keep your files. Add one on the Storage screen.',
    cli: 'No storage device is registered for this profile: add one with `privicore-vault storage add-local DIR`.',
  },
  'storage.unavailable': {
    app: 'No storage device is online right now. Start one (or reconnect the drive) and try again.',
    cli: 'No storage device is online to store or serve the data; start one and try again.',
  },
  'storage.no_intact_copy': {
    app: 'No intact copy of this file is reachable right now. Bring its storage devices online and try again.',
    cli: 'No intact copy of the data is available on the online storage devices.',
  },
  'storage.device_offline': {
    app: 'That storage device is offline. Connect it and try again.',
    cli: 'That storage device is offline; start it and try again.',
  },
  'storage.not_registered': {
    app: 'That device is not a storage device of this account.',
    cli: 'That device is not a storage device of this profile (see `privicore-vault storage`).',
  },
  'client.no_data_key': {
    app: "This computer doesn't have the key for this vault yet. Import your recovery kit (Account screen) or approve this device from another one.",
    cli: 'This machine has no data key for the profile, so it cannot encrypt or decrypt: run `privicore-vault recovery import FILE`.',
  },
  'client.integrity': {
    app: 'The file failed its integrity check, so nothing was saved. Try again; if it keeps failing, the stored copy is damaged.',
  },
  'client.timeout': {
    app: 'The engine took too long to answer. Check that it is running and try again.',
  },
  'client.cancelled': { app: 'Cancelled.' },
};

/** The words for a reason on one surface, or undefined when that surface has none. */
export function errorWords(reason: string, surface: ErrorSurface): string | undefined {
  return Object.hasOwn(REASON_WORDS, reason) ? REASON_WORDS[reason]![surface] : undefined;
}

/** Notes for input fields a check refused, by field name, from the limits the checks use. */
export const FIELD_WORDS: Readonly<Record<string, string>> = {
  username: `Use ${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters.`,
  password: `Use at least ${LIMITS.passwordMin} characters.`,
  apiUrl: 'Enter a full address starting with http:// or https://.',
  fileName: `Use 1 to ${LIMITS.fileNameMax} characters.`,
  context: `Folder paths start with "/" and have at most ${LIMITS.contextMax} characters.`,
};
