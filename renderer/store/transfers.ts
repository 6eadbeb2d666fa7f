import type { StateCreator } from 'zustand';
import type { Transfer, UploadStarted } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { summarizeBatch, type BatchSummary } from '../model/batch-summary.ts';
import { describeError } from '../model/describe-error.ts';
import {
  applyTransfer,
  applyTransfers,
  isBatchFinished,
  isTerminal,
  percentDone,
  withHold,
  withoutFinished,
} from '../model/transfer-list.ts';
import type { AppState } from './app-store.ts';
import { memoizeLast } from './memoize-last.ts';

/** While a long batch runs, the file list refreshes at most this often as uploads land. */
const REFRESH_EVERY_MS = 1500;

export interface TransfersSlice {
  transfers: Transfer[];
  /** How many transfers main said each batch started with. */
  batchSizes: Record<string, number>;
  /** Batches already summarised (or finished before this window saw them); later events for them are ignored. */
  closedBatches: Record<string, true>;
  batchSummaries: BatchSummary[];
  transfersCollapsed: boolean;

  loadTransfers(): Promise<void>;
  trackBatch(started: UploadStarted): void;
  applyTransferUpdate(transfer: Transfer): void;
  cancelTransfer(id: string): Promise<void>;
  /** Runs a failed or interrupted transfer again (an upload from its original file). */
  retryTransfer(id: string): Promise<void>;
  /** Shows a finished download in the system's file manager. */
  showInFolder(id: string): Promise<void>;
  dismissSummary(batchId: string): void;
  clearFinished(): void;
  setTransfersCollapsed(collapsed: boolean): void;
  resetTransfers(): void;
}

const initialTransfers = {
  transfers: [] as Transfer[],
  batchSizes: {} as Record<string, number>,
  closedBatches: {} as Record<string, true>,
  batchSummaries: [] as BatchSummary[],
  transfersCollapsed: false,
};

