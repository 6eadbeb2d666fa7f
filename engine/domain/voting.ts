import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { isId } from '../ids.ts';
import type { BallotRecord, PoolRecord, Vote } from '../store/voting-store.ts';
import type { Caller } from './authorization.ts';
import { DomainError, notFound } from './domain-error.ts';
import { perContext } from './per-context.ts';
import { resolveVotingConfiguration } from './voting-configuration.ts';
import {
  advancePool,
  openPool,
  planPool,
  resolvePool,
  runEffects,
  type Effects,
} from './voting-pool.ts';

/** A pool as check-pool-status shows it: the record and the current round's ballots. */
export interface PoolView {
  pool: PoolRecord;
  ballots: BallotRecord[];
}

export const votingCommands = perContext((ctx: EngineContext) => {
  const create: CommandSpec<{
    subject: string;
    context: string | null;
    votingConfigurationId: string | null;
  }> = {
    kind: 'voting.create',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      const plan = await planPool(tx, profileId!, payload.votingConfigurationId);
      if (!plan) return { ok: false, reason: 'voting.no_authenticators' };
      const effects: Effects = [];
      // Contract §1.6: the pool takes the command id as its id.
      await openPool(
        tx,
        ctx,
        plan,
        {
          id: commandId,
          profileId: profileId!,
          subject: payload.subject,
          context: payload.context,
          commandId: null,
          policyId: null,
        },
        now,
        effects,
      );
      return { ok: true, result: { poolId: commandId }, after: () => runEffects(ctx, effects) };
    },
  };

  const cancel: CommandSpec<{ poolId: string }> = {
    kind: 'voting.cancel-pool',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const pool = await tx.pools.byId(payload.poolId);
      if (!pool || pool.status !== 'pending') return { ok: false, reason: 'voting.pool_closed' };
      const effects: Effects = [];
      await resolvePool(tx, ctx, pool, 'cancelled', now, effects);
      return { ok: true, after: () => runEffects(ctx, effects) };
    },
  };

  return { create, cancel };
});

export async function createPool(
  ctx: EngineContext,
  caller: Caller,
  input: { subject: string; context?: string; votingConfigurationId?: string },
): Promise<string> {
  const configuration =
    input.votingConfigurationId === undefined
      ? undefined
      : await resolveVotingConfiguration(ctx.store, caller, input.votingConfigurationId);
  return ctx.commands.accept(votingCommands(ctx).create, caller.profile.id, {
    subject: input.subject,
    context: input.context ?? null,
    votingConfigurationId: configuration?.id ?? null,
  });
}

async function ownPool(ctx: EngineContext, caller: Caller, poolId: string): Promise<PoolRecord> {
  if (!isId(poolId)) throw notFound.pool();
  const pool = await ctx.store.pools.byId(poolId);
  if (!pool || pool.profileId !== caller.profile.id) throw notFound.pool();
  return pool;
}

/**
 * Contract §12 check-pool-status: the pool's profile, and for a directory's pool the
 * directory's owner and admins (issue 12); anyone else learns nothing of it.
 */
async function visiblePool(
  ctx: EngineContext,
  caller: Caller,
  poolId: string,
): Promise<PoolRecord> {
  if (!isId(poolId)) throw notFound.pool();
  const pool = await ctx.store.pools.byId(poolId);
  if (!pool) throw notFound.pool();
  if (pool.profileId === caller.profile.id) return pool;
  const directoryId = await ctx.store.directoryPools.directoryOf(pool.id);
  const member =
    directoryId === undefined
      ? undefined
      : await ctx.store.directoryMembers.get(directoryId, caller.profile.id);
  if (member && (member.role === 'owner' || member.role === 'admin')) return pool;
  throw notFound.pool();
}

