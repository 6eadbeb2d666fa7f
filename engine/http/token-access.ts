// Which authorization tokens reach which endpoint: the one table behind every 403
// `auth.token_kind_not_allowed` and `oauth.scope_denied` (route.ts for HTTP, server.ts for the
// channel and the device bus).
//
// The contract (§1.4) lets a device token act as its owner profile everywhere. That makes a
// storage device's 30-day token, which sits in a bundle file on a NAS, a full credential of the
// profile; so this engine goes further (README "Security"): a token reaches what its holder
// needs and nothing more.
//   profile token          every `token` endpoint
//   computer               a device token of a device with no role (a paired computer): acts as
//                          the owner, except that only a profile token shows a pairing code,
//                          changes the password, mints device configurations or registers the
//                          profile key (contract: register-public-key refuses device tokens)
//   storage device         the device bus and its own token (expiry, reauthorize, revoke)
//   authenticator          its own token, the channel (for BALLOT) and cast-vote
//   provisioned device     a device token a directory owner or admin minted for a member's
//                          device (issue 12) while the device has no role: its own token only.
//                          It would otherwise act as the member, and a member's files stay the
//                          member's. Once the device is a storage device or an authenticator its
//                          token reaches what that role reaches; reauthorizing keeps the mark.
// Directory credentials are profile-token business too: create-user sets a new account's
// password and set-profile-password replaces a member's, so a stolen computer token can do
// neither.
//   OAuth access token     the second column below (contract §1.4 scopes): per surface, refused
//                          for its kind, open to any OAuth token, or reached through a scope
//                          (`all` reaches every surface that is not refused).
//
// The OAuth column names a decision for every `token` endpoint of the endpoint table; the module
// refuses to load without one (missingOAuthDecisions), so no endpoint can forget its scope.

import type { Caller } from '../domain/authorization.ts';
import type { OAuthScope } from '../domain/oauth-scopes.ts';
import { endpoints, type Endpoint, type EndpointId } from './endpoints.ts';

export type TokenHolder =
  'profile' | 'computer' | 'storage-device' | 'authenticator' | 'provisioned-device' | 'oauth';

/** What a token can reach besides the HTTP endpoints: the channel's join and the device bus. */
export type Surface = EndpointId | 'websocket.join-channel' | 'device-bus.connect';

/**
 * How an OAuth access token reaches a surface: `refused` for its kind (403
 * auth.token_kind_not_allowed), `own-token` open to any OAuth token, or the scope that grants it
 * (`all` alone when no narrower scope does).
 */
export type OAuthReach = 'refused' | 'own-token' | OAuthScope;

export interface Access {
  readonly holders: ReadonlySet<TokenHolder>;
  readonly oauth: OAuthReach;
}

const ALL: readonly TokenHolder[] = [
  'profile',
  'computer',
  'storage-device',
  'authenticator',
  'provisioned-device',
];
const OWNER: readonly TokenHolder[] = ['profile', 'computer'];

/** Where the default (the owner, by profile or computer token) does not hold. */
const EXCEPTIONS: Partial<Record<Surface, readonly TokenHolder[]>> = {
  // A token's own lifetime is its holder's business, whoever holds it.
  'profile.authorization-token-expiry': ALL,
  'profile.reauthorize-authorization-token': ALL,
  'profile.revoke-authorization-token': ALL,
  // Credentials and the profile key: what a stolen device token must never reach.
  'profile.generate-token-qr': ['profile'],
  'profile.change-password': ['profile'],
  'device.download-device-configuration': ['profile'],
  'public-key.register-public-key': ['profile'],
  'directory.create-user': ['profile'],
  'directory.set-profile-password': ['profile'],
  // Contract §12: only an authenticator's device token votes.
  'voting.cast-vote': ['authenticator'],
  'websocket.join-channel': ['profile', 'computer', 'authenticator'],
  'device-bus.connect': ['storage-device', 'authenticator'],
};

/**
 * The OAuth column (contract §1.4). Refusals beyond the contract's, each because the endpoint
 * would let an application outgrow its consent: minting a device configuration (a 30-day device
 * token acting as the owner), signing the owner out everywhere, and the consent screens' own
 * endpoints (describe, the consent list and its revoke), which serve the consenting person.
 */
