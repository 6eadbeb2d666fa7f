import type { ChannelHub } from '../channel/channel-hub.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { Store, StoreRepos } from '../store/store.ts';
import { currentGrant } from './command-origin.ts';

/** How a command ends. `after` runs once the outcome is committed (events, socket closes). */
export type Outcome =
  { ok: true; result?: unknown; after?: () => void } | { ok: false; reason: string };

export interface CommandInput<P> {
  commandId: string;
  profileId: string | null;
  /** The OAuth grant whose access token sent the command (command-origin.ts); else null. */
  grantId?: string | null;
  payload: P;
  now: number;
}

/**
 * One kind of asynchronous command (contract §1.6). Input validation happened before the
 * command was accepted; `commit` applies the business rules and effects inside the same
 * transaction that records the outcome, so effects are visible exactly when status 2 is.
 */
export interface CommandSpec<P, V = undefined> {
  kind: string;
  /** Work that cannot sit in a transaction (device fan-out); a rejection ends the command. */
  prepare?(input: CommandInput<P>): Promise<{ ok: true; value: V } | { ok: false; reason: string }>;
  commit(tx: StoreRepos, input: CommandInput<P>, prepared: V): Promise<Outcome>;
  /** After a crash with the command still at status 1: run it again, or reject it. */
  restart: 'rerun' | { reject: string };
}

export class CommandRunner {
  private readonly specs = new Map<string, CommandSpec<never, never>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly hub: ChannelHub,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the command at status 1 and runs it in the background; resolves with its id. */
  async accept<P, V>(
    spec: CommandSpec<P, V>,
    profileId: string | null,
    payload: P,
  ): Promise<string> {
    this.specs.set(spec.kind, spec as unknown as CommandSpec<never, never>);
    const id = newId();
    const now = this.now();
    const grantId = currentGrant();
    await this.store.commands.insert({
      id,
      kind: spec.kind,
      profileId,
      status: 1,
      reason: null,
      payload,
      grantId,
      createdAt: now,
      completedAt: null,
    });
    this.track(this.execute(spec, { commandId: id, profileId, grantId, payload, now }));
    return id;
  }

  /** Finishes commands a previous process left at status 1. */
  async resume(specs: readonly CommandSpec<never, never>[]): Promise<void> {
    for (const spec of specs) this.specs.set(spec.kind, spec);
    for (const record of await this.store.commands.started()) {
      const spec = this.specs.get(record.kind);
      const input = {
        commandId: record.id,
        profileId: record.profileId,
        grantId: record.grantId ?? null,
        payload: record.payload as never,
        now: this.now(),
      };
      if (spec && spec.restart === 'rerun') {
        this.track(this.execute(spec, input));
      } else {
        const reason = spec && spec.restart !== 'rerun' ? spec.restart.reject : 'server.error';
        await this.store.atomic((tx) => this.finish(tx, input, { ok: false, reason }));
        this.notify(input, { ok: false, reason });
      }
    }
  }

  /** Waits for every running command to end (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(run: Promise<void>): void {
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async execute<P, V>(spec: CommandSpec<P, V>, input: CommandInput<P>): Promise<void> {
    // Let the 202 reach the caller before the outcome can.
    await new Promise((resolve) => setImmediate(resolve));
    let outcome: Outcome;
    try {
      const prepared = spec.prepare
        ? await spec.prepare(input)
        : { ok: true as const, value: undefined as V };
      if (!prepared.ok) {
        outcome = prepared;
        await this.store.atomic((tx) => this.finish(tx, input, outcome));
      } else {
        outcome = await this.store.atomic(async (tx) => {
          const result = await spec.commit(tx, input, prepared.value);
          await this.finish(tx, input, result);
          return result;
        });
      }
    } catch (error) {
      this.log.error(
        { err: error, command: spec.kind, commandId: input.commandId },
        'command failed',
      );
      outcome = { ok: false, reason: 'server.error' };
      await this.store.atomic((tx) => this.finish(tx, input, outcome)).catch(() => undefined);
    }
    if (outcome.ok) outcome.after?.();
    this.notify(input, outcome);
  }

  private async finish(
    tx: StoreRepos,
    input: CommandInput<unknown>,
    outcome: Outcome,
  ): Promise<void> {
    // The status-2 body is delivered, never stored (see CommandRepo.finish).
    if (outcome.ok) await tx.commands.finish(input.commandId, 2, null, this.now());
    else await tx.commands.finish(input.commandId, 3, outcome.reason, this.now());
  }

  private notify(input: CommandInput<unknown>, outcome: Outcome): void {
    if (!input.profileId) return;
    this.hub.publish(
      { profileId: input.profileId, grantId: input.grantId ?? null },
      {
        type: 'X-DPT-CAB-ID',
        id: input.commandId,
        command_status: outcome.ok ? 2 : 3,
        body: outcome.ok ? (outcome.result ?? 'succeeded') : outcome.reason,
      },
    );
  }
}
