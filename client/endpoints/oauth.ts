// Contract §5: OAuth applications, and this engine's three extensions beside them (describe,
// the consent list and revoking a consent; README "Extensions to the contract").
//
// Two callers use these: a signed-in person (token endpoints, through the session's client) and
// a third-party application (basic-client and basic-access-token endpoints, with no session).

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';

export { isOAuthScope, OAUTH_SCOPES, type OAuthScope } from '../../bridge/oauth-scopes.ts';

export interface OAuthApplication {
  applicationId: string;
  name: string;
  redirectUri: string;
  scopes: string[];
  createdAt: string;
}

export interface OAuthApplicationConfiguration {
  applicationId: string;
  clientId: string;
  /** Shown once: the engine keeps only its digest. */
  clientSecret: string;
  redirectUri: string;
  scopes: string[];
}

/** What the engine registered under a client id (extension `GET /oauth-application/describe`). */
export interface OAuthApplicationDescription {
  clientId: string;
  name: string;
  redirectUri: string;
  scopes: string[];
  createdAt: string;
}

export type ConsentState = 'waiting' | 'active' | 'ended';

/** One consent the profile gave (extension: the consent list). */
export interface OAuthConsent {
  requestId: string;
  clientId: string;
  name: string;
  redirectUri: string;
  scopes: string[];
  consentedAt: string;
  /** The device whose token consented; null for a profile token. */
  deviceIdentifier: string | null;
  state: ConsentState;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AuthorizationCode {
  clientId: string;
  nonce: string;
  authorizationCode: string;
  expiresAt: string;
}

export interface OAuthTokens {
  clientId: string;
  /** The access token (1 h), sent as X-DPT-AUTHORIZATION. */
  token: string;
  refreshToken: string;
  type: 'bearer';
  /** The granted scopes, space-separated. */
  scope: string;
  expiresAt: string;
  refreshTokenExpiresAt: string;
}

/** `Authorization: Basic base64(clientId:clientSecret)` (contract §1.4 basic-client). */
export function basicClientHeader(client: ClientCredentials): string {
  return `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`, 'utf8').toString('base64')}`;
}

/** POST /profile/oauth-application-register: status 2 `{applicationId}` (= the command id). */
export async function registerApplication(
  http: HttpClient,
  input: { name: string; redirectUri: string; scopes: readonly string[] },
): Promise<AcceptedCommand<{ applicationId: string }>> {
  const response = await http.request({
    method: 'POST',
    path: '/profile/oauth-application-register',
    form: input,
  });
  return acceptCommand(response, async (commandId) => ({ applicationId: commandId }));
}

/** POST /profile/retrieve-oauth-application-configuration: once; the only sight of the secret. */
export async function retrieveApplicationConfiguration(
  http: HttpClient,
  input: { applicationId: string },
): Promise<OAuthApplicationConfiguration> {
  return (
    await http.request<OAuthApplicationConfiguration>({
      method: 'POST',
      path: '/profile/retrieve-oauth-application-configuration',
      form: input,
    })
  ).data;
}

/**
 * GET /profile/oauth-application-request-authorization-code: the signed-in person consents. The
 * request id is the command id; the command ends 2 (or 3 `oauth.nonce_reused`).
 */
export async function requestAuthorizationCode(
  http: HttpClient,
  input: { clientId: string; nonce: string; scopes: readonly string[] },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({
      method: 'GET',
      path: '/profile/oauth-application-request-authorization-code',
      query: { client_id: input.clientId, nonce: input.nonce, scope: input.scopes },
    }),
  );
}

/** POST /oauth-application/retrieve-authorization-code (basic-client), once per request. */
export async function retrieveAuthorizationCode(
  http: HttpClient,
  client: ClientCredentials,
  input: { requestId: string; nonce: string },
): Promise<AuthorizationCode> {
  return (
    await http.request<AuthorizationCode>({
      method: 'POST',
      path: '/oauth-application/retrieve-authorization-code',
      auth: 'none',
      headers: { authorization: basicClientHeader(client) },
      form: { id: input.requestId, nonce: input.nonce },
    })
  ).data;
}

/** POST /oauth-application/obtain-access-token (basic-client): the code, single use. */
export async function obtainAccessToken(
  http: HttpClient,
  client: ClientCredentials,
  input: { authorizationCode: string },
): Promise<OAuthTokens> {
  return (
    await http.request<OAuthTokens>({
      method: 'POST',
      path: '/oauth-application/obtain-access-token',
      auth: 'none',
      headers: { authorization: basicClientHeader(client) },
      form: { authorization_code: input.authorizationCode },
    })
  ).data;
}

/** POST /oauth-application/refresh-access-token (basic-access-token): both tokens rotate. */
export async function refreshAccessToken(
  http: HttpClient,
  accessToken: string,
  input: { refreshToken: string },
): Promise<OAuthTokens> {
  return (
    await http.request<OAuthTokens>({
      method: 'POST',
      path: '/oauth-application/refresh-access-token',
      auth: 'none',
      headers: { authorization: `Basic ${accessToken}` },
      form: { refresh_token: input.refreshToken },
    })
  ).data;
}

/** GET /profile/retrieve-oauth-application-list: the applications this profile registered. */
export async function listApplications(
  http: HttpClient,
): Promise<{ items: OAuthApplication[]; meta: { count: number } }> {
  return (
    await http.request<{ items: OAuthApplication[]; meta: { count: number } }>({
      method: 'GET',
      path: '/profile/retrieve-oauth-application-list',
    })
  ).data;
}

/** GET /oauth-application/retrieve-oauth-application-scope (basic-access-token). */
export async function retrieveApplicationScope(
  http: HttpClient,
  accessToken: string,
): Promise<{ scope: string[]; clientId: string }> {
  return (
    await http.request<{ scope: string[]; clientId: string }>({
      method: 'GET',
      path: '/oauth-application/retrieve-oauth-application-scope',
      auth: 'none',
      headers: { authorization: `Basic ${accessToken}` },
    })
  ).data;
}

/** POST /profile/oauth-application-revoke: the application, its codes and tokens end. */
export async function revokeApplication(
  http: HttpClient,
  input: { applicationId: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/profile/oauth-application-revoke', form: input }),
  );
}

/** GET /oauth-application/describe (extension): the registered name behind a client id. */
export async function describeApplication(
  http: HttpClient,
  input: { clientId: string },
): Promise<OAuthApplicationDescription> {
  return (
    await http.request<OAuthApplicationDescription>({
      method: 'GET',
      path: '/oauth-application/describe',
      query: { client_id: input.clientId },
    })
  ).data;
}

/** GET /profile/retrieve-oauth-application-consent-list (extension), newest first. */
export async function listConsents(
  http: HttpClient,
): Promise<{ items: OAuthConsent[]; meta: { count: number } }> {
  return (
    await http.request<{ items: OAuthConsent[]; meta: { count: number } }>({
      method: 'GET',
      path: '/profile/retrieve-oauth-application-consent-list',
    })
  ).data;
}

/** POST /profile/oauth-application-consent-revoke (extension): ends an application's access to this profile. */
export async function revokeConsent(
  http: HttpClient,
  input: { clientId: string },
): Promise<{ revoked: number }> {
  return (
    await http.request<{ revoked: number }>({
      method: 'POST',
      path: '/profile/oauth-application-consent-revoke',
      form: input,
    })
  ).data;
}