const OAUTH_REACH: Readonly<Partial<Record<EndpointId, OAuthReach>>> = {
  'profile.retrieve-profile-id': 'profile:read',
  'profile.change-password': 'refused',
  'profile.generate-token-qr': 'refused',
  'profile.reauthorize-authorization-token': 'refused',
  'profile.revoke-authorization-token': 'own-token',
  'profile.authorization-token-expiry': 'own-token',
  'profile.revoke-other-authorization-tokens': 'refused',
  'oauth.register-application': 'refused',
  'oauth.retrieve-application-configuration': 'refused',
  'oauth.request-authorization-code': 'refused',
  'oauth.list-applications': 'refused',
  'oauth.revoke-application': 'refused',
  'oauth.describe-application': 'refused',
  'oauth.list-consents': 'refused',
  'oauth.revoke-consent': 'refused',
  'public-key.register-public-key': 'refused',
  'public-key.retrieve-public-key': 'profile:read',
  'data-token.reserve-token-space': 'data-token:write',
  'data-token.retrieve-temporary-data-token': 'data-token:write',
  'data-token.exchange-data-for-token': 'data-token:write',
  'data-token.request-data': 'data-token:read',
  'data-token.configure-file-meta': 'data-token:write',
  'data-token.configure-information-security-risk-meta': 'data-token:write',
  'data-token.list-data-tokens': 'data-token:read',
  'data-token.update-data-token': 'data-token:write',
  'data-token.delete-data': 'data-token:write',
  'data-token.transaction-count-statistics': 'data-token:read',
  'device.request-unique-identifier': 'device:write',
  'device.retrieve-unique-identifier': 'device:read',
  'device.retrieve-profile-devices': 'device:read',
  'device.configure-meta': 'device:write',
  'device.approve-device': 'device:write',
  'device.reject-device': 'device:write',
  'device.download-device-configuration': 'refused',
  'device.remove': 'device:write',
  'storage.register': 'storage:write',
  'storage.list-storage-devices': 'storage:read',
  'storage.synchronize': 'storage:write',
  'storage.remove': 'storage:write',
  'verified-authenticator.register': 'all',
  'verified-authenticator.list': 'all',
  'verified-authenticator.retrieve-strategy': 'all',
  'verified-authenticator.set-quorum-size': 'all',
  'verified-authenticator.set-quorum-strategy': 'all',
  'verified-authenticator.set-voting-time-limit': 'all',
  'verified-authenticator.set-maximum-voting-attempts': 'all',
  'verified-authenticator.remove': 'all',
  'verified-authenticator.voting-configuration-register': 'all',
  'verified-authenticator.voting-configuration-update': 'all',
  'verified-authenticator.voting-configuration-list': 'all',
  'verified-authenticator.voting-configuration-retrieve': 'all',
  'verified-authenticator.voting-configuration-delete': 'all',
  'policy.list-policy-templates': 'all',
  'policy.register': 'all',
  'policy.list-active': 'all',
  'policy.list-inactive': 'all',
  'policy.list': 'all',
  'policy.activate': 'all',
  'policy.deactivate': 'all',
  'policy.delete': 'all',
  'policy.retrieve-policy': 'all',
  'voting.create': 'all',
  'voting.check-pool-status': 'all',
  'voting.cancel-pool': 'all',
  // Contract §12: only an authenticator's device token votes.
  'voting.cast-vote': 'refused',
  'directory.register': 'all',
  'directory.retrieve-owned': 'all',
  'directory.retrieve-assigned': 'all',
  'directory.retrieve': 'all',
  'directory.create-user': 'refused',
  'directory.update-user': 'all',
  'directory.invite-profile': 'all',
  'directory.set-profile-password': 'refused',
  'directory.list-invites': 'all',
  'directory.process-invitation': 'all',
  'directory.retrieve-profile': 'all',
  'directory.list-users': 'all',
  'directory.profiles-info': 'all',
  'directory.create-profile-device': 'all',
  'directory.add-storage-device-to-profile': 'all',
  'directory.list-devices': 'all',
  'directory.create-voting-pool': 'all',
  'directory.store-meta': 'all',
};

