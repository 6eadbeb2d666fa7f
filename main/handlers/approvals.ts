import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

type ApprovalChannels =
  'approvals:get' | 'approvals:vote' | 'approvals:enable' | 'approvals:disable';

export function approvalHandlers(app: VaultApp): Pick<HandlerTable, ApprovalChannels> {
  return {
    'approvals:get': async () => app.voting().state(),
    'approvals:vote': ({ ballotId, vote }) => app.voting().vote(ballotId, vote),
    'approvals:enable': ({ deviceName }) => app.voting().enable(deviceName),
    'approvals:disable': () => app.voting().disable(),
  };
}
