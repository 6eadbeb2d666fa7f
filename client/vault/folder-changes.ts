// Renaming and moving files and folders, with the rules the list needs to stay readable: one
// folder never holds two files of the same name (unique-name.ts), and a folder is never moved
// into itself or onto a folder that already has files. Folders exist only as the contexts of
// files, so changing a folder changes the context of every file in it and its subfolders.

import { deleteData, updateDataToken } from '../endpoints/data-token.ts';
import { PrivicoreError } from '../privicore-error.ts';
import { filesInFolder, findDataToken, namesInFolder } from './file-catalog.ts';
import { joinFileName } from './file-name.ts';
import { nameKey } from './unique-name.ts';
import type { VaultContext } from './vault-context.ts';

function nameTaken(name: string, folder: string): PrivicoreError {
  return new PrivicoreError({
    status: 0,
    reason: 'data_token.name_taken',
    message: `${folder} already holds a file named ${name}.`,
    details: { name, folder },
  });
}

/** Renames a file; refused when its folder holds another file of the new name. */
export async function renameFile(
  ctx: VaultContext,
  token: string,
  fileName: string,
  extension: string | null | undefined,
): Promise<void> {
  const item = await findDataToken(ctx.http, token);
  const full = joinFileName(fileName, extension === undefined ? item.extension : extension);
  if ((await namesInFolder(ctx.http, item.context, token)).has(nameKey(full)))
    throw nameTaken(full, item.context);
  // The engine keeps the extension apart; '' clears it, absent keeps it.
  await ctx.run(() =>
    updateDataToken(ctx.http, {
      token,
      fileName,
      ...(extension === undefined ? {} : { extension: extension ?? '' }),
    }),
  );
}

/** Moves a file to another folder; refused when that folder holds a file of its name. */
export async function moveFile(ctx: VaultContext, token: string, context: string): Promise<void> {
  const item = await findDataToken(ctx.http, token);
  if (item.context === context) return;
  const full = joinFileName(item.fileName, item.extension);
  if ((await namesInFolder(ctx.http, context)).has(nameKey(full))) throw nameTaken(full, context);
  await ctx.run(() => updateDataToken(ctx.http, { token, context }));
}

/**
 * Moves every file of folder `from` (and its subfolders) under `to`, keeping the tree. The
 * number of files moved.
 */
export async function renameFolder(ctx: VaultContext, from: string, to: string): Promise<number> {
  if (from === '/' || to === from) return 0;
  if (to.startsWith(`${from}/`)) {
    throw new PrivicoreError({
      status: 0,
      reason: 'data_token.folder_inside',
      message: `${from} cannot move into its own subfolder ${to}.`,
      details: { from, to },
    });
  }
  if ((await filesInFolder(ctx.http, to)).length > 0) {
    throw new PrivicoreError({
      status: 0,
      reason: 'data_token.folder_taken',
      message: `${to} already holds files.`,
      details: { folder: to },
    });
  }
  const files = await filesInFolder(ctx.http, from);
  for (const file of files) {
    const context = `${to}${file.context.slice(from.length)}`;
    await ctx.run(() => updateDataToken(ctx.http, { token: file.token, context }));
  }
  return files.length;
}

/** Deletes every file of a folder and its subfolders; the number deleted. */
export async function deleteFolder(ctx: VaultContext, folder: string): Promise<number> {
  if (folder === '/') {
    throw new PrivicoreError({
      status: 0,
      reason: 'data_token.folder_root',
      message: 'All files cannot be deleted as one folder.',
    });
  }
  const files = await filesInFolder(ctx.http, folder);
  for (const file of files) await ctx.run(() => deleteData(ctx.http, { token: file.token }));
  return files.length;
}
