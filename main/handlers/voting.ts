import type { HandlerTable } from '../../bridge/vault-api.ts';
import {
  readVotingOverview,
  saveVotingConfiguration,
  saveVotingDefaults,
} from '../../client/governance-overview.ts';
import {
  deleteVotingConfiguration,
  registerAuthenticator,
  removeAuthenticator,
} from '../../client/endpoints/verified-authenticator.ts';
import type { VaultApp } from '../vault-app.ts';

type VotingChannels =
  | 'voting:get'
  | 'voting:addAuthenticator'
  | 'voting:removeAuthenticator'
  | 'voting:setDefaults'
  | 'voting:saveConfiguration'
  | 'voting:deleteConfiguration';

export function votingHandlers(app: VaultApp): Pick<HandlerTable, VotingChannels> {
  return {
    'voting:get': () => readVotingOverview(app.session(), app.authenticatorDevice()),
    'voting:addAuthenticator': async ({ deviceIdentifier }) => {
      const session = app.session();
      await session.run(() => registerAuthenticator(session.http, { deviceIdentifier }));
    },
    'voting:removeAuthenticator': async ({ deviceIdentifier }) => {
      // This computer's own authenticator stops voting the way its switch does.
      if (deviceIdentifier === app.authenticatorDevice()) {
        await app.voting().disable();
        return;
      }
      const session = app.session();
      await session.run(() => removeAuthenticator(session.http, { deviceIdentifier }));
    },
    'voting:setDefaults': (change) => saveVotingDefaults(app.session(), change),
    'voting:saveConfiguration': (input) => saveVotingConfiguration(app.session(), input),
    'voting:deleteConfiguration': async ({ votingConfigurationId }) => {
      const session = app.session();
      await session.run(() => deleteVotingConfiguration(session.http, { votingConfigurationId }));
    },
  };
}
