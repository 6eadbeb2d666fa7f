import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Contract §1.3: a prefix plus 43 base64url characters (32 random bytes).
 * T- authorization, Q- QR, P- temporary data, D- permanent data, U- transfer.
 */
export type TokenPrefix = 'T-' | 'R-' | 'C-' | 'S-' | 'Q-' | 'P-' | 'D-' | 'U-';

export function newToken(prefix: TokenPrefix): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Credentials are stored only as this digest; lookups go by digest. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeToken(value: unknown, prefix: TokenPrefix): value is string {
  return (
    typeof value === 'string' &&
    value.length === 45 &&
    value.startsWith(prefix) &&
    /^[A-Za-z0-9_-]{43}$/.test(value.slice(2))
  );
}

export function equalDigests(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
