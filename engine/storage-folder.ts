// Whether a folder may become a local storage device of the embedded engine, checked before the
// device is made: a device writes its own key, lock and chunk packs into its folder and, after a
// crash, tidies what it finds under `chunks/`. So its folder must be a folder (or not exist yet,
// and is then made, private), outside the engine's own data folder, and apart from every other
// device's folder: not the same one, not inside one, not holding one. Symbolic links are
// followed, so two names for one place are one place.

import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** The folder cannot be a storage device; the message says why and what to do. */
export class StorageFolderRefused extends Error {
  readonly reason = 'storage.folder_refused';
  constructor(message: string) {
    super(message);
    this.name = 'StorageFolderRefused';
  }
}

export interface FolderInUse {
  name: string;
  dir: string;
}

/** Checks `dir` and makes it (mode 0700) when it does not exist yet. */
export async function prepareStorageFolder(
  dir: string,
  dataDir: string,
  devices: readonly FolderInUse[],
): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new StorageFolderRefused(`${dir} is inside a file.`);
    throw error;
  });
  if (info && !info.isDirectory()) throw new StorageFolderRefused(`${dir} is not a folder.`);
  const place = await realPlace(dir);
  const data = await realPlace(dataDir);
  if (within(place, data))
    throw new StorageFolderRefused(
      `${dir} is inside the vault's own data folder (${dataDir}); choose a folder outside it.`,
    );
  for (const device of devices) {
    const other = await realPlace(device.dir);
    const problem =
      place === other
        ? `is already the folder of storage device "${device.name}"`
        : within(place, other)
          ? `is inside the folder of storage device "${device.name}" (${device.dir})`
          : within(other, place)
            ? `holds the folder of storage device "${device.name}" (${device.dir})`
            : undefined;
    if (problem)
      throw new StorageFolderRefused(`${dir} ${problem}; each device needs a folder of its own.`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** The real path of `dir`, through its nearest existing parent when it does not exist yet. */
async function realPlace(dir: string): Promise<string> {
  const absolute = resolve(dir);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(await realPlace(parent), basename(absolute));
  }
}

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}
