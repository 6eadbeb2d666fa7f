// Keeps a long-lived session (the desktop app's) signed in: it re-authorizes before the token
// expires, and tells the app when the session ended anyway — the token was revoked elsewhere
// (the channel's join is refused) or it expired while the machine slept.

import { isPrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';

export type SessionEnd = 'expired' | 'revoked';

export interface SessionKeeperOptions {
  session: VaultSession;
  /** When the current token expires (epoch ms). */
  expiresAt: number;
  /** A fresh token was issued; persist it (keychain). */
  onRenewed(token: string, expiresAt: number): void | Promise<void>;
  onEnded(why: SessionEnd): void;
  now?: () => number;
}

/** Renew when this share of the token's remaining life is left, but at least this early. */
const RENEW_AT_SHARE = 0.2;
const RENEW_AT_LEAST_MS = 60_000;
const RETRY_MS = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SessionKeeper {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private expiresAtValue: number;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: SessionKeeperOptions) {
    this.now = options.now ?? Date.now;
    this.expiresAtValue = options.expiresAt;
    this.unsubscribe = options.session.channel.on('state', (state) => {
      if (state === 'failed') this.end('revoked');
    });
    this.schedule();
  }

  get expiresAt(): number {
    return this.expiresAtValue;
  }

  /** When the next renewal is due (epoch ms). */
  renewalDueAt(): number {
    const left = this.expiresAtValue - this.now();
    return this.expiresAtValue - Math.max(RENEW_AT_LEAST_MS, left * RENEW_AT_SHARE);
  }

  /** Renews now; resolves false when the session has ended instead. */
  async renew(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.now() >= this.expiresAtValue) {
      this.end('expired');
      return false;
    }
    try {
      const issued = await this.options.session.reauthorize();
      this.expiresAtValue = Date.parse(issued.expiresAt);
      await this.options.onRenewed(issued.authorizationToken, this.expiresAtValue);
      this.schedule();
      return true;
    } catch (error) {
      if (isPrivicoreError(error) && error.status === 401) {
        this.end(this.now() >= this.expiresAtValue ? 'expired' : 'revoked');
        return false;
      }
      // Offline or engine restarting: try again soon, while the token still lives.
      this.arm(Math.min(RETRY_MS, Math.max(0, this.expiresAtValue - this.now())));
      return false;
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe();
  }

  private schedule(): void {
    this.arm(Math.max(0, this.renewalDueAt() - this.now()));
  }

  private arm(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.renew(), Math.min(delayMs, MAX_TIMER_MS));
    this.timer.unref();
  }

  private end(why: SessionEnd): void {
    if (this.stopped) return;
    this.stop();
    this.options.onEnded(why);
  }
}