const SOCKET_OAUTH_REACH: Record<'websocket.join-channel' | 'device-bus.connect', OAuthReach> = {
  // Contract §1.4: joinChannel is open to any OAuth token. Its sockets hear only about the
  // commands their own grant sent (channel/socket-hub.ts).
  'websocket.join-channel': 'own-token',
  'device-bus.connect': 'refused',
};

/**
 * The `token` endpoints of a table that have no OAuth decision. The table's ids are typed, but
 * which of them take a `token` is data, so completeness is checked when this module loads: an
 * engine with an endpoint that forgot its scope refuses to start rather than guess.
 */
export function missingOAuthDecisions(table: readonly Endpoint[] = endpoints): string[] {
  return table
    .filter((e) => e.auth === 'token' && !Object.hasOwn(OAUTH_REACH, e.id))
    .map((e) => e.id);
}

const missing = missingOAuthDecisions();
if (missing.length > 0)
  throw new Error(`token-access.ts: no OAuth decision for ${missing.join(', ')}`);

function oauthReach(surface: Surface): OAuthReach {
  return surface === 'websocket.join-channel' || surface === 'device-bus.connect'
    ? SOCKET_OAUTH_REACH[surface]
    : OAUTH_REACH[surface]!;
}

/** The table: every `token` endpoint of the endpoint table, plus the two socket surfaces. */
export const tokenAccess: ReadonlyMap<Surface, Access> = new Map(
  [
    ...endpoints.filter((e) => e.auth === 'token').map((e) => e.id as Surface),
    'websocket.join-channel' as const,
    'device-bus.connect' as const,
  ].map((surface) => {
    const oauth = oauthReach(surface);
    const holders = new Set<TokenHolder>(EXCEPTIONS[surface] ?? OWNER);
    if (oauth !== 'refused') holders.add('oauth');
    return [surface, { holders, oauth }];
  }),
);

export function tokenHolder(caller: Pick<Caller, 'token' | 'device'>): TokenHolder {
  if (caller.token.kind === 'profile') return 'profile';
  if (caller.token.kind === 'oauth') return 'oauth';
  switch (caller.device?.role ?? null) {
    case 'storage':
      return 'storage-device';
    case 'authenticator':
      return 'authenticator';
    default: {
      const issuedBy = caller.token.issuedBy ?? null;
      return issuedBy !== null && issuedBy !== caller.token.profileId
        ? 'provisioned-device'
        : 'computer';
    }
  }
}

export type AccessVerdict = 'allowed' | 'token-kind' | 'scope';

type AccessCaller = Pick<Caller, 'token' | 'device' | 'oauth'>;

/** Contract §1.5 order: the token's kind first, then an OAuth token's scope. */
export function accessVerdict(caller: AccessCaller, surface: Surface): AccessVerdict {
  const access = tokenAccess.get(surface);
  if (!access || !access.holders.has(tokenHolder(caller))) return 'token-kind';
  if (tokenHolder(caller) !== 'oauth' || access.oauth === 'own-token') return 'allowed';
  const scopes = caller.oauth?.scopes ?? [];
  return scopes.includes('all') || (access.oauth !== 'all' && scopes.includes(access.oauth))
    ? 'allowed'
    : 'scope';
}

export function mayReach(caller: AccessCaller, surface: Surface): boolean {
  return accessVerdict(caller, surface) === 'allowed';
}

const HOLDER_WORDS: Record<TokenHolder, string> = {
  profile: 'profile tokens',
  computer: 'device tokens',
  'storage-device': "a storage device's token",
  authenticator: "an authenticator's token",
  'provisioned-device':
    'the token of a device a directory set up, until the device is a storage device or an authenticator',
  oauth: 'OAuth access tokens',
};

export function notAllowedMessage(
  caller: Pick<Caller, 'token' | 'device'>,
  what = 'This endpoint',
): string {
  return `${what} does not accept ${HOLDER_WORDS[tokenHolder(caller)]}.`;
}

export function scopeDeniedMessage(surface: Surface): string {
  const needed = tokenAccess.get(surface)?.oauth;
  return needed === 'all' || needed === undefined
    ? "This endpoint needs the application's consent to the `all` scope."
    : `This endpoint needs the application's consent to the \`${needed}\` scope (or \`all\`).`;
}
