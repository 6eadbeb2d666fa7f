import type { EngineContext } from '../context.ts';
import { hashToken, looksLikeToken } from '../crypto/tokens.ts';
import { isoSeconds } from '../time.ts';
import { DEVICE_TOKEN_TTL_MS, issueToken } from './authorization.ts';
import { deviceKeys } from './device.ts';
import { DomainError } from './domain-error.ts';

const qrInvalid = () =>
  new DomainError(
    401,
    'qr.invalid',
    'The QR token is not valid: it is unknown, expired or already used.',
  );

/**
 * Contract §4 redeem-token-qr: consumes the QR token (single use, under concurrency too) and,
 * in the same transaction, creates an approved device of the QR owner's profile with no role
 * and a device token for it. The owner's sockets get DEVICE-PAIRED.
 */
export async function redeemQrToken(
  ctx: EngineContext,
  qrToken: string,
  deviceName: string,
  publicKey: string | undefined,
): Promise<{ deviceIdentifier: string; authorizationToken: string; expiresAt: number }> {
  if (!looksLikeToken(qrToken, 'Q-')) throw qrInvalid();
  // The key is checked (422) before the QR token is spent.
  const keys = deviceKeys(ctx, publicKey);
  const hash = hashToken(qrToken);
  const now = ctx.now();
  const paired = await ctx.store.atomic(async (tx) => {
    const qr = await tx.qrTokens.byHash(hash);
    if (!qr || qr.usedAt !== null || qr.expiresAt <= now || !(await tx.qrTokens.consume(hash, now)))
      return undefined;
    if (!(await tx.profiles.byId(qr.profileId))) return undefined;
    await tx.devices.insert({
      id: keys.deviceId,
      profileId: qr.profileId,
      requestCommandId: null,
      name: deviceName,
      status: 'approved',
      role: null,
      publicKey: keys.publicKey,
      privateKeySealed: keys.privateKeySealed,
      meta: {},
      createdAt: now,
      approvedAt: now,
      storageSince: null,
      authenticatorSince: null,
      lastSeenAt: null,
    });
    const issued = await issueToken(tx, {
      kind: 'device',
      profileId: qr.profileId,
      deviceId: keys.deviceId,
      ttlMs: DEVICE_TOKEN_TTL_MS,
      now,
    });
    return { profileId: qr.profileId, ...issued };
  });
  if (!paired) throw qrInvalid();
  ctx.hub.publish(
    { profileId: paired.profileId },
    { type: 'DEVICE-PAIRED', id: keys.deviceId, body: { deviceName, pairedAt: isoSeconds(now) } },
  );
  return {
    deviceIdentifier: keys.deviceId,
    authorizationToken: paired.authorizationToken,
    expiresAt: paired.expiresAt,
  };
}
