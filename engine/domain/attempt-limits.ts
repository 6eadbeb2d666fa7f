import type { EngineContext } from '../context.ts';
import { usernameKey } from '../store/username-key.ts';
import { DomainError } from './domain-error.ts';

/**
 * Password guessing limits. An attempt is reserved (recorded as if it failed) in the same
 * transaction that counts the earlier ones, before the password is checked: a burst of
 * concurrent guesses counts in full instead of all passing the check while scrypt runs. A right
 * password releases its reservation, so successes never use up the budget.
 *
 *   per username        10 failures in 15 minutes (contract §4 authenticate); change-password's
 *                       current-password check counts here too
 *   per client address  50 failures in 15 minutes, across usernames (a spray of guesses)
 *   registrations       30 per hour per client address
 *   directory passwords 100 per hour per calling profile: directory create-user and
 *                       set-profile-password (each costs a scrypt hash; create-user makes a
 *                       profile). A firm's owner creating its staff's accounts from one office
 *                       must not meet the per-address registration limit; a stolen owner token
 *                       must not make profiles without bound.
 * The client address is the TCP peer: behind a proxy every client shares the proxy's limit.
 */
export interface AttemptLimit {
  key: string;
  limit: number;
  windowMs: number;
}

const FIFTEEN_MINUTES = 15 * 60_000;

export const signInLimits = (username: string, address: string): AttemptLimit[] => [
  { key: `user:${usernameKey(username)}`, limit: 10, windowMs: FIFTEEN_MINUTES },
  { key: `addr:${address}`, limit: 50, windowMs: FIFTEEN_MINUTES },
];

export const registrationLimits = (address: string): AttemptLimit[] => [
  { key: `register:${address}`, limit: 30, windowMs: 60 * 60_000 },
];

export const directoryPasswordLimits = (profileId: string): AttemptLimit[] => [
  { key: `directory-password:${profileId}`, limit: 100, windowMs: 60 * 60_000 },
];

/** How long attempt records must be kept for the longest window above. */
export const ATTEMPT_RETENTION_MS = 60 * 60_000;

export interface Reservation {
  /** The attempt did not count (the password was right): give it back. */
  release(): Promise<void>;
}

/** Reserves one attempt under every limit, or 429 `auth.rate_limited` with Retry-After. */
export async function reserveAttempt(
  ctx: EngineContext,
  limits: readonly AttemptLimit[],
  what: string,
): Promise<Reservation> {
  const ids = await ctx.store.atomic(async (tx) => {
    const now = ctx.now();
    let retryAfter = 0;
    for (const { key, limit, windowMs } of limits) {
      const recent = await tx.authFailures.since(key, now - windowMs);
      if (recent.length >= limit) {
        // Until the oldest counted attempt leaves the window (contract §4).
        const oldest = recent[recent.length - limit]!;
        retryAfter = Math.max(retryAfter, Math.ceil((oldest + windowMs - now) / 1000), 1);
      }
    }
    if (retryAfter > 0) {
      throw new DomainError(
        429,
        'auth.rate_limited',
        `Too many ${what}; try again in ${retryAfter} seconds.`,
        undefined,
        { 'Retry-After': String(retryAfter) },
      );
    }
    const recorded: number[] = [];
    for (const { key } of limits) recorded.push(await tx.authFailures.record(key, now));
    return recorded;
  });
  return {
    release: () =>
      ctx.store.atomic(async (tx) => {
        for (const id of ids) await tx.authFailures.release(id);
      }),
  };
}
