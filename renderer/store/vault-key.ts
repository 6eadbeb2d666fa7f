import type { StateCreator } from 'zustand';
import type { KeyStatus } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';

export interface VaultKeySlice {
  /** Whether this computer holds the vault key; null until main answered. */
  keyStatus: KeyStatus | null;
  /** The key arrived while the window watched: say so until dismissed. */
  keyJustArrived: boolean;
  keyRequestBusy: boolean;
  keyRequestError: PlainError | null;
  loadKeyStatus(): Promise<void>;
  applyKeyStatus(status: KeyStatus): void;
  requestAccess(): Promise<void>;
  /** In `compare-code`: whether this computer's code is the one the other screen shows. */
  confirmCode(matches: boolean): Promise<void>;
  dismissKeyArrived(): void;
  resetVaultKey(): void;
}

export const createVaultKeySlice: StateCreator<AppState, [], [], VaultKeySlice> = (set, get) => ({
  keyStatus: null,
  keyJustArrived: false,
  keyRequestBusy: false,
  keyRequestError: null,

  loadKeyStatus: async () => {
    try {
      get().applyKeyStatus(await api.vault.keyStatus());
    } catch {
      // The next vault:keyStatus event fills it in.
    }
  },

  applyKeyStatus: (status) => {
    const before = get().keyStatus;
    const arrived = status.state === 'ready' && before !== null && before.state !== 'ready';
    set((s) => ({
      keyStatus: status,
      keyJustArrived: arrived || (s.keyJustArrived && status.state === 'ready'),
    }));
    if (arrived && get().session?.status === 'signed-in') void get().loadDevices();
  },

  requestAccess: async () => {
    if (get().keyRequestBusy) return;
    set({ keyRequestBusy: true, keyRequestError: null });
    try {
      get().applyKeyStatus(await api.vault.requestAccess());
      set({ keyRequestBusy: false });
    } catch (error) {
      set({ keyRequestBusy: false, keyRequestError: describeError(error) });
    }
  },

  confirmCode: async (matches) => {
    if (get().keyRequestBusy) return;
    set({ keyRequestBusy: true, keyRequestError: null });
    try {
      get().applyKeyStatus(await api.vault.confirmCode({ matches }));
      set({ keyRequestBusy: false });
    } catch (error) {
      set({ keyRequestBusy: false, keyRequestError: describeError(error) });
    }
  },

  dismissKeyArrived: () => set({ keyJustArrived: false }),

  // The status itself comes from main (it sends `missing` on sign-out); only the window's own notes go.
  resetVaultKey: () => set({ keyJustArrived: false, keyRequestBusy: false, keyRequestError: null }),
});

export const vaultKeySelectors = {
  status: (s: AppState) => s.keyStatus,
  state: (s: AppState) => s.keyStatus?.state ?? null,
  notice: (s: AppState) => s.keyStatus?.notice ?? null,
  code: (s: AppState) => s.keyStatus?.code ?? null,
  justArrived: (s: AppState) => s.keyJustArrived,
  requestBusy: (s: AppState) => s.keyRequestBusy,
  requestError: (s: AppState) => s.keyRequestError,
  /** The files can't be opened here: show the banner that says what to do. */
  needsKey: (s: AppState) => s.keyStatus !== null && s.keyStatus.state !== 'ready',
};
