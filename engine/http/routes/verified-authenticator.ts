import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  listAuthenticators,
  registerAuthenticator,
  removeAuthenticator,
  retrieveStrategy,
  setMaximumVotingAttempts,
  setQuorumSize,
  setQuorumStrategy,
  setVotingTimeLimit,
} from '../../domain/verified-authenticator.ts';
import {
  deleteVotingConfiguration,
  listVotingConfigurations,
  registerVotingConfiguration,
  resolveVotingConfiguration,
  updateVotingConfiguration,
  type VotingConfigurationInput,
} from '../../domain/voting-configuration.ts';
import type { Strategy, VotingConfigurationRecord } from '../../store/voting-store.ts';
import { isoSeconds } from '../../time.ts';
import { integer, text } from '../field-schemas.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

type DeviceRef = { deviceIdentifier: string };
const deviceRef = {
  fields: { deviceIdentifier: reference },
} as const;

const STRATEGIES: Strategy[] = ['unanimous', 'consensus', 'affirmative', 'minimum_percentage'];
const strategy = { type: 'string', enum: STRATEGIES };
const timeLimit = integer(10, 86_400);
const percentage = integer(1, 100);
/** Contract §10: authenticators by id; an empty list means all of the profile's. */
const deviceIdentifiers = {
  type: 'array',
  maxItems: 100,
  items: { type: 'string', maxLength: 200 },
};

/** Contract §10 voting configuration item. */
function configurationView(configuration: VotingConfigurationRecord) {
  return {
    votingConfigurationId: configuration.id,
    name: configuration.name,
    timeLimit: configuration.timeLimit,
    strategy: configuration.strategy,
    percentageRequired: configuration.percentageRequired,
    deviceIdentifiers: configuration.deviceIds,
    createdAt: isoSeconds(configuration.createdAt),
    updatedAt: isoSeconds(configuration.updatedAt),
  };
}

export function registerVerifiedAuthenticatorRoutes(
  app: FastifyInstance,
  ctx: EngineContext,
): void {
  route<DeviceRef>(app, ctx, 'verified-authenticator.register', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await registerAuthenticator(ctx, caller, input.deviceIdentifier)),
  });

  route(app, ctx, 'verified-authenticator.list', {
    handler: async ({ caller }) =>
      (await listAuthenticators(ctx, caller)).map((view) => ({
        deviceIdentifier: view.device.id,
        name: view.device.name,
        online: view.online,
        lastSeenAt: view.lastSeenAt === null ? null : isoSeconds(view.lastSeenAt),
        registeredAt: isoSeconds(view.device.authenticatorSince ?? view.device.createdAt),
      })),
  });

  route(app, ctx, 'verified-authenticator.retrieve-strategy', {
    handler: async ({ caller }) => retrieveStrategy(ctx, caller),
  });

  route<{ quorumSize: number }>(app, ctx, 'verified-authenticator.set-quorum-size', {
    fields: { quorumSize: integer(1, 100) },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await setQuorumSize(ctx, caller, input.quorumSize)),
  });

  route<{ strategy: Strategy; strategy_params?: string }>(
    app,
    ctx,
    'verified-authenticator.set-quorum-strategy',
    {
      fields: { strategy, strategy_params: text(0, 16) },
      handler: async ({ input, caller, reply }) =>
        accepted(
          reply,
          await setQuorumStrategy(ctx, caller, input.strategy, input.strategy_params),
        ),
    },
  );

  route<{ timeLimit: number }>(app, ctx, 'verified-authenticator.set-voting-time-limit', {
    fields: { timeLimit },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await setVotingTimeLimit(ctx, caller, input.timeLimit)),
  });

  route<{ maxAttempts: number }>(app, ctx, 'verified-authenticator.set-maximum-voting-attempts', {
    fields: { maxAttempts: integer(1, 10) },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await setMaximumVotingAttempts(ctx, caller, input.maxAttempts)),
  });

  route<DeviceRef>(app, ctx, 'verified-authenticator.remove', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await removeAuthenticator(ctx, caller, input.deviceIdentifier)),
  });

  route<VotingConfigurationInput>(
    app,
    ctx,
    'verified-authenticator.voting-configuration-register',
    {
      fields: {
        name: text(1, 100),
        timeLimit,
        strategy,
        percentageRequired: percentage,
        deviceIdentifiers,
      },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await registerVotingConfiguration(ctx, caller, input)),
    },
  );

  route<{ votingConfigurationId: string } & Partial<VotingConfigurationInput>>(
    app,
    ctx,
    'verified-authenticator.voting-configuration-update',
    {
      fields: {
        votingConfigurationId: reference,
        name: text(1, 100),
        timeLimit,
        strategy,
        percentageRequired: percentage,
        deviceIdentifiers,
      },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await updateVotingConfiguration(ctx, caller, input)),
    },
  );

  route(app, ctx, 'verified-authenticator.voting-configuration-list', {
    handler: async ({ caller }) => {
      const items = (await listVotingConfigurations(ctx, caller)).map(configurationView);
      return { items, meta: { count: items.length } };
    },
  });

  route(app, ctx, 'verified-authenticator.voting-configuration-retrieve', {
    handler: async ({ params, caller }) =>
      configurationView(await resolveVotingConfiguration(ctx.store, caller, params.nameOrId!)),
  });

  route<{ votingConfigurationId: string }>(
    app,
    ctx,
    'verified-authenticator.voting-configuration-delete',
    {
      fields: { votingConfigurationId: reference },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await deleteVotingConfiguration(ctx, caller, input.votingConfigurationId)),
    },
  );
}
