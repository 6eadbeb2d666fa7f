import type { StateCreator } from 'zustand';
import type { PairingJoin, PairingQr, PairingStranger } from '../../bridge/types.ts';
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
  /** Devices that proved they joined with this panel's code, waiting for the person's answer. */
  pairingJoins: PairingJoin[];
  createPairingQr(): Promise<void>;
  closePairingQr(): void;
  /** `pairing:joined`: ask the person (the prompt opens at once unless another dialog is up). */
  applyPairingJoin(join: PairingJoin): void;
  /** `pairing:stranger`: say so; nothing was shared. */
  applyPairingStranger(stranger: PairingStranger): void;
  /** Give the device the keys, or turn it away (it is removed). */
  answerPairingJoin(deviceIdentifier: string, give: boolean): Promise<PlainError | null>;
  /** Joins the vault that showed the code; the window turns signed-in on success. */
  joinWithCode(payload: string, deviceName: string): Promise<boolean>;
  /** The clipboard's picture as a data URL, or null when it holds none. */
  readClipboardImage(): Promise<{ image: string | null } | { error: PlainError }>;
  clearJoinError(): void;
  resetPairing(): void;
}

const initialPairing = {
  pairingQr: null,
  pairingJoins: [] as PairingJoin[],
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
      const wasOpen = get().pairingQr !== null || get().pairingQrStatus !== 'idle';
      set({ pairingQr: null, pairingQrStatus: 'idle', pairingQrError: null, pairingJoins: [] });
      // Main forgets the panel's secrets: a code it showed verifies nothing more.
      if (wasOpen) void api.pairing.close().catch(() => undefined);
    },

    applyPairingJoin: (join) => {
      set((s) => ({
        pairingJoins: [
          ...s.pairingJoins.filter((j) => j.deviceIdentifier !== join.deviceIdentifier),
          join,
        ],
      }));
      if (!get().dialog) get().openDialog({ kind: 'pairing-join', join });
    },

    applyPairingStranger: ({ deviceIdentifier, deviceName }) => {
      const name = deviceName?.trim() || 'A device';
      get().notify(
        `${name} joined your vault with a pairing code this computer didn't show, so it got nothing. If that wasn't you, remove it in Devices (${deviceIdentifier.slice(0, 8)}…).`,
        'warning',
      );
      void get().loadDevices();
    },

    answerPairingJoin: async (deviceIdentifier, give) => {
      const join = get().pairingJoins.find((j) => j.deviceIdentifier === deviceIdentifier);
      try {
        await api.pairing.answer({ deviceIdentifier, give });
      } catch (error) {
        return describeError(error);
      }
      const rest = get().pairingJoins.filter((j) => j.deviceIdentifier !== deviceIdentifier);
      set({ pairingJoins: rest });
      const name = join?.deviceName.trim() || 'The device';
      get().notify(
        give
          ? `${name} can now open your files.`
          : `${name} was turned away and removed from your vault.`,
        give ? 'success' : 'info',
      );
      void get().loadDevices();
      // The next device waiting for an answer, if any.
      const next = rest[0];
      if (next) get().openDialog({ kind: 'pairing-join', join: next });
      return null;
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
  joins: (s: AppState) => s.pairingJoins,
  qrStatus: (s: AppState) => s.pairingQrStatus,
  qrError: (s: AppState) => s.pairingQrError,
  joinStatus: (s: AppState) => s.joinStatus,
  joinError: (s: AppState) => s.joinError,
};
