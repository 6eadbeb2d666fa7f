// Contract §5: OAuth applications and the consents given to them. Codes, tokens and their
// rotation are in oauth-tokens.ts.
//
// Lifetimes the contract leaves open (README "Extensions to the contract"): a consent waits
// 10 minutes for its application to retrieve the code, and the code is valid 10 minutes from
// then. The client secret does not exist until retrieve-application-configuration makes it, so
// only its digest is ever stored.

import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { equalDigests, hashToken, looksLikeToken, newToken } from '../crypto/tokens.ts';
import { isId, newId } from '../ids.ts';
import type { OAuthApplicationRecord, OAuthRequestRecord } from '../store/oauth-store.ts';
import type { StoreRepos } from '../store/store.ts';
import type { Caller } from './authorization.ts';
import { DomainError, invalid } from './domain-error.ts';
import { grantedScopes, isOAuthScope, type OAuthScope } from './oauth-scopes.ts';
import { closeSockets, endGrant } from './oauth-tokens.ts';
import { perContext } from './per-context.ts';

/** A consent not collected by its application within this long lapses. */
export const REQUEST_TTL_MS = 10 * 60_000;
/** Contract §5: the authorization code is valid 10 minutes. */
export const CODE_TTL_MS = 10 * 60_000;
/** The consent list shows at most this many, newest first. */
const CONSENT_LIST_LIMIT = 200;

export const applicationNotFound = () =>
  new DomainError(404, 'oauth.application_not_found', 'The OAuth application was not found.');
export const invalidClient = () =>
  new DomainError(401, 'auth.invalid_credentials', 'The client id or client secret is wrong.');
const requestNotFound = () =>
  new DomainError(
    404,
    'oauth.request_not_found',
    'No authorization request with that id is waiting for this client (unknown, lapsed or another client’s).',
  );

/**
 * Contract §5 redirectUri: an absolute URI. A fragment is refused as RFC 6749 §3.1.2 says (the
 * redirect target appends its own query), and so are whitespace and control characters, which
 * would let two different URIs look alike on a consent screen.
 */
export function checkRedirectUri(value: string): string {
  if (/[\s\p{Cc}]/u.test(value)) throw invalid('redirectUri', 'must not contain spaces');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('redirectUri', 'must be an absolute URI (scheme included)');
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value))
    throw invalid('redirectUri', 'must be an absolute URI (scheme included)');
  if (url.hash !== '' || value.includes('#'))
    throw invalid('redirectUri', 'must not have a fragment (#…)');
  return value;
}

interface RegisterPayload {
  name: string;
  redirectUri: string;
  scopes: OAuthScope[];
}

/** Contract §5 register, held by any active policy on `oauth.application_registered` (§11). */
function registerApplicationCommand(ctx: EngineContext): CommandSpec<RegisterPayload> {
  return {
    kind: 'oauth.register-application',
    restart: 'rerun',
    // Contract §11 profile-governance: the ballot names the profile and the application.
    gate: {
      async event({ profileId, payload }) {
        const profile = await ctx.store.profiles.byId(profileId!);
        return {
          eventId: 'oauth.application_registered',
          attributes: [
            ...(profile ? [['username', profile.username] as [string, string]] : []),
            ['applicationName', payload.name],
          ],
        };
      },
    },
    async commit(tx, { commandId, profileId, payload, now }) {
      await tx.oauthApplications.insert({
        id: commandId,
        profileId: profileId!,
        clientId: newId(),
        name: payload.name,
        redirectUri: payload.redirectUri,
        scopes: payload.scopes,
        secretHash: null,
        createdAt: now,
        revokedAt: null,
      });
      return { ok: true, result: { applicationId: commandId } };
    },
  };
}

export async function registerApplication(
  ctx: EngineContext,
  caller: Caller,
  input: RegisterPayload,
): Promise<string> {
  return ctx.commands.accept(oauthCommands(ctx).register, caller.profile.id, {
    name: input.name,
    redirectUri: checkRedirectUri(input.redirectUri),
    scopes: input.scopes,
  });
}

/** The caller's own live application, or 404 (another profile's is never revealed). */
async function ownApplication(
  repos: StoreRepos,
  caller: Caller,
  applicationId: string,
): Promise<OAuthApplicationRecord> {
  const application = isId(applicationId)
    ? await repos.oauthApplications.byId(applicationId)
    : undefined;
  if (!application || application.profileId !== caller.profile.id || application.revokedAt !== null)
    throw applicationNotFound();
  return application;
}

/** Any profile's live application by client id, or 404. */
async function applicationByClientId(
  repos: StoreRepos,
  clientId: string,
): Promise<OAuthApplicationRecord> {
  const application = isId(clientId)
    ? await repos.oauthApplications.byClientId(clientId)
    : undefined;
  if (!application || application.revokedAt !== null) throw applicationNotFound();
  return application;
}

