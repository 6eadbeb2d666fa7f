import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../crypto/password.ts';
import { hashToken, newToken } from '../crypto/tokens.ts';
import type { StoreRepos } from '../store/store.ts';
import { registrationLimits, reserveAttempt, signInLimits } from './attempt-limits.ts';
import {
  DEVICE_TOKEN_TTL_MS,
  PROFILE_TOKEN_TTL_MS,
  issueToken,
  type Caller,
} from './authorization.ts';
import { DomainError } from './domain-error.ts';
import { revokeOwnGrant } from './oauth-tokens.ts';
import { perContext } from './per-context.ts';

const QR_TTL_MS = 5 * 60_000;
/** Contract §4 reauthorize: the token sent lives at most 60 more seconds. */
const REAUTHORIZE_GRACE_MS = 60_000;

export const registerProfileCommand: CommandSpec<{ username: string; passwordHash: string }> = {
  kind: 'profile.register-profile',
  restart: 'rerun',
  async commit(tx, { commandId, payload, now }) {
    if (await tx.profiles.byUsername(payload.username))
      return { ok: false, reason: 'profile.username_taken' };
    await tx.profiles.insert({
      id: commandId,
      username: payload.username,
      passwordHash: payload.passwordHash,
      publicKey: null,
      createdAt: now,
    });
    return { ok: true, result: { profileId: commandId } };
  },
};

export async function registerProfile(
  ctx: EngineContext,
  username: string,
  password: string,
  address: string,
): Promise<string> {
  // Every registration counts (each costs a scrypt hash and a profile).
  await reserveAttempt(ctx, registrationLimits(address), 'registrations from this address');
  // The hash is computed before acceptance so the stored payload never holds the password.
  const passwordHash = await hashPassword(password);
  return ctx.commands.accept(registerProfileCommand, null, { username, passwordHash });
}

export async function authenticate(
  ctx: EngineContext,
  username: string,
  password: string,
  address: string,
): Promise<{ authorizationToken: string; expiresAt: number }> {
  const attempt = await reserveAttempt(ctx, signInLimits(username, address), 'failed sign-ins');
  const profile = await ctx.store.profiles.byUsername(username);
  const valid = await verifyPassword(
    password,
    profile?.passwordHash ?? (await decoyPasswordHash()),
  );
  // A wrong password keeps its reservation: that is the recorded failure.
  if (!profile || !valid)
    throw new DomainError(401, 'auth.invalid_credentials', 'The username or password is wrong.');
  await attempt.release();
  return ctx.store.atomic((tx) =>
    issueToken(tx, {
      kind: 'profile',
      profileId: profile.id,
      deviceId: null,
      ttlMs: PROFILE_TOKEN_TTL_MS,
      now: ctx.now(),
    }),
  );
}

export const changePasswordCommand = perContext(
  (
    ctx: EngineContext,
  ): CommandSpec<{ currentPasswordValid: boolean; newPasswordHash: string }> => ({
    kind: 'profile.change-password',
    restart: 'rerun',
    // Contract §11 profile-governance: a password change may wait for a vote.
    gate: {
      async event({ profileId, payload }) {
        // A wrong current password is rejected anyway: nobody is asked to vote on it.
        if (!payload.currentPasswordValid) return undefined;
        const profile = await ctx.store.profiles.byId(profileId!);
        return {
          eventId: 'profile.password_changed',
          attributes: profile ? [['username', profile.username]] : [],
        };
      },
    },
    async commit(tx, { profileId, payload }) {
      if (!payload.currentPasswordValid) return { ok: false, reason: 'auth.invalid_credentials' };
      await tx.profiles.setPasswordHash(profileId!, payload.newPasswordHash);
      return { ok: true };
    },
  }),
);

