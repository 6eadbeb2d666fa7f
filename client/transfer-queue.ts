// Runs the desktop app's uploads and downloads: a few at a time, each with its own progress,
// cancellation and outcome, grouped in batches so the app can summarise "3 secured, 1 failed".
// It knows nothing of how a transfer moves bytes: each entry gets a `run` over the vault
// pipelines (store-file.ts, retrieve-file.ts). A `run` reads what it needs (the session) when
// it starts, so a job can run again after a sign-out and sign-in (retry).

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
  /** The name asked for, when the job stores the file under another (a duplicate). */
  renamedFrom?: string;
  /** Set when the job cannot even start (a file that is gone): it is listed as failed at once. */
  error?: unknown;
  /** Whether the job may run again after it failed or was interrupted (default true). */
  retryable?: boolean;
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
  /** How a stop ends: cancelled by the person, or interrupted by sign-out or quit. */
  stopAs: 'cancelled' | 'interrupted';
}

/** Finished transfers kept for the app's transfer list. */
const FINISHED_KEPT = 200;

const isActive = (transfer: Transfer) => ['queued', 'running'].includes(transfer.state);

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
      const entry = this.add(job, batchId, randomUUID());
      if (job.error === undefined) {
        this.waiting.push(entry);
      } else {
        entry.transfer.state = 'failed';
        entry.transfer.error = describeClientError(job.error).message;
      }
      this.options.onChange({ ...entry.transfer });
      return { ...entry.transfer };
    });
    this.pump();
    return { batchId, transfers };
  }

  /**
   * Lists jobs stopped in an earlier run of the app as interrupted, under their old ids, so
   * they can be retried; nothing runs.
   */
  restoreInterrupted(jobs: readonly (TransferJob & { id: string; batchId: string })[]): void {
    for (const job of jobs) {
      if (this.entries.has(job.id)) continue;
      const entry = this.add(job, job.batchId, job.id);
      entry.transfer.state = 'interrupted';
      this.options.onChange({ ...entry.transfer });
    }
  }

  /** The transfer with this id, if it is still listed. */
  get(id: string): Transfer | undefined {
    const entry = this.entries.get(id);
    return entry && { ...entry.transfer };
  }

  /**
   * Runs a failed, interrupted or cancelled transfer again, as a new batch of one (the old
   * entry leaves the list); undefined when there is no such transfer or it cannot be retried.
   */
  retry(
    id: string,
    change: (job: TransferJob) => TransferJob = (job) => job,
  ): { batchId: string; transfers: Transfer[] } | undefined {
    const entry = this.entries.get(id);
    if (!entry || isActive(entry.transfer) || entry.transfer.state === 'done') return undefined;
    if (!entry.transfer.retryable) return undefined;
    this.entries.delete(id);
    const { error: _ignored, ...job } = entry.job;
    return this.enqueue([change(job)]);
  }

  /** Drops finished transfers from the list; running ones stay. The ids dropped. */
  forget(ids: readonly string[]): string[] {
    const gone: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && !isActive(entry.transfer)) {
        this.entries.delete(id);
        gone.push(id);
      }
    }
    return gone;
  }

  /** Stops a queued or running transfer; false when it already ended or is unknown. */
  cancel(id: string): boolean {
    return this.stop(id, 'cancelled');
  }

  /** Cancels everything. */
  cancelAll(): void {
    for (const id of [...this.entries.keys()]) this.stop(id, 'cancelled');
  }

  /**
   * Stops everything as `interrupted` (sign-out, quit), and resolves once nothing runs, so the
   * last state of each has been reported.
   */
  async interruptAll(): Promise<void> {
    for (const id of [...this.entries.keys()]) this.stop(id, 'interrupted');
    await this.settled();
  }

  /** How many transfers are queued or running. */
  get activeCount(): number {
    return [...this.entries.values()].filter((entry) => isActive(entry.transfer)).length;
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

  private async settled(): Promise<void> {
    while (this.running > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private add(job: TransferJob, batchId: string, id: string): Entry {
    const transfer: Transfer = {
      id,
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
      renamedFrom: job.renamedFrom ?? null,
      retryable: job.retryable ?? true,
      hold: null,
    };
    const entry: Entry = {
      transfer,
      job,
      abort: new AbortController(),
      lastReport: 0,
      stopAs: 'cancelled',
    };
    this.entries.set(id, entry);
    return entry;
  }

  private stop(id: string, as: Entry['stopAs']): boolean {
    const entry = this.entries.get(id);
    if (!entry || !isActive(entry.transfer)) return false;
    entry.stopAs = as;
    entry.abort.abort();
    const index = this.waiting.indexOf(entry);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.finish(entry, { state: as });
    }
    return true;
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
      if (entry.abort.signal.aborted) this.finish(entry, { state: entry.stopAs });
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
    // Interrupted transfers wait for the person's Retry or Clear; the oldest others give way.
    const finished = [...this.entries.values()].filter(
      (entry) => !isActive(entry.transfer) && entry.transfer.state !== 'interrupted',
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
