import type { StateCreator } from 'zustand';
import type { ReachStatus } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';

/** "Let my other computers connect": whether the built-in engine answers the local network. */
export interface ReachSlice {
  reach: ReachStatus | null;
  /** The engine is restarting on its new address. */
  reachBusy: boolean;
  reachError: PlainError | null;
  loadReach(): Promise<void>;
  setReachOpen(open: boolean): Promise<void>;
  applyReach(status: ReachStatus): void;
}

export const createReachSlice: StateCreator<AppState, [], [], ReachSlice> = (set, get) => ({
  reach: null,
  reachBusy: false,
  reachError: null,

  loadReach: async () => {
    try {
      set({ reach: await api.reach.get() });
    } catch (error) {
      set({ reachError: describeError(error) });
    }
  },

  setReachOpen: async (open) => {
    if (get().reachBusy) return;
    set({ reachBusy: true, reachError: null });
    try {
      set({ reach: await api.reach.setOpen({ open }), reachBusy: false });
      // The engine's address changed with it.
      void get().loadAccount();
    } catch (error) {
      set({ reachBusy: false, reachError: describeError(error) });
      await get().loadReach();
    }
  },

  applyReach: (status) => set({ reach: status }),
});

export const reachSelectors = {
  status: (s: AppState) => s.reach,
  busy: (s: AppState) => s.reachBusy,
  error: (s: AppState) => s.reachError,
};
