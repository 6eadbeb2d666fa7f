// Consent to an OAuth application, as the desktop app and the CLI give it (contract §5, §14).
//
// A consent link says who asks, but a link is anyone's to write: every fact shown comes from the
// engine's record of the client id (the describe extension), and the link's redirect_uri must be
// the registered one. After the person's answer the browser goes to the registered redirect URI
// only, and only over https, or plain http to this computer (RFC 8252 §7.3 loopback redirects).
//
// Link: privicore://oauth/authorize?client_id=…&nonce=…&scope[]=…&redirect_uri=…

import { randomUUID } from 'node:crypto';
import {
  describeApplication,
  isOAuthScope,
  requestAuthorizationCode,
  type OAuthApplicationDescription,
  type OAuthScope,
} from './endpoints/oauth.ts';
import { SCOPE_WORDS } from '../bridge/oauth-scopes.ts';
import type { VaultSession } from './session.ts';

/** The longest consent link read; longer ones are refused unread. */
const MAX_LINK_LENGTH = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ConsentLink {
  clientId: string;
  nonce: string;
  scopes: OAuthScope[];
  redirectUri: string;
}

/** A link that cannot be a consent request, with words for the person. */
export class ConsentLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsentLinkError';
  }
}

export { SCOPE_WORDS } from '../bridge/oauth-scopes.ts';

/**
 * Parses and checks a consent link (untrusted input: from a browser, another app, the clipboard).
 * Throws ConsentLinkError saying what is wrong with it.
 */
export function parseConsentLink(link: string): ConsentLink {
  if (typeof link !== 'string' || link.length > MAX_LINK_LENGTH)
    throw new ConsentLinkError('This link is too long to be a Privicore consent link.');
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new ConsentLinkError('This is not a link.');
  }
  // privicore://oauth/authorize: "oauth" is the host of a custom-scheme URL.
  if (url.protocol !== 'privicore:' || url.hostname !== 'oauth' || url.pathname !== '/authorize')
    throw new ConsentLinkError(
      'This is not a Privicore consent link (privicore://oauth/authorize).',
    );
  const params = url.searchParams;
  const single = (name: string): string => {
    const values = params.getAll(name);
    if (values.length !== 1 || values[0] === '')
      throw new ConsentLinkError(`The link needs exactly one ${name}.`);
    return values[0]!;
  };
  const clientId = single('client_id').toLowerCase();
  if (!UUID.test(clientId)) throw new ConsentLinkError('The link’s client_id is not a client id.');
  const nonce = single('nonce');
  if (nonce.length < 8 || nonce.length > 255)
    throw new ConsentLinkError('The link’s nonce must be 8–255 characters.');
  const redirectUri = single('redirect_uri');
  const requested = [...params.getAll('scope[]'), ...params.getAll('scope')].flatMap((value) =>
    value.split(/[\s,]+/).filter((part) => part !== ''),
  );
  if (requested.length === 0) throw new ConsentLinkError('The link asks for no scope.');
  const unknown = requested.filter((scope) => !isOAuthScope(scope));
  if (unknown.length > 0)
    throw new ConsentLinkError(
      `The link asks for scopes that do not exist: ${unknown.join(', ')}.`,
    );
  const scopes = [...new Set(requested)] as OAuthScope[];
  return { clientId, nonce, scopes, redirectUri };
}

/** Builds a consent link (the example application and tests make them). */
export function consentLink(link: ConsentLink): string {
  const query = new URLSearchParams({ client_id: link.clientId, nonce: link.nonce });
  for (const scope of link.scopes) query.append('scope[]', scope);
  query.set('redirect_uri', link.redirectUri);
  return `privicore://oauth/authorize?${query.toString()}`;
}

/** RFC 8252: https anywhere, plain http only to this computer. */
export function isOpenableRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost')
  );
}

/** Contract §5: the grant is the requested scopes within the application's. */
export function grantedScopes(application: readonly string[], requested: readonly OAuthScope[]) {
  const held = application.filter(isOAuthScope);
  if (requested.includes('all')) return held;
  if (held.includes('all')) return [...requested];
  return requested.filter((scope) => held.includes(scope));
}

export type ConsentReview =
  | {
      state: 'ready';
      link: ConsentLink;
      application: OAuthApplicationDescription;
      /** What a yes grants, each with its plain words. */
      scopes: { scope: OAuthScope; words: string }[];
    }
  | {
      state: 'refused';
      /** Why no consent can be given, in words for the person. */
      message: string;
      /** The verified application, when the engine knows it. */
      application: OAuthApplicationDescription | null;
    };

/**
 * Looks a consent request up at the engine: the registered name and redirect URI, and what would
 * be granted. A link names a redirect_uri, which must be the registered one; where this computer
 * opens it afterwards (`opensRedirect`, the desktop app) it must also be one it will open. The
 * CLI names none and opens nothing: the registered one is shown.
 */
export async function reviewConsent(
  session: Pick<VaultSession, 'http'>,
  request: Omit<ConsentLink, 'redirectUri'> & { redirectUri?: string },
  options: { opensRedirect: boolean },
): Promise<ConsentReview> {
  let application: OAuthApplicationDescription;
  try {
    application = await describeApplication(session.http, { clientId: request.clientId });
  } catch (error) {
    if ((error as { reason?: string }).reason === 'oauth.application_not_found')
      return {
        state: 'refused',
        message:
          'No application is registered under this client id (it may have been removed). Nothing was shared.',
        application: null,
      };
    throw error;
  }
  const redirectUri = request.redirectUri ?? application.redirectUri;
  if (redirectUri !== application.redirectUri)
    return {
      state: 'refused',
      message: `The link would send you to ${redirectUri}, but “${application.name}” is registered with ${application.redirectUri}. The link may not come from “${application.name}”; nothing was shared.`,
      application,
    };
  if (options.opensRedirect && !isOpenableRedirect(application.redirectUri))
    return {
      state: 'refused',
      message: `“${application.name}” is registered with ${application.redirectUri}, which this app does not open: only https addresses, or http on this computer.`,
      application,
    };
  const scopes = grantedScopes(application.scopes, request.scopes);
  if (scopes.length === 0)
    return {
      state: 'refused',
      message: `“${application.name}” asks for access it is not registered for. Nothing was shared.`,
      application,
    };
  return {
    state: 'ready',
    link: { ...request, redirectUri },
    application,
    scopes: scopes.map((scope) => ({ scope, words: SCOPE_WORDS[scope] })),
  };
}

/** The person said yes: the engine records the consent; resolves with the request id. */
export async function giveConsent(session: VaultSession, link: ConsentLink): Promise<string> {
  let requestId = '';
  await session.run(async () => {
    const accepted = await requestAuthorizationCode(session.http, link);
    requestId = accepted.commandId;
    return accepted;
  });
  return requestId;
}

/** Where the browser goes after the answer: the registered redirect URI with the outcome. */
export function redirectAfter(
  redirectUri: string,
  outcome: { requestId: string; nonce: string } | { denied: true; nonce: string },
): string {
  const url = new URL(redirectUri);
  if ('denied' in outcome) {
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('nonce', outcome.nonce);
  } else {
    url.searchParams.set('request_id', outcome.requestId);
    url.searchParams.set('nonce', outcome.nonce);
  }
  return url.toString();
}

/** A fresh nonce for a consent link. */
export function newNonce(): string {
  return `n-${randomUUID()}`;
}
