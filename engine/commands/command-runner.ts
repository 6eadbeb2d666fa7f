import type { ChannelHub } from '../channel/channel-hub.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { CommandRecord, Store, StoreRepos } from '../store/store.ts';
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
 * What a gated command is about to do (contract §11): the event id policies name, the context
 * a `contextPrefix` is matched against, and the template's voting attributes it has, in order.
 */
export interface GateEvent {
  eventId: string;
  context?: string;
  attributes: [name: string, value: string | number][];
  /**
   * The profile whose policies hold it, when not the command's own: a directory admin
   * registering storage for a member (issue 12) meets the member's policies, not its own.
   */
  governedBy?: string;
}

/**
 * Makes a command wait for a vote (contract §11 "Gated commands"). The runner asks the spec
 * what event it is about to cause and the gate (the voting domain) opens a pool for every
 * active policy on it; the command then waits at status 1 until the pools end.
 */
export interface CommandGate {
  hold(
    input: CommandInput<unknown>,
    event: GateEvent,
    prepared: unknown,
    onHold: ((tx: StoreRepos) => Promise<void>) | undefined,
  ): Promise<
    | { held: false }
    | { held: true; pools: { poolId: string; policyId: string }[]; after: () => void }
    | { held: false; reason: string }
  >;
}

/** The part of a spec that lets policies hold it (contract §11). */
export interface GateSpec<P, V> {
  /**
   * Hold after `prepare` rather than before: the prepared value (an upload's stored bytes) is
   * kept with the hold so the command can finish after a restart without its input.
   */
  afterPrepare?: boolean;
  /** The event this command is about to cause; undefined when it will not run (no vote needed). */
  event(input: CommandInput<P>, prepared: V | undefined): Promise<GateEvent | undefined>;
  /** Inside the transaction that records the hold (a held upload's reservation is marked so). */
  onHold?(tx: StoreRepos, input: CommandInput<P>, prepared: V | undefined): Promise<void>;
  /**
   * The vote said no: undo what prepare did, inside the rejecting transaction; the returned
   * function runs after it commits.
   */
  abandon?(
    tx: StoreRepos,
    input: CommandInput<P>,
    prepared: V | undefined,
    reason: string,
  ): Promise<(() => void) | undefined>;
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
  gate?: GateSpec<P, V>;
}

type AnySpec = CommandSpec<never, never>;

export class CommandRunner {
  private readonly specs = new Map<string, AnySpec>();
  private readonly inFlight = new Set<Promise<void>>();
  private gate: CommandGate | undefined;

  /**
   * @param owner the node run that accepts and runs commands here (cluster/node-run.ts): a
   *   command names it while at status 1, so when this run ends another node finishes it.
   */
  constructor(
    private readonly store: Store,
    private readonly hub: ChannelHub,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly owner = 'local',
  ) {}

  /** The voting domain, once the engine context exists (server.ts). */
  setGate(gate: CommandGate): void {
    this.gate = gate;
  }

  /** Records the command at status 1 and runs it in the background; resolves with its id. */
  async accept<P, V>(
    spec: CommandSpec<P, V>,
    profileId: string | null,
    payload: P,
  ): Promise<string> {
    this.specs.set(spec.kind, spec as unknown as AnySpec);
    const id = newId();
    const now = this.now();
    const grantId = currentGrant();
    const input: CommandInput<P> = { commandId: id, profileId, grantId, payload, now };
    const inserted = this.store.commands.insert({
      id,
      kind: spec.kind,
      profileId,
      status: 1,
      reason: null,
      payload,
      grantId,
      owner: this.owner,
      createdAt: now,
      completedAt: null,
    });
    if (spec.prepare || spec.gate) {
      await inserted;
      this.track(this.execute(spec, input));
      return id;
    }
    // Nothing to do outside the transaction and no vote to wait for: the outcome joins the
    // acceptance's batch (store/group-commit.ts), so one commit makes both durable, and a crash
    // before it loses both (the caller never heard of the command).
    // On a pool of connections (PostgreSQL) the outcome's transaction would not see the row yet.
    const committing = this.store.ordered
      ? this.commitOutcome(spec, input, undefined as V)
      : inserted.then(() => this.commitOutcome(spec, input, undefined as V));
    this.track(this.execute(spec, input, undefined, { inserted, committing }));
    await inserted;
    return id;
  }

