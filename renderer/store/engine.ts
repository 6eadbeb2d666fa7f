import type { StateCreator } from 'zustand';
import type { EngineStatus } from '../../bridge/types.ts';
import { api } from '../api.ts';
import type { AppState } from './app-store.ts';

export interface EngineSlice {
  engineStatus: EngineStatus | null;
  loadEngineStatus(): Promise<void>;
  applyEngineStatus(status: EngineStatus): void;
}

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set, get) => ({
  engineStatus: null,

  loadEngineStatus: async () => {
    try {
      get().applyEngineStatus(await api.engine.status());
    } catch {
      // The status dot just stays grey; the next engine:status event fills it in.
    }
  },

  applyEngineStatus: (status) => {
    const before = get().engineStatus;
    set({ engineStatus: status });
    // Back from unreachable: a list that failed meanwhile gets a second chance on its own.
    if (status.state === 'ready' && before?.state !== 'ready' && get().filesError)
      void get().loadFiles();
  },
});

const STATE_WORDS: Record<EngineStatus['state'], string> = {
  starting: 'Starting',
  ready: 'Connected',
  unreachable: 'Unreachable',
  stopped: 'Stopped',
};

function hostOf(apiUrl: string | null): string {
  try {
    return apiUrl ? new URL(apiUrl).host : 'another address';
  } catch {
    return apiUrl ?? 'another address';
  }
}

export const engineSelectors = {
  status: (s: AppState) => s.engineStatus,
  state: (s: AppState) => s.engineStatus?.state ?? null,
  /** "Embedded engine: Connected" — the words beside the status dot. */
  label: (s: AppState): string => {
    const status = s.engineStatus;
    if (!status) return 'Engine: checking';
    const where =
      status.mode === 'embedded' ? 'Embedded engine' : `Engine at ${hostOf(status.apiUrl)}`;
    return `${where}: ${STATE_WORDS[status.state]}`;
  },
  /** Main's own explanation, when it gave one (e.g. why the engine stopped). */
  message: (s: AppState) => s.engineStatus?.message ?? null,
};
