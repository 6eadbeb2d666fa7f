import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  cancelPool,
  castVoteAs,
  checkPoolStatus,
  createPool,
  type PoolView,
} from '../../domain/voting.ts';
import type { Vote } from '../../store/voting-store.ts';
import { isoSeconds } from '../../time.ts';
import { text } from '../field-schemas.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

/** Contract §12 pool record: `ballots` and `expiresAt` describe the current round. */
function poolView({ pool, ballots }: PoolView) {
  return {
    poolId: pool.id,
    status: pool.status,
    strategy: pool.strategy,
    percentageRequired: pool.percentageRequired,
    quorumSize: pool.quorumSize,
    round: pool.round,
    subject: pool.subject,
    context: pool.context,
    createdAt: isoSeconds(pool.createdAt),
    expiresAt: isoSeconds(pool.expiresAt),
    resolvedAt: pool.resolvedAt === null ? null : isoSeconds(pool.resolvedAt),
    ballots: ballots.map((ballot) => ({
      ballotId: ballot.id,
      deviceIdentifier: ballot.deviceId,
      vote: ballot.vote,
      votedAt: ballot.votedAt === null ? null : isoSeconds(ballot.votedAt),
    })),
  };
}

export function registerVotingRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<{ votingConfigurationId?: string; subject: string; context?: string }>(
    app,
    ctx,
    'voting.create',
    {
      fields: { votingConfigurationId: reference, subject: text(1, 500), context: text(0, 1024) },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await createPool(ctx, caller, input)),
    },
  );

  route(app, ctx, 'voting.check-pool-status', {
    handler: async ({ params, caller }) =>
      poolView(await checkPoolStatus(ctx, caller, params.poolId!)),
  });

  route<{ poolId: string }>(app, ctx, 'voting.cancel-pool', {
    fields: { poolId: reference },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await cancelPool(ctx, caller, input.poolId)),
  });

  route<{ ballotId: string; vote: Vote }>(app, ctx, 'voting.cast-vote', {
    fields: { ballotId: reference, vote: { type: 'string', enum: ['yes', 'no'] } },
    // Contract §1.4: cast-vote takes only an authenticator's device token (token-access.ts;
    // the domain checks the ballot is that authenticator's).
    handler: async ({ input, caller }) => {
      await castVoteAs(ctx, caller, input.ballotId, input.vote);
      return { accepted: true };
    },
  });
}
