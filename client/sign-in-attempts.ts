// Contract, profile.authenticate: while 10 or more failed sign-ins for a username lie within the last
// 15 minutes, every attempt is refused (429). The engine says nothing before that, so this
// counts the failures this computer saw, to warn before the last tries. Failures made
// elsewhere are not counted, so the warning can come late, never falsely early.

export const LOCKOUT_FAILURES = 10;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
/** Warn once this many tries or fewer are left. */
export const WARN_WHEN_LEFT = 3;

export class SignInAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a failed sign-in; how many tries are left before the lockout, as counted here. */
  fail(key: string): number {
    const since = this.now() - LOCKOUT_WINDOW_MS;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > since);
    recent.push(this.now());
    this.failures.set(key, recent);
    return Math.max(0, LOCKOUT_FAILURES - recent.length);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
