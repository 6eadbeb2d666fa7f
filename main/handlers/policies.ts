import type { HandlerTable } from '../../bridge/vault-api.ts';
import { deletePolicy } from '../../client/endpoints/policy.ts';
import {
  createPolicy,
  readPoliciesOverview,
  setPolicyActive,
} from '../../client/governance-overview.ts';
import type { VaultApp } from '../vault-app.ts';

type PolicyChannels = 'policies:get' | 'policies:create' | 'policies:setActive' | 'policies:delete';

export function policyHandlers(app: VaultApp): Pick<HandlerTable, PolicyChannels> {
  return {
    'policies:get': () => readPoliciesOverview(app.session()),
    'policies:create': async (input) => {
      await createPolicy(app.session(), input);
    },
    'policies:setActive': ({ policyId, active }) =>
      setPolicyActive(app.session(), policyId, active),
    'policies:delete': async ({ policyId }) => {
      const session = app.session();
      await session.run(() => deletePolicy(session.http, { policyId }));
    },
  };
}
