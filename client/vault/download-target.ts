// Where a download may be written, checked before the engine is asked for anything and again
// when the write fails: a folder that is gone, a folder where the file should go, a folder this
// process may not write in. The decryption writes to a hidden `.partial` file beside the target
// (gcm-stream.ts); people never chose that name, so no message mentions it: failures name the
// folder or the target instead. A recovery kit is renamed into place too, and checked by the
// same checkFileTarget.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PrivicoreError } from '../privicore-error.ts';

function targetError(reason: string, target: string, message: string, cause?: unknown) {
  return new PrivicoreError({
    status: 0,
    reason,
    message,
    details: { target: basename(target), folder: dirname(target) },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Throws a worded error when a file written beside `target` and renamed over it cannot go there:
 * its folder is missing, or `target` is a folder, or something other than a regular file (over
 * /dev/null or a named pipe the rename would put a plain file in its place, as root for
 * everyone). `words` end the two sentences about the target, naming what is being written.
 */
export async function checkFileTarget(
  target: string,
  words: { isFolder: string; notFile: string },
): Promise<void> {
  const folder = dirname(target);
  const folderInfo = await stat(folder).catch(() => undefined);
  if (!folderInfo?.isDirectory()) {
    throw targetError('client.target_folder_missing', target, `The folder ${folder} is missing.`);
  }
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw targetError('client.target_is_folder', target, `${target} is a folder${words.isFolder}`);
  }
  if (existing && !existing.isFile()) {
    throw targetError(
      'client.target_not_file',
      target,
      `${target} is not a regular file (a device or a pipe); ${words.notFile}`,
    );
  }
}

/** Throws a worded error when `target` cannot take the download. */
export async function checkDownloadTarget(target: string): Promise<void> {
  await checkFileTarget(target, {
    isFolder: '.',
    notFile:
      'a download only replaces a file (to write into it, stream the file out instead, e.g. `privicore-vault cat`).',
  });
  const folder = dirname(target);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw targetError('client.target_not_writable', target, `${folder} is not writable.`, error);
  }
}

/** A file-system failure while writing the download, in terms of the target; others as they are. */
export function downloadWriteError(error: unknown, target: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return targetError('client.target_folder_missing', target, 'The folder went away.', error);
    case 'EISDIR':
      return targetError('client.target_is_folder', target, `${target} is a folder.`, error);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return targetError('client.target_not_writable', target, 'Not writable.', error);
    case 'ENOSPC':
      return new PrivicoreError({
        status: 0,
        reason: 'client.disk_full',
        message: 'The disk is full.',
        cause: error,
      });
    default:
      return error;
  }
}
