/**
 * The engine's one source of time for deadlines (contract §10: a voting round ends at its
 * `expiresAt`). Everything that must happen "at" a moment asks this clock, so a test can move
 * time forward and watch the deadline apply without sleeping.
 */
export interface Clock {
  now(): number;
  /**
   * Calls `fire` once, as soon as `now()` has reached `at` (at once when it already has).
   * Returns a cancel function.
   */
  schedule(at: number, fire: () => void): () => void;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Wall time (or a supplied `now`, as older tests move it) with real timers. */
export function systemClock(now: () => number = Date.now): Clock {
  return {
    now,
    schedule(at, fire) {
      let timer: NodeJS.Timeout | undefined;
      let cancelled = false;
      const arm = () => {
        if (cancelled) return;
        const wait = at - now();
        if (wait <= 0) {
          timer = setTimeout(fire, 0);
        } else {
          timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
        }
        timer.unref();
      };
      arm();
      return () => {
        cancelled = true;
        clearTimeout(timer);
      };
    },
  };
}
