import type { StateCreator } from 'zustand';
import type { ApprovalsState } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';

/** The Approvals inbox: ballots addressed to this computer, and the switch that makes it vote. */
export interface ApprovalsSlice {
  approvals: ApprovalsState | null;
  approvalsStatus: LoadStatus;
  approvalsError: PlainError | null;
  /** The vote under way per ballot. */
  ballotBusy: Record<string, 'yes' | 'no'>;
  /** Making this computer an authenticator (or undoing it) is under way. */
  authenticatorBusy: boolean;
  loadApprovals(): Promise<void>;
  applyApprovals(state: ApprovalsState): void;
  castVote(ballotId: string, vote: 'yes' | 'no'): Promise<void>;
  enableAuthenticator(deviceName: string): Promise<PlainError | null>;
  disableAuthenticator(): Promise<PlainError | null>;
  resetApprovals(): void;
}

const initial = {
  approvals: null,
  approvalsStatus: 'idle' as LoadStatus,
  approvalsError: null,
  ballotBusy: {} as Record<string, 'yes' | 'no'>,
  authenticatorBusy: false,
};

export const createApprovalsSlice: StateCreator<AppState, [], [], ApprovalsSlice> = (set, get) => ({
  ...initial,

  loadApprovals: async () => {
    set((s) => ({ approvalsStatus: s.approvals ? 'ready' : 'loading' }));
    try {
      set({ approvals: await api.approvals.get(), approvalsStatus: 'ready', approvalsError: null });
    } catch (error) {
      set({ approvalsStatus: 'error', approvalsError: describeError(error) });
    }
  },

  applyApprovals: (state) => set({ approvals: state, approvalsStatus: 'ready' }),

  castVote: async (ballotId, vote) => {
    if (get().ballotBusy[ballotId]) return;
    set((s) => ({ ballotBusy: { ...s.ballotBusy, [ballotId]: vote } }));
    try {
      get().applyApprovals(await api.approvals.vote({ ballotId, vote }));
      get().notify(vote === 'yes' ? 'You approved it.' : 'You rejected it.', 'success');
    } catch (error) {
      get().notify(`Your vote was not counted. ${describeError(error).message}`, 'error');
      void get().loadApprovals();
    } finally {
      set((s) => ({
        ballotBusy: Object.fromEntries(
          Object.entries(s.ballotBusy).filter(([k]) => k !== ballotId),
        ),
      }));
    }
  },

  enableAuthenticator: async (deviceName) => {
    set({ authenticatorBusy: true });
    try {
      get().applyApprovals(await api.approvals.enable({ deviceName }));
      get().notify('This computer now votes on operations your policies hold.', 'success');
      return null;
    } catch (error) {
      return describeError(error);
    } finally {
      set({ authenticatorBusy: false });
    }
  },

  disableAuthenticator: async () => {
    set({ authenticatorBusy: true });
    try {
      get().applyApprovals(await api.approvals.disable());
      get().notify('This computer no longer votes.', 'info');
      return null;
    } catch (error) {
      return describeError(error);
    } finally {
      set({ authenticatorBusy: false });
    }
  },

  resetApprovals: () => set({ ...initial }),
});

export const approvalsSelectors = {
  state: (s: AppState) => s.approvals,
  status: (s: AppState) => s.approvalsStatus,
  error: (s: AppState) => s.approvalsError,
  open: (s: AppState) => s.approvals?.open ?? EMPTY_OPEN,
  history: (s: AppState) => s.approvals?.history ?? EMPTY_HISTORY,
  enabled: (s: AppState) => s.approvals?.enabled ?? false,
  busy: (ballotId: string) => (s: AppState) => s.ballotBusy[ballotId] ?? null,
  authenticatorBusy: (s: AppState) => s.authenticatorBusy,
};

const EMPTY_OPEN: ApprovalsState['open'] = [];
const EMPTY_HISTORY: ApprovalsState['history'] = [];
