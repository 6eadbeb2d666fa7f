import type { HandlerTable } from '../../bridge/vault-api.ts';
import { readConnectedApps, registerConnectedApp } from '../../client/connected-apps.ts';
import { revokeApplication, revokeConsent } from '../../client/endpoints/oauth.ts';
import type { VaultApp } from '../vault-app.ts';

type AppsChannels =
  | 'apps:list'
  | 'apps:register'
  | 'apps:revoke'
  | 'apps:revokeAccess'
  | 'consent:pending'
  | 'consent:answer';

export function appsHandlers(app: VaultApp): Pick<HandlerTable, AppsChannels> {
  return {
    'apps:list': () => readConnectedApps(app.session()),
    'apps:register': (input) =>
      registerConnectedApp(app.session(), input, {
        // A profile policy may hold the registration for a vote; the screen shows the wait.
        onHold: app.holds().tracker('other', null, `Registering ${input.name}`),
      }),
    'apps:revoke': async ({ applicationId }) => {
      const session = app.session();
      await session.run(() => revokeApplication(session.http, { applicationId }));
    },
    'apps:revokeAccess': ({ clientId }) => revokeConsent(app.session().http, { clientId }),
    'consent:pending': async () => app.consents.list(),
    'consent:answer': ({ id, allow }) => app.consents.answer(id, allow),
  };
}
