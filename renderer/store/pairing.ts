import type { StateCreator } from 'zustand';
import type { PairingQr } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';

export type JoinStatus = 'idle' | 'joining' | 'joined' | 'error';

export interface PairingSlice {
  /** The code this computer shows for another device to scan. */
  pairingQr: PairingQr | null;
  pairingQrStatus: LoadStatus;
  pairingQrError: PlainError | null;
  joinStatus: JoinStatus;
  joinError: PlainError | null;
  createPairingQr(): Promise<void>;
  closePairingQr(): void;
  /** Joins the vault that showed the code; the window turns signed-in on success. */
  joinWithCode(payload: string, deviceName: string): Promise<boolean>;
  /** The clipboard's picture as a data URL, or null when it holds none. */
  readClipboardImage(): Promise<{ image: string | null } | { error: PlainError }>;
  clearJoinError(): void;
  resetPairing(): void;
}

const initialPairing = {
  pairingQr: null,
  pairingQrStatus: 'idle' as LoadStatus,
  pairingQrError: null,
  joinStatus: 'idle' as JoinStatus,
  joinError: null,
};

export const createPairingSlice: StateCreator<AppState, [], [], PairingSlice> = (set, get) => {
  let qrRequest = 0;
  return {
    ...initialPairing,

    createPairingQr: async () => {
      const mine = ++qrRequest;
      set({ pairingQrStatus: 'loading', pairingQrError: null });
      try {
        const qr = await api.pairing.createQr();
        if (mine !== qrRequest) return;
        set({ pairingQr: qr, pairingQrStatus: 'ready' });
      } catch (error) {
        if (mine !== qrRequest) return;
        set({ pairingQr: null, pairingQrStatus: 'error', pairingQrError: describeError(error) });
      }
    },

    closePairingQr: () => {
      qrRequest += 1;
      set({ pairingQr: null, pairingQrStatus: 'idle', pairingQrError: null });
    },

    joinWithCode: async (payload, deviceName) => {
      if (get().joinStatus === 'joining') return false;
      set({ joinStatus: 'joining', joinError: null });
      try {
        const result = await api.pairing.redeem({
          payload: payload.trim(),
          deviceName: deviceName.trim(),
        });
        set({ joinStatus: 'joined' });
        // The key status first: the workspace opens on it, not on a flash of "missing".
        get().applyKeyStatus(result.keyStatus);
        get().applySession(result.session);
        return true;
      } catch (error) {
        set({ joinStatus: 'error', joinError: describeError(error) });
        return false;
      }
    },

    readClipboardImage: async () => {
      try {
        return { image: await api.pairing.clipboardImage() };
      } catch (error) {
        return { error: describeError(error) };
      }
    },

    clearJoinError: () => set((s) => (s.joinError ? { joinError: null, joinStatus: 'idle' } : {})),

    resetPairing: () => {
      qrRequest += 1;
      set({ ...initialPairing });
    },
  };
};

export const pairingSelectors = {
  qr: (s: AppState) => s.pairingQr,
  qrStatus: (s: AppState) => s.pairingQrStatus,
  qrError: (s: AppState) => s.pairingQrError,
  joinStatus: (s: AppState) => s.joinStatus,
  joinError: (s: AppState) => s.joinError,
};
