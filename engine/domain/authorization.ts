import { hashToken, newToken } from '../crypto/tokens.ts';
import type { DeviceRecord } from '../store/device-store.ts';
import type { ProfileRecord, StoreRepos, TokenKind, TokenRecord } from '../store/store.ts';
import { DomainError } from './domain-error.ts';

/** Contract §1.4 lifetimes. */
export const PROFILE_TOKEN_TTL_MS = 8 * 3600_000;
export const DEVICE_TOKEN_TTL_MS = 30 * 24 * 3600_000;

/** What an OAuth access token carries: its grant, the application and the granted scopes. */
export interface OAuthAccess {
  grantId: string;
  applicationId: string;
  clientId: string;
  scopes: readonly string[];
}

export interface Caller {
  token: TokenRecord;
  profile: ProfileRecord;
  /** The device a device token identifies (approved, of the profile); null for a profile token. */
  device: DeviceRecord | null;
  /** Set for an OAuth access token: it acts as the consenting profile within these scopes. */
  oauth?: OAuthAccess;
}

export const missingToken = (
  message = 'Send the authorization token in the X-DPT-AUTHORIZATION header.',
) => new DomainError(401, 'auth.missing_token', message);
export const invalidToken = () =>
  new DomainError(
    401,
    'auth.invalid_token',
    'The authorization token is not valid: it is unknown, expired or revoked.',
  );

export function isLive(token: TokenRecord, now: number): boolean {
  return token.revokedAt === null && token.expiresAt > now;
}

/**
 * The caller behind an authorization token, or 401 (contract §1.4). A device token is valid only
 * while its device exists, belongs to the token's profile and is approved: checked here, on every
 * use, so a removal that races an issue (or a record gone any other way) still ends the token.
 */
export async function resolveCaller(
  repos: StoreRepos,
  token: string | undefined,
  now: number,
): Promise<Caller> {
  if (token === undefined || token === '') throw missingToken();
  if (token.length > 200) throw invalidToken();
  const record = await repos.tokens.byHash(hashToken(token));
  if (!record || !isLive(record, now)) throw invalidToken();
  const profile = await repos.profiles.byId(record.profileId);
  if (!profile) throw invalidToken();
  if (record.kind === 'oauth') {
    // Revocation revokes the token rows too; checking the grant and the application on every use
    // keeps a token dead even if a revocation raced its issue.
    const grant = !record.grantId ? undefined : await repos.oauthGrants.byId(record.grantId);
    if (!grant || grant.revokedAt !== null) throw invalidToken();
    const application = await repos.oauthApplications.byId(grant.applicationId);
    if (!application || application.revokedAt !== null) throw invalidToken();
    return {
      token: record,
      profile,
      device: null,
      oauth: {
        grantId: grant.id,
        applicationId: application.id,
        clientId: application.clientId,
        scopes: grant.scopes,
      },
    };
  }
  if (record.kind !== 'device') return { token: record, profile, device: null };
  const device = record.deviceId === null ? undefined : await repos.devices.byId(record.deviceId);
  if (!device || device.profileId !== profile.id || device.status !== 'approved')
    throw invalidToken();
  return { token: record, profile, device };
}

/** Issues an authorization token; only its digest is stored. */
export async function issueToken(
  repos: StoreRepos,
  input: {
    kind: TokenKind;
    profileId: string;
    deviceId: string | null;
    /** A profile other than `profileId` minting a device token (see TokenRecord.issuedBy). */
    issuedBy?: string | null;
    grantId?: string;
    ttlMs: number;
    now: number;
  },
): Promise<{ authorizationToken: string; expiresAt: number }> {
  const authorizationToken = newToken('T-');
  const expiresAt = input.now + input.ttlMs;
  await repos.tokens.insert({
    hash: hashToken(authorizationToken),
    kind: input.kind,
    profileId: input.profileId,
    deviceId: input.deviceId,
    grantId: input.grantId ?? null,
    createdAt: input.now,
    expiresAt,
    revokedAt: null,
    issuedBy: input.issuedBy ?? null,
  });
  return { authorizationToken, expiresAt };
}
