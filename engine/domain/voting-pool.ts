import type { JoinedSocket } from '../channel/socket-hub.ts';
import type { EngineContext } from '../context.ts';
import { newId } from '../ids.ts';
import type { StoreRepos } from '../store/store.ts';
import type { OpenBallot, PoolRecord, PoolStatus, VotingDefaults } from '../store/voting-store.ts';
import { isoSeconds } from '../time.ts';
import { perContext } from './per-context.ts';
import {
  roundOutcome,
  settledOutcome,
  type RoundOutcome,
  type RoundRules,
} from './voting-rules.ts';

/**
 * Voting pools (contract §10, §12): opening one, its rounds, early resolution, deadlines and
 * what its end does to the command it holds. Every function here works inside the caller's
 * transaction and pushes what must happen after the commit (messages, timers, releasing a
 * command) onto `effects`; runEffects runs them once the transaction committed.
 */
export type Effects = (() => void)[];

/** Contract §10 profile defaults. */
export const DEFAULT_VOTING: VotingDefaults = {
  strategy: 'consensus',
  percentageRequired: null,
  quorumSize: 1,
  timeLimit: 300,
  maxAttempts: 1,
};

/** Contract §11: how a held command ends when one of its pools ends otherwise than approved. */
const REJECTION: Record<Exclude<PoolStatus, 'pending' | 'approved'>, string> = {
  rejected: 'policy.vote_rejected',
  expired: 'policy.vote_expired',
  cancelled: 'policy.vote_cancelled',
};

export interface PoolPlan extends RoundRules {
  maxAttempts: number;
  timeLimit: number;
  deviceIds: string[];
}

export interface NewPool {
  id: string;
  profileId: string;
  subject: string;
  context: string | null;
  commandId: string | null;
  policyId: string | null;
}

export async function votingDefaults(
  repos: StoreRepos,
  profileId: string,
): Promise<VotingDefaults> {
  return (await repos.votingDefaults.get(profileId)) ?? DEFAULT_VOTING;
}

/**
 * Contract §10: a pool's rules come from its voting configuration (else the defaults) and its
 * quorum and rounds from the defaults; its voters are the configuration's authenticators (else
 * all of the profile's). Undefined when fewer than quorumSize would vote
 * (`voting.no_authenticators`).
 */
export async function planPool(
  tx: StoreRepos,
  profileId: string,
  votingConfigurationId: string | null,
): Promise<PoolPlan | undefined> {
  const defaults = await votingDefaults(tx, profileId);
  const authenticators = (await tx.devices.authenticators(profileId)).map((device) => device.id);
  const found = votingConfigurationId
    ? await tx.votingConfigurations.byId(votingConfigurationId)
    : undefined;
  const configuration = found && found.profileId === profileId ? found : undefined;
  const deviceIds =
    configuration && configuration.deviceIds.length > 0
      ? configuration.deviceIds.filter((id) => authenticators.includes(id))
      : authenticators;
  if (deviceIds.length < defaults.quorumSize) return undefined;
  return {
    strategy: configuration?.strategy ?? defaults.strategy,
    percentageRequired: configuration
      ? configuration.percentageRequired
      : defaults.percentageRequired,
    quorumSize: defaults.quorumSize,
    maxAttempts: defaults.maxAttempts,
    timeLimit: configuration?.timeLimit ?? defaults.timeLimit,
    deviceIds,
  };
}

/** Records a pool in its first round and sends every voter a ballot. */
export async function openPool(
  tx: StoreRepos,
  ctx: EngineContext,
  plan: PoolPlan,
  pool: NewPool,
  now: number,
  effects: Effects,
): Promise<PoolRecord> {
  const record: PoolRecord = {
    ...pool,
    status: 'pending',
    strategy: plan.strategy,
    percentageRequired: plan.percentageRequired,
    quorumSize: plan.quorumSize,
    maxAttempts: plan.maxAttempts,
    timeLimit: plan.timeLimit,
    round: 1,
    deviceIds: plan.deviceIds,
    createdAt: now,
    expiresAt: now + plan.timeLimit * 1000,
    resolvedAt: null,
  };
  await tx.pools.insert(record);
  await issueBallots(tx, ctx, record, now, effects);
  return record;
}

async function issueBallots(
  tx: StoreRepos,
  ctx: EngineContext,
  pool: PoolRecord,
  now: number,
  effects: Effects,
): Promise<void> {
  for (const deviceId of pool.deviceIds) {
    // A ballot is the voting device's profile's: the pool's own, or in a directory's pool
    // (issue 12) a member's, whose authenticator alone may cast it.
    const device = await tx.devices.byId(deviceId);
    const ballot = {
      id: newId(),
      poolId: pool.id,
      profileId: device?.profileId ?? pool.profileId,
      deviceId,
      round: pool.round,
      vote: null,
      votedAt: null,
      createdAt: now,
    };
    await tx.ballots.insert(ballot);
    effects.push(() =>
      deliverBallot(ctx, { ballot, subject: pool.subject, expiresAt: pool.expiresAt }),
    );
  }
  const expiresAt = pool.expiresAt;
  effects.push(() => votingDeadlines(ctx).arm(expiresAt));
}

