import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

export function appHandlers(
  app: VaultApp,
): Pick<HandlerTable, 'app:state' | 'app:setTransfersPaused'> {
  return {
    'app:state': async () => app.appState(),
    'app:setTransfersPaused': async ({ paused }) => app.setTransfersPaused(paused),
  };
}