export async function changePassword(
  ctx: EngineContext,
  caller: Caller,
  current: string,
  next: string,
  address: string,
): Promise<string> {
  // The current-password check is a sign-in attempt: whoever holds a token could otherwise
  // guess the password here without limit.
  const attempt = await reserveAttempt(
    ctx,
    signInLimits(caller.profile.username, address),
    'wrong passwords',
  );
  // Verified before acceptance so that no password is ever stored in the command payload;
  // the verdict is applied (and a wrong password rejected) asynchronously as the contract says.
  const [currentPasswordValid, newPasswordHash] = await Promise.all([
    verifyPassword(current, caller.profile.passwordHash),
    hashPassword(next),
  ]);
  if (currentPasswordValid) await attempt.release();
  return ctx.commands.accept(changePasswordCommand(ctx), caller.profile.id, {
    currentPasswordValid,
    newPasswordHash,
  });
}

export async function generateQrToken(
  ctx: EngineContext,
  caller: Caller,
): Promise<{ qrToken: string; expiresAt: number; qrPayload: string }> {
  const qrToken = newToken('Q-');
  const now = ctx.now();
  const expiresAt = now + QR_TTL_MS;
  await ctx.store.qrTokens.insert({
    hash: hashToken(qrToken),
    profileId: caller.profile.id,
    createdAt: now,
    expiresAt,
    usedAt: null,
  });
  const qrPayload = `privicore://authorize?token=${qrToken}&engine=${encodeURIComponent(ctx.urls.apiUrl)}`;
  return { qrToken, expiresAt, qrPayload };
}

export async function reauthorize(
  ctx: EngineContext,
  caller: Caller,
  ttlSeconds: number | undefined,
): Promise<{ authorizationToken: string; expiresAt: number }> {
  const kind = caller.token.kind;
  const ttlMs =
    ttlSeconds !== undefined
      ? ttlSeconds * 1000
      : kind === 'device'
        ? DEVICE_TOKEN_TTL_MS
        : PROFILE_TOKEN_TTL_MS;
  const now = ctx.now();
  const issued = await ctx.store.atomic(async (tx: StoreRepos) => {
    await tx.tokens.expireBy(caller.token.hash, now + REAUTHORIZE_GRACE_MS);
    return issueToken(tx, {
      kind,
      profileId: caller.profile.id,
      deviceId: caller.token.deviceId,
      // A token a directory admin minted stays one: reauthorizing must not widen its reach.
      issuedBy: caller.token.issuedBy ?? null,
      ttlMs,
      now,
    });
  });
  ctx.hub.shortenToken(caller.token.hash, now + REAUTHORIZE_GRACE_MS);
  return issued;
}

export async function revoke(ctx: EngineContext, caller: Caller): Promise<void> {
  // An application signing out ends its grant: a refresh token could otherwise bring it back.
  if (caller.oauth) return revokeOwnGrant(ctx, caller);
  await ctx.store.tokens.revoke(caller.token.hash, ctx.now());
  ctx.hub.closeToken(caller.token.hash);
  ctx.bus.closeToken(caller.token.hash);
}

/**
 * Sign out everywhere (this engine's extension, README): revokes every profile and device token
 * of the profile except the caller's, and closes their sockets. Storage devices keep theirs:
 * they are not sessions (their tokens reach only the device bus), and cutting them off would
 * stop the vault's storage; removing a storage device is how one is cut off. OAuth grants are
 * not sessions either: their refresh token would mint a new access token at once, so revoking
 * the access token alone would change nothing; an application's access ends on Connected apps.
 */
export async function revokeOtherTokens(ctx: EngineContext, caller: Caller): Promise<number> {
  const now = ctx.now();
  const revoked = await ctx.store.atomic(async (tx) => {
    const storage = new Set(
      (await tx.devices.storageDevices(caller.profile.id)).map((device) => device.id),
    );
    const hashes: string[] = [];
    for (const token of await tx.tokens.liveForProfile(caller.profile.id, now)) {
      if (token.hash === caller.token.hash || token.kind === 'oauth') continue;
      if (token.deviceId !== null && storage.has(token.deviceId)) continue;
      await tx.tokens.revoke(token.hash, now);
      hashes.push(token.hash);
    }
    return hashes;
  });
  for (const hash of revoked) {
    ctx.hub.closeToken(hash);
    ctx.bus.closeToken(hash);
  }
  return revoked.length;
}
