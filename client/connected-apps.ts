// The Connected apps screen's reads and writes (contract §5 and this engine's consent
// extensions), with every scope in plain words. The desktop app's handlers are thin calls here.

import type { ConnectedApps, NewAppCredentials, ScopeWords } from '../bridge/types.ts';
import {
  isOAuthScope,
  listApplications,
  listConsents,
  registerApplication,
  retrieveApplicationConfiguration,
} from './endpoints/oauth.ts';
import { SCOPE_WORDS } from './oauth-consent.ts';
import type { VaultSession } from './session.ts';
import type { CommandHold } from './vault/vault-context.ts';

export function scopeWords(scopes: readonly string[]): ScopeWords[] {
  return scopes.map((scope) => ({
    scope,
    words: isOAuthScope(scope) ? SCOPE_WORDS[scope] : scope,
  }));
}

export async function readConnectedApps(session: VaultSession): Promise<ConnectedApps> {
  const [registered, allowed] = await Promise.all([
    listApplications(session.http),
    listConsents(session.http),
  ]);
  return {
    registered: registered.items.map((app) => ({ ...app, scopes: scopeWords(app.scopes) })),
    allowed: allowed.items.map((consent) => ({ ...consent, scopes: scopeWords(consent.scopes) })),
  };
}

/**
 * Registers an application and takes its one look at the client secret. A profile-governance
 * policy may hold the registration for a vote (contract §11); `onHold` reports it.
 */
export async function registerConnectedApp(
  session: VaultSession,
  input: { name: string; redirectUri: string; scopes: readonly string[] },
  options: { onHold?: (hold: CommandHold) => void } = {},
): Promise<NewAppCredentials> {
  const { applicationId } = await session.run(
    () => registerApplication(session.http, input),
    options.onHold ? { onHold: options.onHold } : {},
  );
  const config = await retrieveApplicationConfiguration(session.http, { applicationId });
  return {
    applicationId,
    name: input.name,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    scopes: scopeWords(config.scopes),
  };
}
