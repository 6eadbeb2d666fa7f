// How safe the vault's files are, from what the contract tells (§9 list-storage-devices): each
// storage device's stored-token count and whether it is online. There is no per-file holder
// list, so a device counts as a full copy only when it is online and holds as many tokens as the
// vault has files — a lower bound on the copies every file has, never an overstatement.

import type { StorageHealth } from '../bridge/types.ts';
import type { StorageDeviceRecord } from './endpoints/storage.ts';

/** Copies wanted online at all times: one disk can fail and another be away while one remains. */
export const WANTED_COPIES = 3;

export function storageHealth(
  devices: readonly Pick<StorageDeviceRecord, 'online' | 'storedTokens'>[],
  files: number,
): StorageHealth {
  const online = devices.filter((device) => device.online);
  const fullCopies = online.filter((device) => device.storedTokens === files).length;
  return {
    files,
    onlineDevices: online.length,
    fullCopies,
    warning: warningFor(files, devices.length, online.length, fullCopies),
  };
}

function warningFor(
  files: number,
  devices: number,
  onlineDevices: number,
  fullCopies: number,
): string | null {
  if (fullCopies >= WANTED_COPIES) return null;
  if (devices === 0) {
    // Nothing to connect again: say what is true and what helps.
    return files === 0
      ? 'This vault has no storage device, so files cannot be stored. Add a folder on this computer as storage.'
      : `This vault has no storage device, so its ${plural(files, 'file', 'files')} cannot be opened and no new file can be stored. Add a storage device.`;
  }
  if (onlineDevices === 0) {
    return files === 0
      ? 'No storage device is online, so new files cannot be stored. Connect one, or add a folder as storage.'
      : 'No storage device is online, so your files cannot be opened right now. Connect one of them again.';
  }
  if (files === 0) {
    return `Only ${plural(onlineDevices, 'storage device is', 'storage devices are')} online. Keep at least ${WANTED_COPIES} online so every file you add is kept in ${WANTED_COPIES} places.`;
  }
  const copies =
    fullCopies === 0
      ? 'No online storage device holds'
      : `Only ${plural(fullCopies, 'online storage device holds', 'online storage devices hold')}`;
  const behind =
    onlineDevices > fullCopies
      ? ' Synchronize the devices that are behind, or connect the ones that are offline.'
      : ' Connect the ones that are offline, or add another.';
  return `${copies} a copy of every file, fewer than the ${WANTED_COPIES} that keep them safe if a disk fails.${behind}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
