import { randomUUID } from 'node:crypto';
import type { Fields, Wire, WireResponse } from './http.ts';
import { awaitStatus, commandId } from './profiles.ts';

/** The wire steps of contract §14's OAuth flow, without the client library in the way. */

export interface RegisteredApp {
  applicationId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string[];
}

export interface TokenPair {
  clientId: string;
  token: string;
  refreshToken: string;
  type: string;
  scope: string;
  expiresAt: string;
  refreshTokenExpiresAt: string;
}

export function basicClient(app: Pick<RegisteredApp, 'clientId' | 'clientSecret'>): string {
  return `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
}

/** POST with an Authorization header (basic-client, basic-access-token). */
export function postBasic(
  api: Wire,
  path: string,
  authorization: string | undefined,
  fields: Fields = {},
): Promise<WireResponse> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) params.append(name, String(value));
  return api.raw(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: params.toString(),
  });
}

export async function registerApp(
  api: Wire,
  token: string,
  options: { name?: string; redirectUri?: string; scopes?: string[] } = {},
): Promise<RegisteredApp> {
  const redirectUri = options.redirectUri ?? 'https://app.example/callback';
  const scopes = options.scopes ?? ['data-token:read'];
  const registered = await api.post(
    '/profile/oauth-application-register',
    { name: options.name ?? 'Reports', redirectUri, scopes },
    token,
  );
  if (registered.status !== 202)
    throw new Error(`register: ${registered.status} ${registered.text}`);
  const applicationId = commandId(registered);
  if ((await awaitStatus(api, applicationId)) !== 'succeeded') throw new Error('register rejected');
  const config = await api.post(
    '/profile/retrieve-oauth-application-configuration',
    { applicationId },
    token,
  );
  if (config.status !== 200) throw new Error(`configuration: ${config.status} ${config.text}`);
  return config.body as RegisteredApp;
}

export function consentPath(clientId: string, nonce: string, scopes: string[]): string {
  const query = new URLSearchParams({ client_id: clientId, nonce });
  for (const scope of scopes) query.append('scope[]', scope);
  return `/profile/oauth-application-request-authorization-code?${query.toString()}`;
}

/** The consenting profile says yes; resolves with the request id once it is at status 2. */
export async function consent(
  api: Wire,
  token: string,
  clientId: string,
  scopes: string[],
  nonce = `n-${randomUUID()}`,
): Promise<{ requestId: string; nonce: string }> {
  const response = await api.get(consentPath(clientId, nonce, scopes), token);
  if (response.status !== 202) throw new Error(`consent: ${response.status} ${response.text}`);
  const requestId = commandId(response);
  if ((await awaitStatus(api, requestId)) !== 'succeeded') throw new Error('consent rejected');
  return { requestId, nonce };
}

export async function retrieveCode(
  api: Wire,
  app: RegisteredApp,
  requestId: string,
  nonce: string,
): Promise<string> {
  const response = await postBasic(
    api,
    '/oauth-application/retrieve-authorization-code',
    basicClient(app),
    { id: requestId, nonce },
  );
  if (response.status !== 200) throw new Error(`code: ${response.status} ${response.text}`);
  return (response.body as { authorizationCode: string }).authorizationCode;
}

export async function exchange(api: Wire, app: RegisteredApp, code: string): Promise<TokenPair> {
  const response = await postBasic(
    api,
    '/oauth-application/obtain-access-token',
    basicClient(app),
    {
      authorization_code: code,
    },
  );
  if (response.status !== 200) throw new Error(`exchange: ${response.status} ${response.text}`);
  return response.body as TokenPair;
}

/** Consent, code and exchange: an access token of the consenting profile with these scopes. */
export async function accessToken(
  api: Wire,
  consentingToken: string,
  app: RegisteredApp,
  scopes: string[],
): Promise<TokenPair> {
  const { requestId, nonce } = await consent(api, consentingToken, app.clientId, scopes);
  return exchange(api, app, await retrieveCode(api, app, requestId, nonce));
}

export function refresh(api: Wire, access: string, refreshToken: string): Promise<WireResponse> {
  return postBasic(api, '/oauth-application/refresh-access-token', `Basic ${access}`, {
    refresh_token: refreshToken,
  });
}
