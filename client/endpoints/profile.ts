// Contract §4: profile.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';

export interface IssuedToken {
  authorizationToken: string;
  expiresAt: string;
}

export interface QrToken {
  qrToken: string;
  expiresAt: string;
  /** `privicore://authorize?token=<qrToken>&engine=<apiUrl percent-encoded>` */
  qrPayload: string;
}

export interface RedeemedQr {
  deviceIdentifier: string;
  authorizationToken: string;
  expiresAt: string;
}

/** POST /profile/register-profile (public). Having no token yet, await it with pollCommand. */
export async function registerProfile(
  http: HttpClient,
  input: { username: string; password: string },
): Promise<AcceptedCommand<{ profileId: string }>> {
  const response = await http.request({
    method: 'POST',
    path: '/profile/register-profile',
    auth: 'none',
    form: input,
  });
  // Contract §1.6: the profile id is the command id.
  return acceptCommand(response, async (commandId) => ({ profileId: commandId }));
}

/** POST /profile/authenticate (public): a profile token (8 h). */
export async function authenticate(
  http: HttpClient,
  input: { username: string; password: string },
): Promise<IssuedToken> {
  return (
    await http.request<IssuedToken>({
      method: 'POST',
      path: '/profile/authenticate',
      auth: 'none',
      form: input,
    })
  ).data;
}

/** GET /profile/retrieve-profile-id */
export async function retrieveProfileId(http: HttpClient): Promise<{ profileId: string }> {
  return (
    await http.request<{ profileId: string }>({
      method: 'GET',
      path: '/profile/retrieve-profile-id',
    })
  ).data;
}

/** POST /profile/change-password. Rejects `auth.invalid_credentials`. */
export async function changePassword(
  http: HttpClient,
  input: { currentPassword: string; newPassword: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/profile/change-password', form: input }),
  );
}

/** POST /profile/generate-token-qr: a single-use QR token, valid 5 minutes. */
export async function generateTokenQr(http: HttpClient): Promise<QrToken> {
  return (
    await http.request<QrToken>({ method: 'POST', path: '/profile/generate-token-qr', form: {} })
  ).data;
}

/** POST /profile/redeem-token-qr (public): an approved device of the QR owner, with its device token. */
export async function redeemTokenQr(
  http: HttpClient,
  input: { qrToken: string; deviceName: string; publicKey?: string },
): Promise<RedeemedQr> {
  return (
    await http.request<RedeemedQr>({
      method: 'POST',
      path: '/profile/redeem-token-qr',
      auth: 'none',
      form: input,
    })
  ).data;
}

/** POST /profile/reauthorize-authorization-token: a new token; the old one lives ≤ 60 s more. */
export async function reauthorizeAuthorizationToken(
  http: HttpClient,
  input: { ttl?: number } = {},
): Promise<IssuedToken> {
  return (
    await http.request<IssuedToken>({
      method: 'POST',
      path: '/profile/reauthorize-authorization-token',
      form: input,
    })
  ).data;
}

/** POST /profile/revoke-authorization-token: revokes the token sent, at once. */
export async function revokeAuthorizationToken(http: HttpClient): Promise<{ revoked: boolean }> {
  return (
    await http.request<{ revoked: boolean }>({
      method: 'POST',
      path: '/profile/revoke-authorization-token',
      form: {},
    })
  ).data;
}

/**
 * POST /profile/revoke-other-authorization-tokens (this engine's extension): signs out every
 * other session of the profile; the token sent stays valid.
 */
export async function revokeOtherAuthorizationTokens(
  http: HttpClient,
): Promise<{ revoked: number }> {
  return (
    await http.request<{ revoked: number }>({
      method: 'POST',
      path: '/profile/revoke-other-authorization-tokens',
      form: {},
    })
  ).data;
}

/** POST /profile/authorization-token/expiry */
export async function authorizationTokenExpiry(http: HttpClient): Promise<{ expiresAt: string }> {
  return (
    await http.request<{ expiresAt: string }>({
      method: 'POST',
      path: '/profile/authorization-token/expiry',
      form: {},
    })
  ).data;
}
