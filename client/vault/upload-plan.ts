// What an upload of some paths means, file by file: a file is stored in the chosen folder; a
// folder is stored as a folder of the same name inside it, keeping its tree; a path that is gone
// or is neither is reported on its own, so one bad path never stops the rest of the batch.
//
// Folders are walked without following links to folders (a link can point at an ancestor and
// loop forever); links to files are stored like files. Operating-system clutter that no person
// put there (.DS_Store, Thumbs.db, desktop.ini) is left out.

import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PrivicoreError } from '../privicore-error.ts';

/** Contract §7: a context is 1–1024 characters. */
const MAX_CONTEXT = 1024;
/** One upload holds at most this many files; the rest are reported, not silently dropped. */
export const MAX_FILES_PER_UPLOAD = 10_000;
const CLUTTER = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

export interface PlannedFile {
  path: string;
  /** The file's name as it is on disk. */
  name: string;
  /** The vault folder it goes into. */
  context: string;
  size: number;
}

export interface UnreadablePath {
  path: string;
  name: string;
  context: string;
  error: PrivicoreError;
}

export interface UploadPlan {
  files: PlannedFile[];
  problems: UnreadablePath[];
}

/** "/" + "tax" → "/tax"; "/a" + "b" → "/a/b". */
export function childContext(context: string, name: string): string {
  return `${context === '/' ? '' : context.replace(/\/+$/, '')}/${name}`;
}

function problem(path: string, context: string, reason: string, message: string): UnreadablePath {
  return {
    path,
    name: basename(path) || path,
    context,
    error: new PrivicoreError({ status: 0, reason, message, details: { path } }),
  };
}

export async function planUploads(paths: readonly string[], context: string): Promise<UploadPlan> {
  const plan: UploadPlan = { files: [], problems: [] };
  let overflow = 0;
  const addFile = (path: string, name: string, into: string, size: number) => {
    if (plan.files.length >= MAX_FILES_PER_UPLOAD) overflow += 1;
    else plan.files.push({ path, name, context: into, size });
  };

  const walk = async (dir: string, into: string): Promise<void> => {
    if (into.length > MAX_CONTEXT) {
      plan.problems.push(
        problem(dir, into, 'client.folder_too_deep', `${dir} is nested too deep to keep its path.`),
      );
      return;
    }
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      plan.problems.push(unreadable(dir, into, error));
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    for (const entry of entries) {
      if (CLUTTER.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path, childContext(into, entry.name));
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const info = await stat(path).catch(() => undefined);
        // A link to a folder is not followed (it may loop); a broken link is reported.
        if (info?.isFile()) addFile(path, entry.name, into, info.size);
        else if (!info) plan.problems.push(unreadable(path, into, { code: 'ENOENT' }));
      }
    }
  };

  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      plan.problems.push(unreadable(path, context, error));
      continue;
    }
    if (info.isDirectory()) await walk(path, childContext(context, basename(path)));
    else if (info.isFile()) addFile(path, basename(path), context, info.size);
    else
      plan.problems.push(
        problem(path, context, 'client.not_a_file', `${path} is not a regular file.`),
      );
  }
  if (overflow > 0) {
    plan.problems.push(
      problem(
        `${overflow} more files`,
        context,
        'client.too_many_files',
        `${overflow} more files were left out: one upload takes at most ${MAX_FILES_PER_UPLOAD}. Add them in another go.`,
      ),
    );
  }
  return plan;
}

function unreadable(path: string, context: string, error: unknown): UnreadablePath {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return problem(path, context, 'client.file_missing', `${path} was not found.`);
  if (code === 'EACCES' || code === 'EPERM')
    return problem(path, context, 'client.permission', `${path} cannot be read.`);
  return problem(
    path,
    context,
    'client.unreadable',
    `${path} cannot be read: ${(error as Error | undefined)?.message ?? 'unknown error'}.`,
  );
}
