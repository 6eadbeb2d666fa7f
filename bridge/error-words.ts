import { LIMITS } from './field-limits.ts';

/**
 * The words people read for a failure's reason key, in one table for the desktop app (main words
 * its errors with it, the renderer falls back to it) and the CLI. Each says what went wrong and
 * what to do next; the next step differs between the app (a screen, a button) and the CLI (a
 * command), so each reason has words per surface. A surface without words for a reason shows the
 * engine's own message. `{name}` slots are filled from the error's details (a folder, a file
 * name, a wait); some reasons have variants (`reason.variant`) for when the details say more.
 */
export type ErrorSurface = 'app' | 'cli';

const REASON_WORDS: Readonly<Record<string, Partial<Record<ErrorSurface, string>>>> = {
  'auth.invalid_credentials': {
    app: "That username and password don't match. Check them and try again.",
    cli: 'Wrong username or password.',
  },
  'auth.invalid_credentials.few_left': {
    app: "That username and password don't match. {attemptsLeft} more wrong tries lock sign-in for this username for 15 minutes.",
  },
  'auth.invalid_credentials.last_left': {
    app: "That username and password don't match. One more wrong try locks sign-in for this username for 15 minutes.",
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
  'auth.rate_limited.wait': {
    app: 'Too many failed sign-ins for this username. Try again in {wait}, or sign in from a computer that is signed in already.',
  },
  'profile.username_taken': {
    app: 'That username is already taken. Choose another one.',
    cli: 'That username is taken; choose another.',
  },
  'profile.public_key_required': {
    app: 'This account is not fully set up yet. Sign in again to finish.',
    cli: 'The profile has no public key yet: run `privicore-vault login <username>` to finish setting it up.',
  },
  'data_token.not_found': {
    app: 'This file no longer exists in the vault. Refresh the list.',
    cli: 'No file with that token (it is unknown, deleted, or not yours).',
  },
  'data_token.name_taken': {
    app: 'There is already a file named “{name}” in {folder}. Choose another name.',
  },
  'data_token.folder_taken': {
    app: 'There is already a folder {folder} with files in it. Choose another name, or move the files one by one.',
  },
  'data_token.folder_inside': {
    app: 'A folder cannot move into its own subfolder. Choose another place.',
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
    app: 'This vault has no storage device left, so files can be neither stored nor opened. Add one on the Storage screen.',
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
  'client.network': {
    app: "Can't reach the engine{engineAt}. Check the address and that it is running.",
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
  'client.download_interrupted': {
    app: 'The download stopped before it finished, so nothing was saved. Try again.',
  },
  'client.target_folder_missing': {
    app: 'The folder {folder} is not there any more. Choose another place to save the file.',
  },
  'client.target_is_folder': {
    app: '{target} is a folder. Choose another name to save the file under.',
  },
  'client.target_not_file': {
    app: '{target} is not a regular file (a device or a pipe). Choose a file to save to.',
  },
  'client.target_not_writable': {
    app: "This app isn't allowed to save in {folder}. Choose another place.",
  },
  'client.file_missing': {
    app: '{path} is not there any more. It may have been moved or deleted.',
  },
  'client.not_a_file': { app: '{path} is not a file this app can read.' },
  'client.unreadable': { app: '{path} could not be read.' },
  'client.folder_too_deep': { app: '{path} is nested too deep for the vault to keep its folders.' },
  'client.permission': { app: 'Permission denied for {path}. Choose another place.' },
  'client.disk_full': { app: 'The disk is full. Free some space and try again.' },
  'policy.vote_rejected': {
    app: 'Your authenticators voted no, so this was not done.',
    cli: 'Your authenticators voted no, so it was not done.',
  },
  'policy.vote_expired': {
    app: 'Not enough authenticators voted in time, so this was not done. Try again and vote sooner.',
    cli: 'Not enough authenticators voted in time, so it was not done; try again and vote sooner.',
  },
  'policy.vote_cancelled': {
    app: 'The vote was cancelled, so this was not done.',
    cli: 'The vote was cancelled, so it was not done.',
  },
  'policy.not_found': {
    app: 'That policy no longer exists. Refresh the list.',
    cli: 'No policy with that name or id (see `privicore-vault policies`).',
  },
  'policy.name_taken': {
    app: 'A policy with that name already exists. Choose another name.',
    cli: 'A policy with that name exists; choose another.',
  },
  'voting.no_authenticators': {
    app: 'A policy asks for a vote, but there are fewer authenticators than the vote needs. Add one in Settings → Voting.',
    cli: 'Fewer authenticators than the vote needs can vote: add one with `privicore-vault authenticators add` (for an organisation vote, the members chosen each add their own).',
  },
  'voting.already_voted': {
    app: 'This ballot was already cast. Votes are final.',
    cli: 'That ballot was already cast; votes are final.',
  },
  'voting.pool_closed': {
    app: 'This vote is already over.',
    cli: 'That vote is over (decided, expired or cancelled).',
  },
  'voting.ballot_not_found': {
    app: 'This ballot is no longer open.',
    cli: 'No open ballot with that id for this machine (see `privicore-vault votes`).',
  },
  'voting.pool_not_found': {
    cli: 'No voting pool with that id.',
  },
  'voting_configuration.not_found': {
    app: 'That voting configuration no longer exists. Refresh the list.',
    cli: 'No voting configuration with that name or id (see `privicore-vault voting config`).',
  },
  'voting_configuration.name_taken': {
    app: 'A voting configuration with that name already exists. Choose another name.',
    cli: 'A voting configuration with that name exists.',
  },
  'voting_configuration.in_use': {
    app: 'A policy uses this voting configuration. Change or delete the policy first.',
    cli: 'A policy uses that voting configuration; remove or change the policy first.',
  },
  'device.not_authenticator': {
    app: 'That device is not an authenticator any more.',
    cli: 'That device is not an authenticator (see `privicore-vault authenticators`).',
  },
  'oauth.application_not_found': {
    app: 'That application is not registered here any more; it may have been revoked.',
    cli: 'No OAuth application with that id or client id (see `privicore-vault apps`); it may have been revoked.',
  },
  'oauth.already_retrieved': {
    app: 'The client secret was shown once and cannot be shown again. Revoke the application and register it anew.',
    cli: 'The client secret was already shown once and cannot be shown again; revoke the application and register it anew.',
  },
  'oauth.scope_denied': {
    cli: 'The application was not given the scope this needs.',
  },
  'client.tls_pin_mismatch': {
    app: "The engine at {host} presented a certificate with fingerprint {actual}, not the one this computer trusts for it ({expected}). Nothing was sent. If the engine's certificate was replaced on purpose, enter its new fingerprint.",
  },
  'client.tls_untrusted': {
    app: "The engine at {engineUrl} has a certificate this computer can't verify. Its fingerprint is {fingerprint}. Nothing was sent.",
  },
  'directory.not_found': {
    cli: 'No such organisation among yours (see `privicore-vault org ls`).',
  },
  'directory.forbidden': {
    cli: "Only the organisation's owner or an admin may do that.",
  },
  'directory.name_taken': {
    cli: 'You already have an organisation of that name.',
  },
  'directory.member_not_found': {
    cli: 'That profile is not a member of the organisation (see `privicore-vault org members`).',
  },
  'directory.invitation_not_found': {
    cli: 'No such invitation is waiting for you (see `privicore-vault org invites`).',
  },
  'directory.invitation_closed': {
    cli: 'That invitation was answered already.',
  },
  'directory.profile_not_found': {
    cli: 'No account has that username.',
  },
  'directory.already_member': {
    cli: 'That account is a member of the organisation already.',
  },
  'directory.not_managed': {
    cli: "That member's account was not made by the organisation, so only its owner sets its password.",
  },
  'directory.owner_immutable': {
    cli: "The owner's role cannot change.",
  },
  'auth.token_kind_not_allowed': {
    cli: 'This credential may not do that.',
  },
  'request.too_large': {
    app: 'That is more than the engine accepts in one go. Try fewer or smaller files.',
  },
  'data_token.too_large': {
    app: 'That file is larger than this engine accepts.',
    cli: 'The data is too large for an inline exchange.',
  },
  'qr.invalid': {
    cli: 'That pairing code is used, expired or unknown: show a new one with `privicore-vault qr`.',
  },
};

/**
 * The words for a reason on one surface with its slots filled from `details`; undefined when the
 * surface has no words for it, or a slot has no value (the error then keeps its own words).
 */
export function errorWords(
  reason: string,
  surface: ErrorSurface,
  details: Readonly<Record<string, string>> = {},
): string | undefined {
  const template = Object.hasOwn(REASON_WORDS, reason) ? REASON_WORDS[reason]![surface] : undefined;
  if (template === undefined) return undefined;
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = details[key];
    if (value === undefined) complete = false;
    return value ?? '';
  });
  return complete ? text : undefined;
}

/** Notes for input fields a check refused, by field name, from the limits the checks use. */
export const FIELD_WORDS: Readonly<Record<string, string>> = {
  username: `Use ${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters.`,
  password: `Use at least ${LIMITS.passwordMin} characters.`,
  apiUrl: 'Enter a full address starting with http:// or https://.',
  fileName: `Use 1 to ${LIMITS.fileNameMax} characters.`,
  context: `Folder paths start with "/" and have at most ${LIMITS.contextMax} characters.`,
};