function ballotMessage(open: OpenBallot) {
  return {
    type: 'BALLOT' as const,
    id: open.ballot.id,
    body: {
      poolId: open.ballot.poolId,
      subject: open.subject,
      expiresAt: isoSeconds(open.expiresAt),
    },
  };
}

/**
 * Contract §2: a BALLOT goes only to sockets joined with the addressed authenticator's device
 * token, and over the device bus to an authenticator in the device runtime. It is not buffered:
 * a joining authenticator is sent its open ballots anew (sendOpenBallots).
 */
export function deliverBallot(ctx: EngineContext, open: OpenBallot): void {
  const message = ballotMessage(open);
  ctx.hub.publish({ deviceId: open.ballot.deviceId }, message, { buffer: false });
  ctx.bus.deliverBallot(open.ballot.deviceId, {
    ballotId: message.id,
    poolId: message.body.poolId,
    subject: message.body.subject,
    expiresAt: message.body.expiresAt,
  });
}

/** Contract §2: an authenticator that joins is sent each of its ballots that is still open. */
export async function sendOpenBallots(ctx: EngineContext, socket: JoinedSocket): Promise<void> {
  if (!socket.deviceId) return;
  for (const open of await ctx.store.ballots.openForDevice(socket.deviceId))
    ctx.hub.sendTo(socket, ballotMessage(open));
}

/** The same over the device bus, when an authenticator runtime connects. */
export async function sendOpenBallotsOverBus(ctx: EngineContext, deviceId: string): Promise<void> {
  for (const open of await ctx.store.ballots.openForDevice(deviceId)) {
    const message = ballotMessage(open);
    ctx.bus.deliverBallot(deviceId, {
      ballotId: message.id,
      poolId: message.body.poolId,
      subject: message.body.subject,
      expiresAt: message.body.expiresAt,
    });
  }
}

/**
 * Moves a pending pool on after a vote, a withdrawal or its deadline (contract §10): the round
 * ends when all ballots are cast, when no remaining ballot can change its outcome, or at
 * `expiresAt`. Approved or rejected resolves the pool; no quorum starts a new round while
 * rounds remain, else the pool expires.
 */
export async function advancePool(
  tx: StoreRepos,
  ctx: EngineContext,
  poolId: string,
  now: number,
  effects: Effects,
): Promise<void> {
  for (;;) {
    const pool = await tx.pools.byId(poolId);
    if (!pool || pool.status !== 'pending') return;
    const ballots = await tx.ballots.forRound(pool.id, pool.round);
    const yes = ballots.filter((ballot) => ballot.vote === 'yes').length;
    const no = ballots.filter((ballot) => ballot.vote === 'no').length;
    const open = ballots.length - yes - no;
    const outcome: RoundOutcome | undefined =
      pool.expiresAt <= now || open === 0
        ? roundOutcome(pool, yes, no)
        : settledOutcome(pool, yes, no, open);
    if (outcome === undefined) return;
    if (outcome !== 'no_quorum') {
      await resolvePool(tx, ctx, pool, outcome, now, effects);
      return;
    }
    if (pool.round >= pool.maxAttempts) {
      await resolvePool(tx, ctx, pool, 'expired', now, effects);
      return;
    }
    await startRound(tx, ctx, pool, now, effects);
    // The new round may itself be decided at once (fewer voters left than the quorum).
  }
}

/**
 * A new round with fresh ballots. It starts when the engine applies the previous round's end,
 * which after a restart may be later than that round's deadline: voters always get a full
 * time limit.
 */
async function startRound(
  tx: StoreRepos,
  ctx: EngineContext,
  pool: PoolRecord,
  now: number,
  effects: Effects,
): Promise<void> {
  const voters: string[] = [];
  const directoryId = await tx.directoryPools.directoryOf(pool.id);
  for (const deviceId of pool.deviceIds) {
    const device = await tx.devices.byId(deviceId);
    if (!device || device.role !== 'authenticator') continue;
    // A directory's pool (issue 12) keeps the authenticators of profiles still its members.
    const mayVote =
      device.profileId === pool.profileId ||
      (directoryId !== undefined &&
        (await tx.directoryMembers.get(directoryId, device.profileId)) !== undefined);
    if (mayVote) voters.push(deviceId);
  }
  const next: PoolRecord = {
    ...pool,
    round: pool.round + 1,
    deviceIds: voters,
    expiresAt: now + pool.timeLimit * 1000,
  };
  await tx.pools.update(pool.id, {
    round: next.round,
    deviceIds: next.deviceIds,
    expiresAt: next.expiresAt,
  });
  await issueBallots(tx, ctx, next, now, effects);
}

