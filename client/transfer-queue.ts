// Runs the desktop app's uploads and downloads: a few at a time, each with its own progress,
// cancellation and outcome, grouped in batches so the app can summarise "3 secured, 1 failed".
// It knows nothing of how a transfer moves bytes: each entry gets a `run` over the vault
// pipelines (store-file.ts, retrieve-file.ts).

import { randomUUID } from 'node:crypto';
import type { Transfer, VoteHold } from '../bridge/types.ts';
import { describeClientError } from './describe-client-error.ts';
import type { ProgressListener } from './vault/transfer-progress.ts';

export interface TransferJob {
  kind: Transfer['kind'];
  name: string;
  context: string;
  total: number;
  target?: string;
  run(
    signal: AbortSignal,
    onProgress: ProgressListener,
  ): Promise<{ token?: string; target?: string }>;
}

export interface TransferQueueOptions {
  /** How many transfers move at once. */
  concurrency?: number;
  /** Called on every state change and at most every `progressIntervalMs` per transfer. */
  onChange(transfer: Transfer): void;
  progressIntervalMs?: number;
}

interface Entry {
  transfer: Transfer;
  job: TransferJob;
  abort: AbortController;
  lastReport: number;
}

/** Finished transfers kept for the app's transfer list. */
const FINISHED_KEPT = 200;

export class TransferQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private running = 0;
  private paused = false;
  private readonly concurrency: number;
  private readonly interval: number;

  constructor(private readonly options: TransferQueueOptions) {
    this.concurrency = options.concurrency ?? 2;
    this.interval = options.progressIntervalMs ?? 150;
  }

  /** Queues jobs as one batch; resolves at once with the queued transfers. */
  enqueue(jobs: readonly TransferJob[]): { batchId: string; transfers: Transfer[] } {
    const batchId = randomUUID();
    const transfers = jobs.map((job) => {
      const transfer: Transfer = {
        id: randomUUID(),
        batchId,
        kind: job.kind,
        name: job.name,
        context: job.context,
        bytes: 0,
        total: job.total,
        state: 'queued',
        error: null,
        token: null,
        target: job.target ?? null,
        hold: null,
      };
      const entry: Entry = { transfer, job, abort: new AbortController(), lastReport: 0 };
      this.entries.set(transfer.id, entry);
      this.waiting.push(entry);
      this.options.onChange({ ...transfer });
      return { ...transfer };
    });
    this.pump();
    return { batchId, transfers };
  }

  /** Stops a queued or running transfer; false when it already ended or is unknown. */
  cancel(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || !['queued', 'running'].includes(entry.transfer.state)) return false;
    entry.abort.abort();
    const index = this.waiting.indexOf(entry);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.finish(entry, { state: 'cancelled' });
    }
    return true;
  }

  /** Cancels everything (sign-out, quit). */
  cancelAll(): void {
    for (const id of [...this.entries.keys()]) this.cancel(id);
  }

  /** Queued transfers wait while paused; running ones finish. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.pump();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  list(): Transfer[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.transfer }));
  }

  /** A vote a transfer waits for moved on (or ended): the transfers held by it show so. */
  applyHold(hold: VoteHold): void {
    for (const entry of this.entries.values()) {
      if (entry.transfer.hold?.poolId !== hold.poolId) continue;
      entry.transfer.hold = { ...hold };
      this.report(entry, true);
    }
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running > 0 || (this.waiting.length > 0 && !this.paused))
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private pump(): void {
    while (!this.paused && this.running < this.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift()!;
      this.running++;
      void this.start(entry).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async start(entry: Entry): Promise<void> {
    entry.transfer.state = 'running';
    this.report(entry, true);
    try {
      const result = await entry.job.run(entry.abort.signal, (progress) => {
        // Contract §11: the store or request waits for a vote; applyHold fills in its progress.
        if (progress.phase === 'held') {
          if (progress.hold && !entry.transfer.hold) {
            entry.transfer.hold = waitingHold(progress.hold.poolId, progress.hold.policyId);
            this.report(entry, true);
          }
          return;
        }
        entry.transfer.bytes = progress.bytes;
        if (progress.total !== undefined) entry.transfer.total = progress.total;
        this.report(entry, false);
      });
      entry.transfer.bytes = entry.transfer.total;
      this.finish(entry, {
        state: 'done',
        token: result.token ?? null,
        target: result.target ?? entry.transfer.target,
      });
    } catch (error) {
      if (entry.abort.signal.aborted) this.finish(entry, { state: 'cancelled' });
      else this.finish(entry, { state: 'failed', error: describeClientError(error).message });
    }
  }

  private finish(entry: Entry, change: Partial<Transfer>): void {
    Object.assign(entry.transfer, change);
    this.report(entry, true);
    this.forgetOld();
  }

  private report(entry: Entry, force: boolean): void {
    const now = Date.now();
    if (!force && now - entry.lastReport < this.interval) return;
    entry.lastReport = now;
    this.options.onChange({ ...entry.transfer });
  }

  private forgetOld(): void {
    const finished = [...this.entries.values()].filter(
      (entry) => !['queued', 'running'].includes(entry.transfer.state),
    );
    for (const entry of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT)))
      this.entries.delete(entry.transfer.id);
  }
}

/** A hold as first announced, before its pool was read. */
function waitingHold(poolId: string, policyId: string): VoteHold {
  return {
    poolId,
    policyId,
    policyName: null,
    status: 'pending',
    approvals: 0,
    needed: 0,
    voters: 0,
    round: 1,
    expiresAt: null,
    outcome: null,
  };
}
