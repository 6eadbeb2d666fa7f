// Contract §5: an authorization code becomes a grant with an access token (1 h) and a refresh
// token (30 days); a refresh rotates both and the old pair dies at once.
//
// Refresh tokens are rotated with reuse detection (RFC 9700 §4.14.2): presenting a refresh
// token that was already rotated means two parties hold it, so the whole grant ends.

import type { EngineContext } from '../context.ts';
import { equalDigests, hashToken, looksLikeToken, newToken } from '../crypto/tokens.ts';
import { newId } from '../ids.ts';
import type { OAuthApplicationRecord, OAuthGrantRecord } from '../store/oauth-store.ts';
import type { StoreRepos } from '../store/store.ts';
import { invalidToken, issueToken, resolveCaller, type Caller } from './authorization.ts';
import { DomainError } from './domain-error.ts';

/** Contract §1.4 and §5 lifetimes. */
export const ACCESS_TOKEN_TTL_MS = 3600_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;

const invalidGrant = (what: string) =>
  new DomainError(401, 'oauth.invalid_grant', `The ${what} is unknown, expired or already used.`);

export interface IssuedPair {
  clientId: string;
  token: string;
  refreshToken: string;
  scopes: string[];
  expiresAt: number;
  refreshTokenExpiresAt: number;
}

/** Issues an access token and its refresh token for a grant, inside the caller's transaction. */
async function issuePair(
  tx: StoreRepos,
  grant: OAuthGrantRecord,
  clientId: string,
  now: number,
): Promise<IssuedPair> {
  const access = await issueToken(tx, {
    kind: 'oauth',
    profileId: grant.profileId,
    deviceId: null,
    grantId: grant.id,
    ttlMs: ACCESS_TOKEN_TTL_MS,
    now,
  });
  const refreshToken = newToken('R-');
  const refreshTokenExpiresAt = now + REFRESH_TOKEN_TTL_MS;
  await tx.oauthRefreshTokens.insert({
    hash: hashToken(refreshToken),
    grantId: grant.id,
    accessHash: hashToken(access.authorizationToken),
    expiresAt: refreshTokenExpiresAt,
    usedAt: null,
  });
  return {
    clientId,
    token: access.authorizationToken,
    refreshToken,
    scopes: grant.scopes,
    expiresAt: access.expiresAt,
    refreshTokenExpiresAt,
  };
}

/**
 * Contract §5 obtain-access-token. The code is consumed in the same transaction that issues the
 * tokens, so of two concurrent exchanges exactly one gets them.
 */
export async function obtainAccessToken(
  ctx: EngineContext,
  client: OAuthApplicationRecord,
  authorizationCode: string,
): Promise<IssuedPair> {
  if (!looksLikeToken(authorizationCode, 'C-')) throw invalidGrant('authorization code');
  const now = ctx.now();
  return ctx.store.atomic(async (tx) => {
    const request = await tx.oauthRequests.byCodeHash(hashToken(authorizationCode));
    if (
      !request ||
      request.applicationId !== client.id ||
      request.codeExpiresAt === null ||
      request.codeExpiresAt <= now ||
      !(await tx.oauthRequests.consumeCode(request.id, now))
    )
      throw invalidGrant('authorization code');
    const grant: OAuthGrantRecord = {
      id: newId(),
      applicationId: client.id,
      requestId: request.id,
      profileId: request.profileId,
      scopes: request.scopes,
      createdAt: now,
      revokedAt: null,
    };
    await tx.oauthGrants.insert(grant);
    return issuePair(tx, grant, client.clientId, now);
  });
}

/**
 * Contract §5 refresh-access-token: the refresh token must be the one issued with the access
 * token in the header (which may have expired). Both are replaced; the old access token is
 * revoked and its sockets closed.
 */
export async function refreshAccessToken(
  ctx: EngineContext,
  accessToken: string,
  refreshToken: string,
): Promise<IssuedPair> {
  if (!looksLikeToken(refreshToken, 'R-')) throw invalidGrant('refresh token');
  const now = ctx.now();
  const outcome = await ctx.store.atomic(async (tx) => {
    const record = await tx.oauthRefreshTokens.byHash(hashToken(refreshToken));
    if (!record || record.expiresAt <= now) return { error: 'unknown' as const };
    if (!equalDigests(record.accessHash, hashToken(accessToken)))
      return { error: 'unpaired' as const };
    const grant = await tx.oauthGrants.byId(record.grantId);
    const application = grant && (await tx.oauthApplications.byId(grant.applicationId));
    if (!grant || grant.revokedAt !== null || !application || application.revokedAt !== null)
      return { error: 'unknown' as const };
    if (!(await tx.oauthRefreshTokens.markUsed(record.hash, now))) {
      // Rotated before: someone else holds a copy. End the grant for both.
      return { error: 'reused' as const, ended: await endGrant(tx, grant.id, now) };
    }
    await tx.tokens.revoke(record.accessHash, now);
    const pair = await issuePair(tx, grant, application.clientId, now);
    return { pair, oldAccessHash: record.accessHash };
  });
  if ('error' in outcome) {
    if (outcome.error === 'reused') closeSockets(ctx, outcome.ended);
    throw invalidGrant('refresh token');
  }
  ctx.hub.closeToken(outcome.oldAccessHash);
  return outcome.pair;
}

/** Contract §5 retrieve-application-scope: what the access token in the header was granted. */
export async function retrieveScope(
  ctx: EngineContext,
  accessToken: string,
): Promise<{ scope: readonly string[]; clientId: string }> {
  const caller = await resolveCaller(ctx.store, accessToken, ctx.now());
  if (!caller.oauth) throw invalidToken();
  return { scope: caller.oauth.scopes, clientId: caller.oauth.clientId };
}

/**
 * Ends a grant inside the caller's transaction: the grant, its access tokens and (through the
 * grant) its refresh tokens. Returns the access tokens' digests, whose sockets the caller closes
 * once the transaction committed.
 */
export async function endGrant(tx: StoreRepos, grantId: string, now: number): Promise<string[]> {
  await tx.oauthGrants.revoke(grantId, now);
  return tx.tokens.revokeForGrant(grantId, now);
}

export function closeSockets(ctx: EngineContext, tokenHashes: readonly string[]): void {
  for (const hash of tokenHashes) ctx.hub.closeToken(hash);
}

/** An OAuth access token revoking itself ends its whole grant: the refresh token goes too. */
export async function revokeOwnGrant(ctx: EngineContext, caller: Caller): Promise<void> {
  if (!caller.oauth) return;
  const grantId = caller.oauth.grantId;
  closeSockets(ctx, await ctx.store.atomic((tx) => endGrant(tx, grantId, ctx.now())));
}
