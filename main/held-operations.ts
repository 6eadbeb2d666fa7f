import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { HeldOperation, VoteHold } from '../bridge/types.ts';
import { retrievePolicy } from '../client/endpoints/policy.ts';
import { listAuthenticators } from '../client/endpoints/verified-authenticator.ts';
import { checkPoolStatus, type PoolRecord } from '../client/endpoints/voting.ts';
import type { VaultSession } from '../client/session.ts';
import type { CommandHold } from '../client/vault/vault-context.ts';
import { votingProgress } from '../client/voting-progress.ts';

export interface HeldOperationsOptions {
  session: VaultSession;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
  /** A hold moved on: transfers held by it show so. */
  onHold(hold: VoteHold): void;
  /** How often a pending pool is read (no message tells a requester of single votes). */
  pollMs?: number;
}

interface Watched {
  operation: HeldOperation['operation'];
  subjectId: string | null;
  label: string;
  hold: VoteHold;
  timer: NodeJS.Timeout | undefined;
  /** Reads overlap (a poll and a POOL-RESOLVED); only the latest one counts. */
  reads: number;
}

const DEFAULT_POLL_MS = 2_000;

/**
 * The operations of this computer that wait for a vote (contract §11), watched until the vote
 * ends: "Awaiting approval — 1 of 2" with the time left, then the outcome in words with who
 * decided it ("Rejected by Phone"), as APPROVALS.md asks of both sides.
 */
export class HeldOperations {
  private readonly watched = new Map<string, Watched>();
  private readonly policyNames = new Map<string, string | null>();
  private readonly off: () => void;
  private stopped = false;

  constructor(private readonly options: HeldOperationsOptions) {
    this.off = options.session.channel.on(
      'pool-resolved',
      ({ poolId }) => void this.refresh(poolId).catch(() => undefined),
    );
  }

  /** The onHold callback for one operation (session.run, storeFile progress). */
  tracker(
    operation: HeldOperation['operation'],
    subjectId: string | null,
    label: string,
  ): (hold: CommandHold) => void {
    return (hold) => this.watch(hold, operation, subjectId, label);
  }

  watch(
    hold: CommandHold,
    operation: HeldOperation['operation'],
    subjectId: string | null,
    label: string,
  ): void {
    if (this.stopped || this.watched.has(hold.poolId)) return;
    this.watched.set(hold.poolId, {
      operation,
      subjectId,
      label,
      hold: {
        poolId: hold.poolId,
        policyId: hold.policyId,
        policyName: null,
        status: 'pending',
        approvals: 0,
        needed: 0,
        voters: 0,
        round: 1,
        expiresAt: null,
        outcome: null,
      },
      timer: undefined,
      reads: 0,
    });
    void this.refresh(hold.poolId).catch(() => undefined);
  }

  /** What is held right now (a window that opens late asks for them). */
  list(): HeldOperation[] {
    return [...this.watched.values()].map((entry) => this.view(entry));
  }

  stop(): void {
    this.stopped = true;
    this.off();
    for (const entry of this.watched.values()) clearTimeout(entry.timer);
    this.watched.clear();
  }

  private async refresh(poolId: string): Promise<void> {
    const entry = this.watched.get(poolId);
    if (!entry || this.stopped) return;
    clearTimeout(entry.timer);
    const read = ++entry.reads;
    const { session } = this.options;
    let pool: PoolRecord;
    try {
      pool = await checkPoolStatus(session.http, poolId);
    } catch {
      // Unreadable for now (a dropped connection): the next look tries again.
      if (read === entry.reads) this.schedule(entry, poolId);
      return;
    }
    const progress = votingProgress(pool);
    const policyName = await this.policyName(entry.hold.policyId);
    const outcome = pool.status === 'pending' ? null : await this.outcomeWords(pool);
    // A later read overtook this one, or the vote already ended: this answer is stale.
    if (this.stopped || read !== entry.reads || this.watched.get(poolId) !== entry) return;
    entry.hold = {
      ...entry.hold,
      policyName,
      status: pool.status,
      approvals: progress.approvals,
      needed: progress.needed,
      voters: progress.voters,
      round: pool.round,
      expiresAt: pool.expiresAt,
      outcome,
    };
    this.options.onHold({ ...entry.hold });
    this.options.emit('votes:held', this.view(entry));
    if (pool.status === 'pending') this.schedule(entry, poolId);
    else this.watched.delete(poolId);
  }

  private schedule(entry: Watched, poolId: string): void {
    if (this.stopped) return;
    entry.timer = setTimeout(
      () => void this.refresh(poolId).catch(() => undefined),
      this.options.pollMs ?? DEFAULT_POLL_MS,
    );
    entry.timer.unref();
  }

  private view(entry: Watched): HeldOperation {
    return {
      operation: entry.operation,
      subjectId: entry.subjectId,
      label: entry.label,
      hold: { ...entry.hold },
    };
  }

  private async policyName(policyId: string): Promise<string | null> {
    if (!this.policyNames.has(policyId)) {
      const name = await retrievePolicy(this.options.session.http, policyId).then(
        (policy) => policy.name,
        () => null,
      );
      this.policyNames.set(policyId, name);
    }
    return this.policyNames.get(policyId) ?? null;
  }

  /** "Approved by Phone and Laptop", "Rejected by Phone", "Expired: …", "Cancelled". */
  private async outcomeWords(pool: PoolRecord): Promise<string> {
    if (pool.status === 'expired') return 'Expired: not enough votes came in time';
    if (pool.status === 'cancelled') return 'Cancelled';
    const names = new Map(
      (await listAuthenticators(this.options.session.http).catch(() => [])).map((a) => [
        a.deviceIdentifier,
        a.name,
      ]),
    );
    const vote = pool.status === 'approved' ? 'yes' : 'no';
    const who = pool.ballots
      .filter((ballot) => ballot.vote === vote)
      .map((ballot) => names.get(ballot.deviceIdentifier) ?? 'a removed device');
    const verb = pool.status === 'approved' ? 'Approved' : 'Rejected';
    return who.length === 0 ? verb : `${verb} by ${joinNames(who)}`;
  }
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