export async function checkPoolStatus(
  ctx: EngineContext,
  caller: Caller,
  poolId: string,
): Promise<PoolView> {
  const pool = await visiblePool(ctx, caller, poolId);
  return { pool, ballots: await ctx.store.ballots.forRound(pool.id, pool.round) };
}

export async function cancelPool(
  ctx: EngineContext,
  caller: Caller,
  poolId: string,
): Promise<string> {
  const pool = await ownPool(ctx, caller, poolId);
  return ctx.commands.accept(votingCommands(ctx).cancel, caller.profile.id, { poolId: pool.id });
}

/** The voter behind a cast: an authenticator device of a profile. */
export interface Voter {
  deviceId: string;
  profileId: string;
}

const poolClosed = () =>
  new DomainError(
    409,
    'voting.pool_closed',
    'This ballot can no longer be cast: its pool has ended or its round is over.',
  );

/**
 * Contract §12 cast-vote: only the authenticator the ballot went to votes on it, once. The vote
 * may end the round, and with it the pool and the command it holds.
 */
export async function castVote(
  ctx: EngineContext,
  voter: Voter,
  ballotId: string,
  vote: Vote,
): Promise<void> {
  if (!isId(ballotId)) throw notFound.ballot();
  const effects: Effects = [];
  const refusal = await ctx.store.atomic(async (tx): Promise<DomainError | undefined> => {
    const now = ctx.now();
    const ballot = await tx.ballots.byId(ballotId);
    // Another device's ballot, even of the same profile, is not the caller's (contract §1.5).
    if (!ballot || ballot.deviceId !== voter.deviceId || ballot.profileId !== voter.profileId)
      return notFound.ballot();
    if (ballot.vote !== null)
      return new DomainError(
        409,
        'voting.already_voted',
        'This ballot was already cast; votes are final.',
      );
    const pool = await tx.pools.byId(ballot.poolId);
    if (!pool || pool.status !== 'pending' || pool.round !== ballot.round) return poolClosed();
    if (pool.expiresAt <= now) {
      // The round ended at its deadline; the timer has not applied it yet, so this does.
      await advancePool(tx, ctx, pool.id, now, effects);
      return poolClosed();
    }
    if (!(await tx.ballots.cast(ballot.id, vote, now)))
      return new DomainError(
        409,
        'voting.already_voted',
        'This ballot was already cast; votes are final.',
      );
    await advancePool(tx, ctx, pool.id, now, effects);
    return undefined;
  });
  runEffects(ctx, effects);
  if (refusal) throw refusal;
}

/** cast-vote over HTTP: the caller must hold an authenticator's device token (contract §1.4). */
export async function castVoteAs(
  ctx: EngineContext,
  caller: Caller,
  ballotId: string,
  vote: Vote,
): Promise<void> {
  const deviceId = caller.token.kind === 'device' ? caller.token.deviceId : null;
  const device = deviceId === null ? undefined : await ctx.store.devices.byId(deviceId);
  if (!device || device.role !== 'authenticator' || device.profileId !== caller.profile.id) {
    throw new DomainError(
      403,
      'auth.token_kind_not_allowed',
      "cast-vote takes only an authenticator's device token.",
    );
  }
  await castVote(ctx, { deviceId: device.id, profileId: device.profileId }, ballotId, vote);
}

/** cast-vote over the device bus (an authenticator in the device runtime). */
export async function castVoteOverBus(
  ctx: EngineContext,
  voter: Voter,
  ballotId: string,
  vote: Vote,
): Promise<{ accepted: true } | { accepted: false; reason: string }> {
  const device = await ctx.store.devices.byId(voter.deviceId);
  if (!device || device.role !== 'authenticator' || device.profileId !== voter.profileId)
    return { accepted: false, reason: 'auth.token_kind_not_allowed' };
  try {
    await castVote(ctx, voter, ballotId, vote);
    return { accepted: true };
  } catch (error) {
    if (error instanceof DomainError) return { accepted: false, reason: error.reason };
    throw error;
  }
}