/** Ends a pool; its held command reacts (contract §11) and its profile hears POOL-RESOLVED. */
export async function resolvePool(
  tx: StoreRepos,
  ctx: EngineContext,
  pool: PoolRecord,
  status: Exclude<PoolStatus, 'pending'>,
  now: number,
  effects: Effects,
): Promise<void> {
  await tx.pools.update(pool.id, { status, resolvedAt: now });
  effects.push(() =>
    ctx.hub.publish(
      { profileId: pool.profileId },
      {
        type: 'POOL-RESOLVED',
        id: pool.id,
        body: { status, subject: pool.subject, resolvedAt: isoSeconds(now) },
      },
    ),
  );
  if (pool.commandId !== null)
    await settleHeldCommand(tx, ctx, pool.commandId, status, now, effects);
}

/**
 * Contract §11: a held command runs once all its pools are approved; the first pool ending
 * otherwise rejects it and cancels the others.
 */
async function settleHeldCommand(
  tx: StoreRepos,
  ctx: EngineContext,
  commandId: string,
  status: Exclude<PoolStatus, 'pending'>,
  now: number,
  effects: Effects,
): Promise<void> {
  if (status === 'approved') {
    const pools = await tx.pools.forCommand(commandId);
    if (!pools.every((pool) => pool.status === 'approved')) return;
    if (await tx.holds.transition(commandId, 'waiting', 'released'))
      effects.push(() => ctx.commands.release(commandId));
    return;
  }
  if (!(await tx.holds.transition(commandId, 'waiting', 'rejected'))) return;
  const after = await ctx.commands.rejectHeld(tx, commandId, REJECTION[status]);
  if (after) effects.push(after);
  for (const other of await tx.pools.forCommand(commandId)) {
    if (other.status === 'pending') await resolvePool(tx, ctx, other, 'cancelled', now, effects);
  }
}

/**
 * Contract §8, §10: a device that stops being an authenticator leaves every voting
 * configuration and its open ballots are withdrawn; the pools it voted in move on without it.
 */
export async function withdrawAuthenticator(
  tx: StoreRepos,
  ctx: EngineContext,
  device: { id: string; profileId: string },
  now: number,
  effects: Effects,
): Promise<void> {
  for (const configuration of await tx.votingConfigurations.list(device.profileId)) {
    if (!configuration.deviceIds.includes(device.id)) continue;
    await tx.votingConfigurations.update(
      configuration.id,
      { deviceIds: configuration.deviceIds.filter((id) => id !== device.id) },
      now,
    );
  }
  const pools = await tx.pools.pendingForDevice(device.profileId, device.id);
  // Directories' pools it votes in too (issue 12): those are another profile's.
  for (const poolId of await tx.directoryPools.pendingWithVoter(device.id)) {
    const pool = await tx.pools.byId(poolId);
    if (pool && !pools.some((p) => p.id === pool.id)) pools.push(pool);
  }
  for (const pool of pools) {
    await tx.ballots.withdraw(pool.id, pool.round, device.id);
    await tx.pools.update(pool.id, { deviceIds: pool.deviceIds.filter((id) => id !== device.id) });
    await advancePool(tx, ctx, pool.id, now, effects);
  }
}

export function runEffects(ctx: EngineContext, effects: Effects): void {
  for (const effect of effects) {
    try {
      effect();
    } catch (error) {
      ctx.log.error({ err: error }, 'voting effect failed');
    }
  }
}

/**
 * Round deadlines (contract §10 `expiresAt`), armed on the engine clock: one timer for the
 * earliest deadline of any pending pool. Deadlines live in the store, so after a restart
 * `start` applies those that passed while the engine was down and arms the next.
 */
export class VotingDeadlines {
  private cancel: (() => void) | undefined;
  private armedAt: number | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly ctx: EngineContext) {}

  start(): Promise<void> {
    return this.run();
  }

  arm(at: number): void {
    if (this.closed || (this.armedAt !== undefined && this.armedAt <= at)) return;
    this.cancel?.();
    this.armedAt = at;
    this.cancel = this.ctx.clock.schedule(at, () => {
      this.armedAt = undefined;
      this.cancel = undefined;
      void this.run();
    });
  }

  /** Stops the timer and waits for a deadline being applied (engine shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
  }

  private run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.applyDue().catch((error: unknown) =>
          this.ctx.log.error({ err: error }, 'applying voting deadlines failed'),
        );
      } while (this.again && !this.closed);
      this.running = undefined;
    })();
    return this.running;
  }

  private async applyDue(): Promise<void> {
    const { ctx } = this;
    for (const due of await ctx.store.pools.pendingDueBy(ctx.now())) {
      if (this.closed) return;
      const effects: Effects = [];
      await ctx.store.atomic((tx) => advancePool(tx, ctx, due.id, ctx.now(), effects));
      runEffects(ctx, effects);
    }
    const next = await ctx.store.pools.nextDeadline();
    if (next !== undefined && !this.closed) this.arm(next);
  }
}

export const votingDeadlines = perContext((ctx: EngineContext) => new VotingDeadlines(ctx));
