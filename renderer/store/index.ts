export { createAppStore, useAppStore, type AppState } from './app-store.ts';
export { subscribeToBridgeEvents } from './events.ts';
export { accountSelectors, type AccountMessage } from './account.ts';
export { approvalsSelectors } from './approvals.ts';
export { appsSelectors } from './apps.ts';
export { governanceSelectors } from './governance.ts';
export { holdsSelectors } from './holds.ts';
export { devicesSelectors } from './devices.ts';
export { engineSelectors } from './engine.ts';
export { filesSelectors, PER_PAGE, type BulkOutcome, type SelectMode } from './files.ts';
export { navigationSelectors, SCREENS, type OnboardingView, type Screen } from './navigation.ts';
export { organisationSelectors } from './organisation.ts';
export { pairingSelectors, type JoinStatus } from './pairing.ts';
export { reachSelectors } from './reach.ts';
export {
  sessionSelectors,
  type AuthMode,
  type AuthOutcome,
  type EngineChoice,
  type EngineTrustQuestion,
} from './session.ts';
export { describeSyncResult, storageSelectors } from './storage.ts';
export { transfersSelectors } from './transfers.ts';
export { uiSelectors, type DialogState } from './ui.ts';
export { vaultKeySelectors } from './vault-key.ts';
