import { create } from 'zustand';
import { createStore, type StateCreator } from 'zustand/vanilla';
import { createEngineSlice, type EngineSlice } from './engine.ts';
import { createFilesSlice, type FilesSlice } from './files.ts';
import { createSessionSlice, type SessionSlice } from './session.ts';
import { createTransfersSlice, type TransfersSlice } from './transfers.ts';
import { createUiSlice, type UiSlice } from './ui.ts';

/** The whole renderer state: one store, one slice per area, actions beside their state. */
export type AppState = SessionSlice & EngineSlice & FilesSlice & TransfersSlice & UiSlice;

const createAppState: StateCreator<AppState> = (...args) => ({
  ...createSessionSlice(...args),
  ...createEngineSlice(...args),
  ...createFilesSlice(...args),
  ...createTransfersSlice(...args),
  ...createUiSlice(...args),
});

/** The app's store, as a React hook: `useAppStore(filesSelectors.items)`. */
export const useAppStore = create<AppState>()(createAppState);

/** A fresh store outside React, for tests. */
export function createAppStore() {
  return createStore<AppState>()(createAppState);
}
