import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

type ReachChannels = 'reach:get' | 'reach:setOpen';

export function reachHandlers(app: VaultApp): Pick<HandlerTable, ReachChannels> {
  return {
    'reach:get': async () => app.reachStatus(),
    'reach:setOpen': ({ open }) => app.setReachOpen(open),
  };
}
