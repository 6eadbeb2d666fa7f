import type { StateCreator } from 'zustand';
import type { StorageOverview, StorageSyncResult } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import { deviceLabel } from '../model/device-words.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';
import { memoizeLast } from './memoize-last.ts';

export interface StorageSlice {
  storage: StorageOverview | null;
  storageStatus: LoadStatus;
  storageError: PlainError | null;
  addingStorage: boolean;
  storageBusy: Record<string, 'sync'>;
  syncResults: Record<string, StorageSyncResult>;
  loadStorage(): Promise<void>;
  addLocalStorage(): Promise<void>;
  /** Makes a storage device for another computer; the save dialog asks where its file goes. */
  addRemoteStorage(name: string): Promise<PlainError | null>;
  syncStorage(deviceIdentifier: string): Promise<void>;
  removeStorage(deviceIdentifier: string): Promise<PlainError | null>;
  resetStorage(): void;
}

const initialStorage = {
  storage: null,
  storageStatus: 'idle' as LoadStatus,
  storageError: null,
  addingStorage: false,
  storageBusy: {} as Record<string, 'sync'>,
  syncResults: {} as Record<string, StorageSyncResult>,
};

/** "Copied 3 files; 1 file had no intact copy to take from." */
export function describeSyncResult(result: StorageSyncResult, name: string): string {
  const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
  const copied =
    result.copied === null
      ? `${name} is synchronized.`
      : result.copied === 0
        ? `${name} already had every file.`
        : `Copied ${files(result.copied)} to ${name}.`;
  const missing =
    result.missing && result.missing > 0
      ? ` ${files(result.missing)} had no intact copy online to take from.`
      : '';
  return `${copied}${missing}`;
}

export const createStorageSlice: StateCreator<AppState, [], [], StorageSlice> = (set, get) => {
  let request = 0;

  const nameOf = (id: string) =>
    deviceLabel(get().storage?.devices.find((d) => d.deviceIdentifier === id)?.name ?? '');

  return {
    ...initialStorage,

    loadStorage: async () => {
      const mine = ++request;
      set((s) => ({ storageStatus: s.storage ? s.storageStatus : 'loading' }));
      try {
        const storage = await api.storage.list();
        if (mine !== request) return;
        set({ storage, storageStatus: 'ready', storageError: null });
      } catch (error) {
        if (mine !== request) return;
        set({ storageStatus: 'error', storageError: describeError(error) });
      }
    },

    addLocalStorage: async () => {
      if (get().addingStorage) return;
      set({ addingStorage: true });
      try {
        const added = await api.storage.addLocal();
        if (added) {
          get().notify(
            `${deviceLabel(added.name)} now keeps a copy of new files. Synchronize it to copy the files already stored.`,
            'success',
          );
          void get().loadStorage();
        }
      } catch (error) {
        get().notify(`Couldn't add the folder. ${describeError(error).message}`, 'error');
      } finally {
        set({ addingStorage: false });
      }
    },

    addRemoteStorage: async (name) => {
      try {
        const added = await api.storage.addRemote({ name });
        if (added) {
          get().notify(
            `Saved the configuration of ${deviceLabel(added.name)} to ${added.bundlePath}. Copy it to that computer, keep it private, and run there: ${added.command}`,
            'success',
          );
          void get().loadStorage();
        }
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    syncStorage: async (deviceIdentifier) => {
      if (get().storageBusy[deviceIdentifier]) return;
      const name = nameOf(deviceIdentifier);
      set((s) => ({ storageBusy: { ...s.storageBusy, [deviceIdentifier]: 'sync' } }));
      try {
        const result = await api.storage.sync({ deviceIdentifier });
        set((s) => ({ syncResults: { ...s.syncResults, [deviceIdentifier]: result } }));
        get().notify(describeSyncResult(result, name), result.missing ? 'warning' : 'success');
      } catch (error) {
        get().notify(`Couldn't synchronize ${name}. ${describeError(error).message}`, 'error');
      } finally {
        set((s) => ({
          storageBusy: Object.fromEntries(
            Object.entries(s.storageBusy).filter(([k]) => k !== deviceIdentifier),
          ),
        }));
        void get().loadStorage();
      }
    },

    removeStorage: async (deviceIdentifier) => {
      const name = nameOf(deviceIdentifier);
      try {
        await api.storage.remove({ deviceIdentifier });
        get().notify(`${name} is no longer a storage device.`, 'info');
        void get().loadStorage();
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    resetStorage: () => {
      request += 1;
      set({ ...initialStorage });
    },
  };
};

const sortedDevices = memoizeLast((storage: StorageOverview | null) =>
  [...(storage?.devices ?? [])].sort(
    (a, b) =>
      Number(b.online) - Number(a.online) ||
      a.name.localeCompare(b.name) ||
      a.deviceIdentifier.localeCompare(b.deviceIdentifier),
  ),
);

export const storageSelectors = {
  overview: (s: AppState) => s.storage,
  /** Online devices first, then by name. */
  devices: (s: AppState) => sortedDevices(s.storage),
  health: (s: AppState) => s.storage?.health ?? null,
  status: (s: AppState) => s.storageStatus,
  error: (s: AppState) => s.storageError,
  adding: (s: AppState) => s.addingStorage,
  busy: (deviceIdentifier: string) => (s: AppState) => s.storageBusy[deviceIdentifier] ?? null,
  syncResult: (deviceIdentifier: string) => (s: AppState) =>
    s.syncResults[deviceIdentifier] ?? null,
  /** Whether the engine runs folders on this computer (the built-in engine). */
  canAddLocal: (s: AppState) => s.session?.engine.mode === 'embedded',
  /** Whether other computers reach the engine: a remote one, or the built-in one opened to them. */
  canAddRemote: (s: AppState) =>
    s.session?.engine.mode === 'remote' || (s.reach?.available === true && s.reach.open),
};
