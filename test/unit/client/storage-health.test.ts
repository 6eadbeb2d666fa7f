import { describe, expect, it } from 'vitest';
import { storageHealth } from '../../../client/storage-health.ts';

const device = (online: boolean, storedTokens: number) => ({ online, storedTokens });

describe('storageHealth', () => {
  it('counts online devices holding every file as full copies; three is enough', () => {
    expect(storageHealth([device(true, 5), device(true, 5), device(true, 5)], 5)).toEqual({
      files: 5,
      onlineDevices: 3,
      fullCopies: 3,
      warning: null,
    });
    expect(
      storageHealth([device(true, 5), device(true, 5), device(true, 5), device(true, 2)], 5)
        .warning,
    ).toBeNull();
  });

  it('does not count offline devices or devices that are behind', () => {
    const health = storageHealth(
      [device(true, 5), device(false, 5), device(true, 4), device(true, 5)],
      5,
    );
    expect(health).toMatchObject({ onlineDevices: 3, fullCopies: 2 });
    expect(health.warning).toBe(
      'Only 2 online storage devices hold a copy of every file, fewer than the 3 that keep them safe if a disk fails. Synchronize the devices that are behind, or connect the ones that are offline.',
    );
  });

  it('warns in plain words when copies are short', () => {
    expect(storageHealth([device(true, 1), device(false, 1)], 1).warning).toBe(
      'Only 1 online storage device holds a copy of every file, fewer than the 3 that keep them safe if a disk fails. Connect the ones that are offline, or add another.',
    );
    expect(storageHealth([device(true, 0)], 1).warning).toMatch(
      /^No online storage device holds a copy of every file/,
    );
    expect(storageHealth([device(false, 3)], 3).warning).toBe(
      'No storage device is online, so your files cannot be opened right now. Connect one of them again.',
    );
    expect(storageHealth([device(false, 0)], 0).warning).toBe(
      'No storage device is online, so new files cannot be stored. Connect one, or add a folder as storage.',
    );
    expect(storageHealth([device(true, 0), device(true, 0)], 0).warning).toBe(
      'Only 2 storage devices are online. Keep at least 3 online so every file you add is kept in 3 places.',
    );
  });

  it('says what is true when no storage device is left, never "connect one of them again"', () => {
    expect(storageHealth([], 4).warning).toBe(
      'This vault has no storage device, so its 4 files cannot be opened and no new file can be stored. Add a storage device.',
    );
    expect(storageHealth([], 0).warning).toMatch(/^This vault has no storage device, so files/);
  });
});