  /** Every command kind there is, so commands taken over from another run can run here. */
  register(specs: readonly AnySpec[]): void {
    for (const spec of specs) this.specs.set(spec.kind, spec);
  }

  /**
   * Finishes commands a run that ended (this process before a crash, or another node) left at
   * status 1: they are claimed for this run first, so each is taken over exactly once. A command
   * waiting for its vote keeps waiting (the voting domain resumes its deadlines); one whose vote
   * had approved it runs now.
   */
  async resume(): Promise<void> {
    for (const record of await this.store.commands.claimOrphans(this.owner)) {
      const spec = this.specs.get(record.kind);
      const input = this.inputOf(record);
      const hold = await this.store.holds.byCommand(record.id);
      if (spec && hold?.state === 'waiting') continue;
      if (spec && hold?.state === 'released') {
        this.track(this.execute(spec, input, { released: true, prepared: hold.prepared }));
      } else if (spec && spec.restart === 'rerun') {
        this.track(this.execute(spec, input));
      } else {
        const reason = spec && spec.restart !== 'rerun' ? spec.restart.reject : 'server.error';
        await this.store.atomic((tx) => this.finish(tx, input, { ok: false, reason }));
        this.notify(input, { ok: false, reason });
      }
    }
  }

  /** Every pool of a held command approved it: it runs now (the hold is already `released`). */
  release(commandId: string): void {
    this.track(
      (async () => {
        const record = await this.store.commands.byId(commandId);
        const hold = await this.store.holds.byCommand(commandId);
        const spec = record && this.specs.get(record.kind);
        if (!record || record.status !== 1 || !spec || hold?.state !== 'released') return;
        // Runs here now (the vote may have ended on another node than the one that accepted it).
        await this.store.commands.setOwner(commandId, this.owner);
        await this.execute(spec, this.inputOf(record), {
          released: true,
          prepared: hold.prepared,
        });
      })().catch((error: unknown) =>
        this.log.error({ err: error, commandId }, 'releasing a held command failed'),
      ),
    );
  }

  /**
   * A pool of a held command ended otherwise (contract §11): the command ends 3 with `reason`,
   * inside the caller's transaction. Returns what to do once it commits (nothing when the
   * command had already ended).
   */
  async rejectHeld(
    tx: StoreRepos,
    commandId: string,
    reason: string,
  ): Promise<(() => void) | undefined> {
    const record = await tx.commands.byId(commandId);
    if (!record || record.status !== 1) return undefined;
    const hold = await tx.holds.byCommand(commandId);
    const spec = this.specs.get(record.kind);
    const input = this.inputOf(record);
    const undo = await spec?.gate?.abandon?.(tx, input as never, hold?.prepared as never, reason);
    await this.finish(tx, input, { ok: false, reason });
    return () => {
      undo?.();
      this.notify(input, { ok: false, reason });
    };
  }

