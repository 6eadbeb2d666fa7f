import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

export function engineHandlers(app: VaultApp): Pick<HandlerTable, 'engine:status'> {
  return {
    'engine:status': async () => app.engineStatus(),
  };
}
