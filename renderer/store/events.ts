import { api } from '../api.ts';
import type { AppState } from './app-store.ts';

let unsubscribe: (() => void) | null = null;

/**
 * Subscribes the store to main's events, once for the life of the page: a second call returns
 * the same unsubscribe instead of doubling every progress update.
 */
export function subscribeToBridgeEvents(store: { getState(): AppState }): () => void {
  if (unsubscribe) return unsubscribe;
  const offs = [
    api.on('transfer:progress', (transfer) => store.getState().applyTransferUpdate(transfer)),
    api.on('session:changed', (session) => store.getState().applySession(session)),
    api.on('engine:status', (status) => store.getState().applyEngineStatus(status)),
    api.on('devices:pending', (device) => store.getState().applyPendingDevice(device)),
    api.on('devices:changed', (change) => store.getState().applyDevicesChanged(change)),
    api.on('vault:keyStatus', (status) => store.getState().applyKeyStatus(status)),
    api.on('pairing:joined', (join) => store.getState().applyPairingJoin(join)),
    api.on('pairing:stranger', (stranger) => store.getState().applyPairingStranger(stranger)),
    api.on('app:state', (state) => store.getState().applyAppStatus(state)),
    api.on('consent:requested', (prompt) => store.getState().applyConsentPrompt(prompt)),
    api.on('app:navigate', ({ screen }) => store.getState().navigate(screen)),
    api.on('org:invitation', () => void store.getState().loadOrgOverview()),
    api.on('org:poll', (poll) => store.getState().orgPollChanged(poll)),
    api.on('reach:changed', (status) => store.getState().applyReach(status)),
    api.on('approvals:changed', (state) => store.getState().applyApprovals(state)),
    api.on('votes:held', (operation) => store.getState().applyHeldOperation(operation)),
  ];
  unsubscribe = () => {
    for (const off of offs) off();
    unsubscribe = null;
  };
  return unsubscribe;
}
