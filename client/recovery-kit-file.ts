// The recovery kit as a file on disk (the format is crypto/recovery-kit.ts): writing one from the
// keys this machine holds, and restoring the keys from one. Both programs need these rules: a kit
// is complete or not written, it is private to the user (0600), and a kit for another profile
// is never imported over the signed-in one.

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  createRecoveryKit,
  openRecoveryKit,
  RecoveryKitError,
  type RecoveryKitContents,
} from './crypto/recovery-kit.ts';
import { PrivicoreError } from './privicore-error.ts';
import { loadProfileSecrets, saveProfileSecrets } from './secrets/profile-secrets.ts';
import { checkFileTarget } from './vault/download-target.ts';
import type { SecretStore } from './secrets/secret-store.ts';

/** A file name for the kit that says whose it is and holds no path characters. */
export function recoveryKitFileName(username: string | null, profileId: string): string {
  const who = (username ?? profileId.slice(0, 8)).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64);
  return `privicore-recovery-kit-${who}.json`;
}

/**
 * Writes the kit for the profile's keys to `file`. An existing file is replaced only with
 * `replace` (the user confirmed it in a save dialog); otherwise it is left alone and refused.
 */
export async function exportRecoveryKit(
  secrets: SecretStore,
  profile: { profileId: string; username: string | null },
  passphrase: string,
  file: string,
  options: { replace: boolean },
): Promise<void> {
  const held = await loadProfileSecrets(secrets, profile.profileId);
  if (!held.dataKey || !held.privateKey) {
    throw new PrivicoreError({
      status: 0,
      reason: 'recovery.incomplete_keys',
      message: !held.dataKey
        ? "This computer doesn't hold the vault key, so there is nothing to put in a recovery kit. Make the kit on a computer that opens your files."
        : "This computer holds the vault key but not the account's private key, so its kit would be incomplete. Make the kit on the computer where the account was created, or where a kit was imported.",
    });
  }
  let text: string;
  try {
    text = await createRecoveryKit(
      {
        profileId: profile.profileId,
        username: profile.username ?? profile.profileId,
        dataKey: held.dataKey,
        privateKey: held.privateKey,
      },
      passphrase,
    );
  } catch (error) {
    throw plainKitError(error);
  }
  // The kit is renamed into place, as a download is: the same rules for what it may replace.
  await checkFileTarget(file, {
    isFolder: '; give the recovery kit a file name.',
    notFile: 'a recovery kit only replaces a file.',
  });
  // Written beside the target and renamed into place, so a failure never leaves half a kit
  // where a good one was. The temporary name is random and opened exclusively (O_EXCL): a
  // name someone could guess and plant a link at would let them redirect the kit.
  const temporary = join(
    dirname(file),
    `.${basename(file)}.${randomBytes(12).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link() refuses an existing target, atomically; rename() replaces it.
    if (options.replace) await rename(temporary, file);
    else await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PrivicoreError({
        status: 0,
        reason: 'recovery.target_exists',
        message: `There is a file at ${file} already. Choose another name for the recovery kit.`,
      });
    }
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Opens the kit in `file` and keeps its keys for the signed-in profile. A kit of another
 * profile is refused: its keys would not open this profile's files.
 */
export async function importRecoveryKit(
  secrets: SecretStore,
  file: string,
  passphrase: string,
  profileId: string,
): Promise<RecoveryKitContents> {
  const text = await readKitFile(file);
  let kit: RecoveryKitContents;
  try {
    kit = await openRecoveryKit(text, passphrase);
  } catch (error) {
    throw plainKitError(error);
  }
  if (kit.profileId !== profileId) {
    throw new PrivicoreError({
      status: 0,
      reason: 'recovery.other_profile',
      message: `This recovery kit belongs to another account (${kit.username}). Sign in as ${kit.username} to use it.`,
    });
  }
  await saveProfileSecrets(secrets, profileId, {
    dataKey: kit.dataKey,
    privateKey: kit.privateKey,
  });
  return kit;
}

/** A kit is a few hundred bytes; a file far larger is not one (and /dev/zero never ends). */
const MAX_KIT_BYTES = 64 * 1024;

/**
 * The text of the kit file at `file`: a regular file of at most 64 KiB, else a plain refusal
 * (a folder, a device or a pipe is never read; a huge file is not read into memory).
 */
export async function readKitFile(file: string): Promise<string> {
  const notAKit = (why: string) =>
    new PrivicoreError({ status: 0, reason: 'recovery.not_a_kit', message: `${file} ${why}` });
  // O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer, forever.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw notAKit('is a folder, not a recovery kit.');
    if (!info.isFile()) throw notAKit('is not a file, so not a recovery kit.');
    if (info.size > MAX_KIT_BYTES)
      throw notAKit(`is ${info.size} bytes; a recovery kit is a few hundred.`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function plainKitError(error: unknown): unknown {
  if (!(error instanceof RecoveryKitError)) return error;
  const words: Record<RecoveryKitError['code'], [string, string]> = {
    ERR_RECOVERY_KIT_PASSPHRASE: [
      'recovery.wrong_passphrase',
      "That passphrase doesn't open this recovery kit. Check it and try again (if it is right, the file is damaged).",
    ],
    ERR_RECOVERY_KIT_PASSPHRASE_SHORT: ['recovery.passphrase_short', error.message],
    ERR_RECOVERY_KIT_FORMAT: [
      'recovery.not_a_kit',
      `That file is not a recovery kit this app can open: ${error.message}`,
    ],
  };
  const [reason, message] = words[error.code];
  return new PrivicoreError({ status: 0, reason, message, cause: error });
}
