import { create } from 'zustand';
import { createStore, type StateCreator } from 'zustand/vanilla';
import { createAccountSlice, type AccountSlice } from './account.ts';
import { createAppsSlice, type AppsSlice } from './apps.ts';
import { createApprovalsSlice, type ApprovalsSlice } from './approvals.ts';
import { createDevicesSlice, type DevicesSlice } from './devices.ts';
import { createEngineSlice, type EngineSlice } from './engine.ts';
import { createFilesSlice, type FilesSlice } from './files.ts';
import { createGovernanceSlice, type GovernanceSlice } from './governance.ts';
import { createHoldsSlice, type HoldsSlice } from './holds.ts';
import { createNavigationSlice, type NavigationSlice } from './navigation.ts';
import { createOrganisationSlice, type OrganisationSlice } from './organisation.ts';
import { createPairingSlice, type PairingSlice } from './pairing.ts';
import { createReachSlice, type ReachSlice } from './reach.ts';
import { createSessionSlice, type SessionSlice } from './session.ts';
import { createStorageSlice, type StorageSlice } from './storage.ts';
import { createTransfersSlice, type TransfersSlice } from './transfers.ts';
import { createUiSlice, type UiSlice } from './ui.ts';
import { createVaultKeySlice, type VaultKeySlice } from './vault-key.ts';

/** The whole renderer state: one store, one slice per area, actions beside their state. */
export type AppState = SessionSlice &
  AppsSlice &
  EngineSlice &
  FilesSlice &
  TransfersSlice &
  UiSlice &
  NavigationSlice &
  DevicesSlice &
  PairingSlice &
  VaultKeySlice &
  StorageSlice &
  AccountSlice &
  ReachSlice &
  ApprovalsSlice &
  GovernanceSlice &
  HoldsSlice &
  OrganisationSlice;

const createAppState: StateCreator<AppState> = (...args) => ({
  ...createSessionSlice(...args),
  ...createAppsSlice(...args),
  ...createEngineSlice(...args),
  ...createFilesSlice(...args),
  ...createTransfersSlice(...args),
  ...createUiSlice(...args),
  ...createNavigationSlice(...args),
  ...createDevicesSlice(...args),
  ...createPairingSlice(...args),
  ...createVaultKeySlice(...args),
  ...createStorageSlice(...args),
  ...createAccountSlice(...args),
  ...createReachSlice(...args),
  ...createApprovalsSlice(...args),
  ...createGovernanceSlice(...args),
  ...createHoldsSlice(...args),
  ...createOrganisationSlice(...args),
});

/** The app's store, as a React hook: `useAppStore(filesSelectors.items)`. */
export const useAppStore = create<AppState>()(createAppState);

/** A fresh store outside React, for tests. */
export function createAppStore() {
  return createStore<AppState>()(createAppState);
}