/** Contract §5: the configuration with the client secret, once; the secret is made here. */
export async function retrieveConfiguration(
  ctx: EngineContext,
  caller: Caller,
  applicationId: string,
): Promise<{ application: OAuthApplicationRecord; clientSecret: string }> {
  const application = await ownApplication(ctx.store, caller, applicationId);
  const clientSecret = newToken('S-');
  if (!(await ctx.store.oauthApplications.setSecret(application.id, hashToken(clientSecret)))) {
    throw new DomainError(
      422,
      'oauth.already_retrieved',
      'The configuration was already retrieved; the client secret cannot be shown again. Revoke the application and register it anew if it was lost.',
    );
  }
  return { application, clientSecret };
}

export async function listApplications(
  ctx: EngineContext,
  caller: Caller,
): Promise<OAuthApplicationRecord[]> {
  return ctx.store.oauthApplications.listByProfile(caller.profile.id);
}

/** The extension behind every consent screen: what the engine registered under a client id. */
export async function describeApplication(
  ctx: EngineContext,
  clientId: string,
): Promise<OAuthApplicationRecord> {
  return applicationByClientId(ctx.store, clientId);
}

export const oauthCommands = perContext((ctx: EngineContext) => {
  const revoke: CommandSpec<{ applicationId: string }> = {
    kind: 'oauth.revoke-application',
    restart: 'rerun',
    async commit(tx, { profileId, payload, now }) {
      const application = await tx.oauthApplications.byId(payload.applicationId);
      // Already gone (a second revoke raced this one): nothing left to do.
      if (!application || application.profileId !== profileId || application.revokedAt !== null)
        return { ok: true };
      await tx.oauthApplications.revoke(application.id, now);
      await tx.oauthRequests.expireCodes(application.id, null, now);
      const ended = await endGrants(tx, application.id, null, now);
      return { ok: true, after: () => closeSockets(ctx, ended) };
    },
  };
  return {
    register: registerApplicationCommand(ctx),
    revoke,
    consent: requestAuthorizationCodeCommand,
  };
});

export async function revokeApplication(
  ctx: EngineContext,
  caller: Caller,
  applicationId: string,
): Promise<string> {
  const application = await ownApplication(ctx.store, caller, applicationId);
  return ctx.commands.accept(oauthCommands(ctx).revoke, caller.profile.id, {
    applicationId: application.id,
  });
}

/** Ends the live grants of an application (of one consenting profile); returns their tokens. */
async function endGrants(
  tx: StoreRepos,
  applicationId: string,
  profileId: string | null,
  now: number,
): Promise<string[]> {
  const ended: string[] = [];
  for (const grant of await tx.oauthGrants.liveFor(applicationId, profileId))
    ended.push(...(await endGrant(tx, grant.id, now)));
  return ended;
}

interface ConsentPayload {
  applicationId: string;
  deviceId: string | null;
  nonce: string;
  scopes: OAuthScope[];
}

export const requestAuthorizationCodeCommand: CommandSpec<ConsentPayload> = {
  kind: 'oauth.request-authorization-code',
  restart: 'rerun',
  async commit(tx, { commandId, profileId, payload, now }) {
    const application = await tx.oauthApplications.byId(payload.applicationId);
    // Revoked between acceptance and now: the consent has nothing left to go to.
    if (!application || application.revokedAt !== null)
      return { ok: false, reason: 'oauth.application_not_found' };
    if (await tx.oauthRequests.nonceUsed(application.id, payload.nonce))
      return { ok: false, reason: 'oauth.nonce_reused' };
    await tx.oauthRequests.insert({
      id: commandId,
      applicationId: application.id,
      profileId: profileId!,
      deviceId: payload.deviceId,
      nonce: payload.nonce,
      scopes: payload.scopes,
      createdAt: now,
      codeHash: null,
      codeExpiresAt: null,
      codeUsedAt: null,
    });
    return { ok: true };
  },
};

/** Contract §5: the consenting profile says yes; the request id is the command id. */
export async function requestAuthorizationCode(
  ctx: EngineContext,
  caller: Caller,
  input: { clientId: string; nonce: string; scopes: OAuthScope[] },
): Promise<string> {
  const application = await applicationByClientId(ctx.store, input.clientId);
  const scopes = grantedScopes(application.scopes.filter(isOAuthScope), input.scopes);
  if (scopes.length === 0) {
    throw invalid(
      'scope',
      `grants nothing: the application holds only ${application.scopes.join(', ')}`,
    );
  }
  return ctx.commands.accept(requestAuthorizationCodeCommand, caller.profile.id, {
    applicationId: application.id,
    deviceId: caller.device?.id ?? null,
    nonce: input.nonce,
    scopes,
  });
}

