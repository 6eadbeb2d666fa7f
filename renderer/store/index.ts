export { createAppStore, useAppStore, type AppState } from './app-store.ts';
export { subscribeToBridgeEvents } from './events.ts';
export { engineSelectors } from './engine.ts';
export { filesSelectors, PER_PAGE } from './files.ts';
export { sessionSelectors, type AuthMode, type AuthOutcome, type EngineChoice } from './session.ts';
export { transfersSelectors } from './transfers.ts';
export { uiSelectors, type DialogState } from './ui.ts';
