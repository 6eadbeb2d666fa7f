import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

/**
 * This process as one node of the engine (DESIGN "Scale"). It registers a run (a fresh
 * incarnation id under the operator's `--node-id`) in the database and beats every
 * `heartbeatMs`; a run not heard from for `leaseMs` is over, and whichever node notices first
 * takes over its work — the commands it accepted (command-runner.ts), the uploads it streamed
 * (data-transfer.ts) — through claims in the database, so each piece is taken exactly once.
 *
 * Work that must happen once across nodes at a time (a storage device's reconcile) runs under a
 * lease (`exclusive`), and periodic work (pruning) under a turn (`takeTurn`): both are rows in
 * the database, so no node needs to know the others.
 *
 * On SQLite the data folder's lock already makes this the only process on the database, so every
 * other run is over the moment this one starts.
 */
export interface NodeRunOptions {
  store: Store;
  log: Logger;
  now: () => number;
  /** The operator's name for the node; default: the host name and process id. */
  nodeId: string;
  /** No other process can use the database (SQLite): earlier runs are over at once. */
  exclusiveDatabase: boolean;
  /** Heartbeat interval; default 2 s. */
  heartbeatMs?: number;
  /** How long a silent run still counts as alive; default 10 s. */
  leaseMs?: number;
}

export interface NodeIdentity {
  readonly nodeId: string;
  readonly incarnation: string;
}

type Sweep = () => Promise<void>;

const WAIT_MIN_MS = 20;
const WAIT_MAX_MS = 1_000;

export class NodeRun implements NodeIdentity {
  readonly nodeId: string;
  readonly incarnation = randomUUID();
  readonly heartbeatMs: number;
  readonly leaseMs: number;
  private readonly sweeps: { name: string; run: Sweep }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: NodeRunOptions) {
    this.nodeId = options.nodeId;
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.leaseMs = options.leaseMs ?? 10_000;
  }

  /** Registers the run and forgets the runs that are over; the sweeps start with `beat`. */
  async start(): Promise<void> {
    const { store, now, log } = this.options;
    const at = now();
    await this.register(at);
    const over = await store.nodes.reap(
      this.options.exclusiveDatabase ? Number.MAX_SAFE_INTEGER : at - this.leaseMs,
      this.nodeId,
      this.incarnation,
    );
    log.info(
      { nodeId: this.nodeId, incarnation: this.incarnation, took: over.length },
      'node run registered',
    );
  }

  /** Work to do after every heartbeat (and once now): taking over what ended runs left. */
  onSweep(name: string, run: Sweep): void {
    this.sweeps.push({ name, run });
  }

  /**
   * Runs the sweeps once and then after every heartbeat. On an exclusive database (SQLite) once
   * is all: no other process can leave work behind while this one runs, so an idle engine (the
   * desktop app's, a laptop's) writes nothing every few seconds.
   */
  async beat(): Promise<void> {
    await this.sweep();
    if (!this.options.exclusiveDatabase) this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    // Leaving at once lets the other nodes take over without waiting for the lease to run out.
    await this.options.store.nodes
      .leave(this.incarnation)
      .catch((err: unknown) => this.options.log.warn({ err }, 'could not deregister the node run'));
  }

  /**
   * Runs `work` while holding the lease `name`: waits for another node's run to finish first,
   * and renews the lease while the work lasts.
   */
  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const { store, now } = this.options;
    for (let wait = WAIT_MIN_MS; ; wait = Math.min(wait * 2, WAIT_MAX_MS)) {
      if (await store.leases.take(name, this.incarnation, now() + this.leaseMs, now())) break;
      if (this.stopped) throw new Error(`node stopping; lease ${name} not taken`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const renew = setInterval(
      () =>
        void store.leases
          .take(name, this.incarnation, now() + this.leaseMs, now())
          .then((kept) => {
            if (!kept) this.options.log.error({ lease: name }, 'lost a lease while working');
          })
          .catch(() => undefined),
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await store.leases.release(name, this.incarnation).catch(() => undefined);
    }
  }

  /** True for exactly one node per `everyMs`: that node does the periodic job now. */
  takeTurn(job: string, everyMs: number): Promise<boolean> {
    const { store, now } = this.options;
    const at = now();
    // A turn is a lease nobody releases: it runs out after the period, or with its holder's run.
    return store.leases.take(`turn:${job}`, this.incarnation, at + everyMs, at);
  }

  /** Records this run as started (and seen) at `at`. */
  private async register(at: number): Promise<void> {
    await this.options.store.nodes.register({
      incarnation: this.incarnation,
      nodeId: this.nodeId,
      startedAt: at,
      seenAt: at,
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.beating = this.sweep().finally(() => {
        this.beating = undefined;
        this.schedule();
      });
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    const { store, now, log } = this.options;
    try {
      if (!(await store.nodes.beat(this.incarnation, now()))) {
        // Another node thought this one dead (a pause longer than the lease) and took its
        // work; whatever this run still finishes is checked against the store at commit.
        log.error(
          { nodeId: this.nodeId, incarnation: this.incarnation },
          'this node run was taken for dead by another node; registering it again',
        );
        await this.register(now());
      }
      const over = await store.nodes.reap(now() - this.leaseMs, this.nodeId, this.incarnation);
      for (const run of over)
        log.warn(
          { nodeId: run.nodeId, incarnation: run.incarnation },
          'a node run ended; taking over its work',
        );
    } catch (err) {
      log.warn({ err }, 'node heartbeat failed');
    }
    for (const { name, run } of this.sweeps) {
      if (this.stopped) return;
      try {
        await run();
      } catch (err) {
        log.error({ err, sweep: name }, 'node sweep failed');
      }
    }
  }
}
