import { describe, expect, it } from 'vitest';
import { LOCKOUT_WINDOW_MS, SignInAttempts } from '../../../client/sign-in-attempts.ts';

describe('SignInAttempts', () => {
  it('counts failures in the last 15 minutes, per username, and forgets them on success', () => {
    let now = 1_000_000;
    const attempts = new SignInAttempts(() => now);
    expect(attempts.fail('a')).toBe(9);
    expect(attempts.fail('a')).toBe(8);
    expect(attempts.fail('b')).toBe(9);
    now += LOCKOUT_WINDOW_MS + 1;
    expect(attempts.fail('a')).toBe(9);
    attempts.succeed('a');
    expect(attempts.fail('a')).toBe(9);
    for (let i = 0; i < 12; i++) attempts.fail('c');
    expect(attempts.fail('c')).toBe(0);
  });
});
