import type { Clock } from '../../engine/clock.ts';

/**
 * A clock tests move by hand (engine/clock.ts): `advance` sets the time forward and fires every
 * timer that has come due, in deadline order. Nothing waits on wall time.
 */
export class ManualClock implements Clock {
  private timers: { at: number; fire: () => void; live: boolean }[] = [];

  constructor(private time = Date.now()) {}

  now(): number {
    return this.time;
  }

  schedule(at: number, fire: () => void): () => void {
    const timer = { at, fire, live: true };
    if (at <= this.time) {
      queueMicrotask(() => {
        if (timer.live) fire();
      });
    } else this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((timer) => timer.at <= this.time).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((timer) => timer.at > this.time);
    for (const timer of due) if (timer.live) timer.fire();
  }
}