export const createTransfersSlice: StateCreator<AppState, [], [], TransfersSlice> = (set, get) => {
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  /** Main forgets them too, so an interrupted upload is not offered again after a restart. */
  const forget = (gone: readonly Transfer[]): void => {
    if (gone.length === 0) return;
    void Promise.resolve()
      .then(() => api.files.forget({ transferIds: gone.map((t) => t.id) }))
      .catch(() => undefined);
  };

  const refreshFilesSoon = (): void => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      if (get().session?.status !== 'signed-in') return;
      void get().loadFiles();
      void get().loadContexts();
    }, REFRESH_EVERY_MS);
  };

  /** Closes every batch that just finished: one summary each, and a refresh after uploads. */
  const closeFinishedBatches = (batchIds: Iterable<string>): void => {
    const { transfers, batchSizes, closedBatches } = get();
    const summaries: BatchSummary[] = [];
    for (const batchId of new Set(batchIds)) {
      // A batch whose size main hasn't told us yet may still be starting: an early event
      // must not end a batch of five at one.
      const expected = batchSizes[batchId];
      if (
        closedBatches[batchId] ||
        expected === undefined ||
        !isBatchFinished(transfers, batchId, expected)
      )
        continue;
      summaries.push(summarizeBatch(batchId, transfers));
    }
    if (summaries.length === 0) return;
    set((s) => ({
      batchSummaries: [...s.batchSummaries, ...summaries],
      closedBatches: {
        ...s.closedBatches,
        ...Object.fromEntries(summaries.map((x) => [x.batchId, true as const])),
      },
    }));
    if (summaries.some((summary) => summary.kind === 'upload' && summary.done > 0)) {
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
      void get().loadFiles();
      void get().loadContexts();
    }
  };

  return {
    ...initialTransfers,

    loadTransfers: async () => {
      try {
        const current = await api.files.transfers();
        // Batches that ended before this window opened are history, not news.
        const sizes: Record<string, number> = {};
        for (const t of current) sizes[t.batchId] = (sizes[t.batchId] ?? 0) + 1;
        const ended = Object.keys(sizes).filter((id) => isBatchFinished(current, id));
        set((s) => ({
          // Except uploads a sign-out, quit or crash cut off: those wait for Retry or Clear.
          transfers: applyTransfers(
            s.transfers,
            current.filter((t) => !ended.includes(t.batchId) || t.state === 'interrupted'),
          ),
          batchSizes: { ...sizes, ...s.batchSizes },
          closedBatches: {
            ...s.closedBatches,
            ...Object.fromEntries(ended.map((id) => [id, true as const])),
          },
        }));
        closeFinishedBatches(Object.keys(sizes));
      } catch {
        // Nothing to show is the honest fallback; new transfers still arrive as events.
      }
    },

    trackBatch: ({ batchId, transfers }) => {
      set((s) => ({
        transfers: applyTransfers(s.transfers, transfers),
        batchSizes: { ...s.batchSizes, [batchId]: transfers.length },
        transfersCollapsed: false,
      }));
      closeFinishedBatches([batchId]);
    },

    applyTransferUpdate: (transfer) => {
      if (get().closedBatches[transfer.batchId]) {
        // The vote a transfer waited for may end after it did: its outcome still shows.
        set((s) => ({ transfers: withHold(s.transfers, transfer) }));
        return;
      }
      const before = get().transfers.find((t) => t.id === transfer.id);
      set((s) => ({ transfers: applyTransfer(s.transfers, transfer) }));
      const landed =
        transfer.kind === 'upload' && transfer.state === 'done' && before?.state !== 'done';
      if (landed) refreshFilesSoon();
      if (isTerminal(transfer.state)) closeFinishedBatches([transfer.batchId]);
    },

    cancelTransfer: async (id) => {
      try {
        await api.files.cancel({ transferId: id });
      } catch (error) {
        get().notify(`Couldn't cancel. ${describeError(error).message}`, 'error');
      }
    },

    retryTransfer: async (id) => {
      try {
        const started = await api.files.retry({ transferId: id });
        set((s) => ({ transfers: s.transfers.filter((t) => t.id !== id) }));
        get().trackBatch(started);
      } catch (error) {
        const name = get().transfers.find((t) => t.id === id)?.name ?? 'the file';
        get().notify(`Couldn't retry ${name}. ${describeError(error).message}`, 'error');
      }
    },

    showInFolder: async (id) => {
      try {
        await api.files.showInFolder({ transferId: id });
      } catch (error) {
        get().notify(describeError(error).message, 'error');
      }
    },

    dismissSummary: (batchId) => {
      const gone = get().transfers.filter((t) => t.batchId === batchId && isTerminal(t.state));
      set((s) => ({
        batchSummaries: s.batchSummaries.filter((summary) => summary.batchId !== batchId),
        transfers: s.transfers.filter((t) => t.batchId !== batchId || !isTerminal(t.state)),
      }));
      forget(gone);
    },

    clearFinished: () => {
      const kept = withoutFinished(get().transfers);
      const gone = get().transfers.filter((t) => !kept.includes(t));
      set({ transfers: kept, batchSummaries: [] });
      forget(gone);
    },

    setTransfersCollapsed: (collapsed) => set({ transfersCollapsed: collapsed }),

    resetTransfers: () => {
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
      set({ ...initialTransfers });
    },
  };
};

const activeTransfers = memoizeLast((transfers: Transfer[]) =>
  transfers.filter((t) => !isTerminal(t.state)),
);

export const transfersSelectors = {
  transfers: (s: AppState) => s.transfers,
  active: (s: AppState) => activeTransfers(s.transfers),
  activeCount: (s: AppState) => activeTransfers(s.transfers).length,
  summaries: (s: AppState) => s.batchSummaries,
  /** Whether the panel has anything to show. */
  hasAnything: (s: AppState) => s.transfers.length > 0 || s.batchSummaries.length > 0,
  collapsed: (s: AppState) => s.transfersCollapsed,
  /** Bytes-weighted progress of everything still running, 0..100. */
  overallPercent: (s: AppState): number => {
    const active = activeTransfers(s.transfers);
    const total = active.reduce((sum, t) => sum + Math.max(0, t.total), 0);
    if (total === 0) return active.length === 0 ? 100 : 0;
    const bytes = active.reduce((sum, t) => sum + Math.min(t.bytes, t.total), 0);
    return percentDone({ bytes, total, state: 'running' });
  },
};
