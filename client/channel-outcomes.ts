// The session channel's memory of outcomes: every command and request outcome it hears is kept
// (up to a bound), so an ack that arrives before anyone waits for it is not lost, and waiters
// are settled as outcomes arrive. Every wait ends: by its outcome, its timeout, its signal, or
// the channel closing (a timeout the channel extends only while the engine holds the command for
// a vote, which the engine itself ends at the pool's deadline).

import type { CommandOutcome, RequestOutcome } from './channel-messages.ts';
import { PrivicoreError } from './privicore-error.ts';

export type OutcomeKind = 'command' | 'request';
type OutcomeOf<K extends OutcomeKind> = K extends 'command' ? CommandOutcome : RequestOutcome;

interface Waiter {
  kind: OutcomeKind;
  settle(outcome: CommandOutcome | RequestOutcome): void;
  fail(error: Error): void;
}

interface Remembered {
  command?: CommandOutcome;
  request?: RequestOutcome;
}

export interface OutcomeWait {
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * A last look before the wait times out (/request-status for a message lost on the way); true
   * when the wait goes on for another `timeoutMs` instead (a command still held for a vote).
   */
  beforeTimeout(): Promise<boolean>;
}

export class OutcomeMemory {
  private readonly outcomes = new Map<string, Remembered>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(private readonly capacity: number) {}

  /** The remembered outcome, if it has arrived. */
  known<K extends OutcomeKind>(kind: K, id: string): OutcomeOf<K> | undefined {
    return this.outcomes.get(id)?.[kind] as OutcomeOf<K> | undefined;
  }

  /** Ids someone is waiting for. */
  awaited(): string[] {
    return [...this.waiters.keys()];
  }

  isAwaited(id: string): boolean {
    return this.waiters.has(id);
  }

  get waiting(): boolean {
    return this.waiters.size > 0;
  }

  /** Forgets a remembered outcome (a request whose URL was used, so a retry waits afresh). */
  forget(id: string): void {
    this.outcomes.delete(id);
  }

  /** Resolves with the outcome when it arrives; fails on timeout, abort or failAll. */
  wait<K extends OutcomeKind>(kind: K, id: string, options: OutcomeWait): Promise<OutcomeOf<K>> {
    const known = this.known(kind, id);
    if (known) return Promise.resolve(known);
    if (options.signal?.aborted)
      return Promise.reject(PrivicoreError.cancelled('Waiting for the command'));
    return new Promise<OutcomeOf<K>>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const set = this.waiters.get(id);
        set?.delete(waiter);
        if (set?.size === 0) this.waiters.delete(id);
      };
      const waiter: Waiter = {
        kind,
        settle: (outcome) => {
          finish();
          resolve(outcome as OutcomeOf<K>);
        },
        fail: (error) => {
          finish();
          reject(error);
        },
      };
      const onAbort = () => waiter.fail(PrivicoreError.cancelled('Waiting for the command'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const arm = () => {
        timer = setTimeout(
          () =>
            void options.beforeTimeout().then((goOn) => {
              if (!this.waiters.get(id)?.has(waiter)) return;
              if (goOn) {
                arm();
                return;
              }
              waiter.fail(
                new PrivicoreError({
                  status: 0,
                  reason: 'client.timeout',
                  message: `Command ${id} did not finish within ${Math.round(options.timeoutMs / 1000)} s; it may still complete on the engine.`,
                }),
              );
            }),
          options.timeoutMs,
        );
      };
      arm();
      const set = this.waiters.get(id) ?? new Set<Waiter>();
      set.add(waiter);
      this.waiters.set(id, set);
    });
  }

  /**
   * Remembers an outcome and settles its waiters. A request's download message never downgrades:
   * the command's status-2 message that follows it must not replace the URL with "lost".
   */
  record(
    id: string,
    command: CommandOutcome | undefined,
    request: RequestOutcome | undefined,
  ): void {
    const remembered = this.outcomes.get(id) ?? {};
    if (command && !remembered.command) remembered.command = command;
    if (
      request &&
      (!remembered.request ||
        (remembered.request.status === 2 &&
          !remembered.request.source &&
          request.status === 2 &&
          request.source))
    ) {
      remembered.request = request;
    }
    this.outcomes.delete(id);
    this.outcomes.set(id, remembered);
    while (this.outcomes.size > this.capacity) {
      const oldest = this.outcomes.keys().next().value as string;
      this.outcomes.delete(oldest);
    }
    for (const waiter of [...(this.waiters.get(id) ?? [])]) {
      if (waiter.kind === 'command' && remembered.command) waiter.settle(remembered.command);
      if (waiter.kind === 'request' && remembered.request) waiter.settle(remembered.request);
    }
  }

  /** Fails the waiters of one id. */
  fail(id: string, error: Error): void {
    for (const waiter of [...(this.waiters.get(id) ?? [])]) waiter.fail(error);
  }

  failAll(error: Error): void {
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.fail(error);
  }
}
