// Which authorization tokens reach which endpoint: the one table behind every 403
// `auth.token_kind_not_allowed` (route.ts for HTTP, server.ts for the channel and the device bus).
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
// An OAuth access token (issue 10) is a fifth holder whose reach the table gives the same way,
// with its scope as a second column.

import type { Caller } from '../domain/authorization.ts';
import { endpoints, type EndpointId } from './endpoints.ts';

export type TokenHolder = 'profile' | 'computer' | 'storage-device' | 'authenticator';

/** What a token can reach besides the HTTP endpoints: the channel's join and the device bus. */
export type Surface = EndpointId | 'websocket.join-channel' | 'device-bus.connect';

export interface Access {
  readonly holders: ReadonlySet<TokenHolder>;
}

const ALL: readonly TokenHolder[] = ['profile', 'computer', 'storage-device', 'authenticator'];
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
  // Contract §12: only an authenticator's device token votes.
  'voting.cast-vote': ['authenticator'],
  'websocket.join-channel': ['profile', 'computer', 'authenticator'],
  'device-bus.connect': ['storage-device', 'authenticator'],
};

/** The table: every `token` endpoint of the endpoint table, plus the two socket surfaces. */
export const tokenAccess: ReadonlyMap<Surface, Access> = new Map(
  [
    ...endpoints.filter((e) => e.auth === 'token').map((e) => e.id as Surface),
    'websocket.join-channel' as const,
    'device-bus.connect' as const,
  ].map((surface) => [surface, { holders: new Set(EXCEPTIONS[surface] ?? OWNER) }]),
);

export function tokenHolder(caller: Pick<Caller, 'token' | 'device'>): TokenHolder {
  if (caller.token.kind === 'profile') return 'profile';
  switch (caller.device?.role ?? null) {
    case 'storage':
      return 'storage-device';
    case 'authenticator':
      return 'authenticator';
    default:
      return 'computer';
  }
}

export function mayReach(caller: Pick<Caller, 'token' | 'device'>, surface: Surface): boolean {
  return tokenAccess.get(surface)?.holders.has(tokenHolder(caller)) ?? false;
}

const HOLDER_WORDS: Record<TokenHolder, string> = {
  profile: 'profile tokens',
  computer: 'device tokens',
  'storage-device': "a storage device's token",
  authenticator: "an authenticator's token",
};

export function notAllowedMessage(
  caller: Pick<Caller, 'token' | 'device'>,
  what = 'This endpoint',
): string {
  return `${what} does not accept ${HOLDER_WORDS[tokenHolder(caller)]}.`;
}