/** Contract §5 basic-client: the application behind a client id and secret, or 401. */
export async function authenticateClient(
  repos: StoreRepos,
  clientId: string,
  clientSecret: string,
): Promise<OAuthApplicationRecord> {
  const application = isId(clientId)
    ? await repos.oauthApplications.byClientId(clientId)
    : undefined;
  if (
    !application ||
    application.revokedAt !== null ||
    application.secretHash === null ||
    !looksLikeToken(clientSecret, 'S-') ||
    !equalDigests(application.secretHash, hashToken(clientSecret))
  )
    throw invalidClient();
  return application;
}

/** Contract §5: the application collects the code of a consent, once. */
export async function retrieveAuthorizationCode(
  ctx: EngineContext,
  client: OAuthApplicationRecord,
  input: { id: string; nonce: string },
): Promise<{ request: OAuthRequestRecord; authorizationCode: string; expiresAt: number }> {
  const now = ctx.now();
  const request = isId(input.id) ? await ctx.store.oauthRequests.byId(input.id) : undefined;
  const lapsed =
    request !== undefined &&
    request.codeHash === null &&
    // Never collected in time, or withdrawn (its code ended before it was made).
    (request.createdAt + REQUEST_TTL_MS <= now || request.codeExpiresAt !== null);
  if (!request || request.applicationId !== client.id || lapsed) throw requestNotFound();
  if (!equalDigests(hashToken(request.nonce), hashToken(input.nonce))) {
    throw new DomainError(422, 'oauth.nonce_mismatch', 'The nonce is not the request’s nonce.');
  }
  const authorizationCode = newToken('C-');
  const expiresAt = now + CODE_TTL_MS;
  if (
    !(await ctx.store.oauthRequests.issueCode(request.id, hashToken(authorizationCode), expiresAt))
  )
    throw new DomainError(
      422,
      'oauth.already_retrieved',
      'The authorization code of this request was already retrieved.',
    );
  return { request, authorizationCode, expiresAt };
}

export type ConsentState = 'waiting' | 'active' | 'ended';

export interface Consent {
  request: OAuthRequestRecord;
  application: OAuthApplicationRecord;
  state: ConsentState;
}

/** The consents this profile gave (extension), newest first, with whether each still gives access. */
export async function listConsents(ctx: EngineContext, caller: Caller): Promise<Consent[]> {
  const now = ctx.now();
  const consents: Consent[] = [];
  for (const request of await ctx.store.oauthRequests.listByProfile(
    caller.profile.id,
    CONSENT_LIST_LIMIT,
  )) {
    const application = await ctx.store.oauthApplications.byId(request.applicationId);
    if (!application) continue;
    consents.push({
      request,
      application,
      state: await consentState(ctx.store, request, application, now),
    });
  }
  return consents;
}

async function consentState(
  repos: StoreRepos,
  request: OAuthRequestRecord,
  application: OAuthApplicationRecord,
  now: number,
): Promise<ConsentState> {
  if (application.revokedAt !== null) return 'ended';
  if (request.codeUsedAt === null) {
    const lapses = request.codeExpiresAt ?? request.createdAt + REQUEST_TTL_MS + CODE_TTL_MS;
    return lapses > now ? 'waiting' : 'ended';
  }
  const grant = await repos.oauthGrants.byRequest(request.id);
  if (!grant || grant.revokedAt !== null) return 'ended';
  const accessLive = (await repos.tokens.liveForProfile(request.profileId, now)).some(
    (token) => token.grantId === grant.id,
  );
  return accessLive || (await repos.oauthRefreshTokens.liveForGrant(grant.id, now))
    ? 'active'
    : 'ended';
}

/**
 * A consenting profile takes back an application's access (extension): every grant it gave the
 * application ends (access and refresh tokens, sockets closed) and codes not exchanged yet lapse.
 * The application itself stays; it belongs to whoever registered it.
 */
export async function revokeConsent(
  ctx: EngineContext,
  caller: Caller,
  clientId: string,
): Promise<number> {
  const application = isId(clientId)
    ? await ctx.store.oauthApplications.byClientId(clientId)
    : undefined;
  if (!application) throw applicationNotFound();
  const now = ctx.now();
  const { ended, tokens } = await ctx.store.atomic(async (tx) => {
    const grants = await tx.oauthGrants.liveFor(application.id, caller.profile.id);
    await tx.oauthRequests.expireCodes(application.id, caller.profile.id, now);
    return {
      ended: grants.length,
      tokens: await endGrants(tx, application.id, caller.profile.id, now),
    };
  });
  closeSockets(ctx, tokens);
  return ended;
}