  /** Waits for every running command to end (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private inputOf(record: CommandRecord): CommandInput<never> {
    return {
      commandId: record.id,
      profileId: record.profileId,
      grantId: record.grantId ?? null,
      payload: record.payload as never,
      now: this.now(),
    };
  }

  private track(run: Promise<void>): void {
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /**
   * Runs a command: (gate) → prepare → (gate after prepare) → commit. `released` skips the
   * gate, and with a spec that held after prepare, `prepared` is what it had prepared.
   */
  private async execute<P, V>(
    spec: CommandSpec<P, V>,
    input: CommandInput<P>,
    resumed?: { released: true; prepared: unknown },
    joined?: { inserted: Promise<void>; committing: Promise<Outcome | undefined> },
  ): Promise<void> {
    let outcome: Outcome;
    if (joined) {
      const [accepted, committed] = await Promise.allSettled([joined.inserted, joined.committing]);
      // Never accepted: the caller heard the error instead of an id.
      if (accepted.status === 'rejected') return;
      // Let the 202, sent on the same commit, reach the caller before the outcome can.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        if (committed.status === 'rejected') throw committed.reason;
        if (!committed.value) return;
        outcome = committed.value;
      } catch (error) {
        outcome = await this.failed(spec, input, error);
      }
      if (outcome.ok) outcome.after?.();
      this.notify(input, outcome);
      return;
    }
    // Let the 202 reach the caller before the outcome can.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const gate = resumed ? undefined : spec.gate;
      if (gate && !gate.afterPrepare) {
        const held = await this.hold(spec, input, undefined);
        if (held !== 'run') {
          if (held !== 'held') this.notify(input, held);
          return;
        }
      }
      let prepared: { ok: true; value: V } | { ok: false; reason: string };
      if (resumed && spec.gate?.afterPrepare) {
        prepared = { ok: true, value: resumed.prepared as V };
      } else if (spec.prepare) {
        prepared = await spec.prepare(input);
      } else {
        prepared = { ok: true, value: undefined as V };
      }
      if (!prepared.ok) {
        outcome = prepared;
        await this.store.atomic((tx) => this.finish(tx, input, outcome));
        this.notify(input, outcome);
        return;
      }
      if (gate?.afterPrepare) {
        const held = await this.hold(spec, input, prepared.value);
        if (held !== 'run') {
          if (held !== 'held') this.notify(input, held);
          return;
        }
      }
      const committed = await this.commitOutcome(spec, input, prepared.value);
      if (!committed) return;
      outcome = committed;
    } catch (error) {
      outcome = await this.failed(spec, input, error);
    }
    if (outcome.ok) outcome.after?.();
    this.notify(input, outcome);
  }

  /** The command's business rules and its outcome, in one transaction; undefined if it had ended. */
  private commitOutcome<P, V>(
    spec: CommandSpec<P, V>,
    input: CommandInput<P>,
    value: V,
  ): Promise<Outcome | undefined> {
    return this.store.atomic(async (tx) => {
      // Exactly once: a command another path ended (a vote, a restart) stays ended.
      const current = await tx.commands.byId(input.commandId);
      if (!current || current.status !== 1) return undefined;
      const result = await spec.commit(tx, input, value);
      await this.finish(tx, input, result);
      return result;
    });
  }

  /** A command that threw ends 3 with server.error (the error goes to the log, not the caller). */
  private async failed(
    spec: { kind: string },
    input: CommandInput<unknown>,
    error: unknown,
  ): Promise<Outcome> {
    this.log.error(
      { err: error, command: spec.kind, commandId: input.commandId },
      'command failed',
    );
    const outcome = { ok: false as const, reason: 'server.error' };
    await this.store.atomic((tx) => this.finish(tx, input, outcome)).catch(() => undefined);
    return outcome;
  }

  /**
   * Asks the gate whether policies hold this command. 'run' when none does; 'held' when it now
   * waits (status-1 messages sent); else the rejection, already recorded.
   */
  private async hold<P, V>(
    spec: CommandSpec<P, V>,
    input: CommandInput<P>,
    prepared: V | undefined,
  ): Promise<'run' | 'held' | { ok: false; reason: string }> {
    const gate = spec.gate!;
    if (!this.gate || input.profileId === null) return 'run';
    const event = await gate.event(input, prepared);
    if (!event) return 'run';
    const opened = await this.gate.hold(
      input as CommandInput<unknown>,
      event,
      prepared,
      gate.onHold ? (tx) => gate.onHold!(tx, input, prepared) : undefined,
    );
    if (opened.held) {
      // Contract §1.6: status 1 once per pool, body {poolId, policyId}.
      for (const pool of opened.pools) {
        this.hub.publish(
          { profileId: input.profileId, grantId: input.grantId ?? null },
          { type: 'X-DPT-CAB-ID', id: input.commandId, command_status: 1, body: pool },
        );
      }
      opened.after();
      return 'held';
    }
    if (!('reason' in opened)) return 'run';
    const rejection = { ok: false as const, reason: opened.reason };
    const undo = await this.store.atomic(async (tx) => {
      const done = await gate.abandon?.(tx, input, prepared, opened.reason);
      await this.finish(tx, input, rejection);
      return done;
    });
    undo?.();
    return rejection;
  }

  private async finish(
    tx: StoreRepos,
    input: CommandInput<unknown>,
    outcome: Outcome,
  ): Promise<void> {
    // The status-2 body is delivered, never stored (see CommandRepo.finish).
    if (outcome.ok) await tx.commands.finish(input.commandId, 2, null, this.now());
    else await tx.commands.finish(input.commandId, 3, outcome.reason, this.now());
    await tx.holds.remove(input.commandId);
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
