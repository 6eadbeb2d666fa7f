// voting defaults [--strategy S] [--percentage P] [--quorum N] [--time-limit SEC] [--attempts N]
// voting config [ls | add NAME … | update NAME_OR_ID … | rm NAME_OR_ID]

import {
  VOTING_STRATEGIES,
  deleteVotingConfiguration,
  listVotingConfigurations,
  registerVotingConfiguration,
  retrieveStrategy,
  setMaximumVotingAttempts,
  setQuorumSize,
  setQuorumStrategy,
  setVotingTimeLimit,
  updateVotingConfiguration,
  type VotingDefaults,
  type VotingStrategy,
} from '../../client/endpoints/verified-authenticator.ts';
import {
  expectArgs,
  integerOption,
  stringOption,
  type CommandSpec,
  type OptionValues,
} from '../command-spec.ts';
import { formatTable } from '../output.ts';
import { UsageError } from '../usage-error.ts';

function strategyOption(values: OptionValues, command: string): VotingStrategy | undefined {
  const text = stringOption(values, 'strategy');
  if (text === undefined) return undefined;
  if (!(VOTING_STRATEGIES as readonly string[]).includes(text))
    throw new UsageError(
      `${command}: --strategy must be one of ${VOTING_STRATEGIES.join(', ')}, got "${text}".`,
      'voting',
    );
  return text as VotingStrategy;
}

function describeRule(strategy: VotingStrategy, percentage: number | null): string {
  switch (strategy) {
    case 'unanimous':
      return 'every vote cast must be yes';
    case 'consensus':
      return 'more yes than no';
    case 'affirmative':
      return 'one yes is enough';
    case 'minimum_percentage':
      return `at least ${percentage ?? '?'}% of votes cast are yes`;
  }
}

function defaultsLines(defaults: VotingDefaults): string[] {
  return [
    `Strategy:      ${defaults.strategy} (${describeRule(defaults.strategy, defaults.percentageRequired)})`,
    `Quorum:        at least ${defaults.quorumSize} vote${defaults.quorumSize === 1 ? '' : 's'} cast`,
    `Time limit:    ${defaults.timeLimit} s per round`,
    `Rounds:        ${defaults.maxAttempts}`,
  ];
}

export const votingCommand: CommandSpec = {
  name: 'voting',
  synopsis: [
    'voting defaults [--strategy S [--percentage P]] [--quorum N] [--time-limit SEC] [--attempts N]',
    'voting config [ls]',
    'voting config add NAME --strategy S [--percentage P] --time-limit SEC [--device ID ...]',
    'voting config update NAME_OR_ID [--name N] [--strategy S] [--percentage P] [--time-limit SEC] [--device ID ...] [--all-devices]',
    'voting config rm NAME_OR_ID',
  ],
  summary: 'Show or change how votes are decided: the defaults and named voting configurations.',
  options: {
    strategy: { type: 'string' },
    percentage: { type: 'string' },
    quorum: { type: 'string' },
    'time-limit': { type: 'string' },
    attempts: { type: 'string' },
    name: { type: 'string' },
    device: { type: 'string', multiple: true },
    'all-devices': { type: 'boolean' },
  },
  async run(ctx, { positionals, values }) {
    const [area, action = 'ls', ...rest] = positionals;
    if (area === 'defaults') {
      expectArgs(positionals.slice(1), 0, 0, 'voting defaults', '');
      const strategy = strategyOption(values, 'voting defaults');
      const percentage = integerOption(values, 'percentage', 'voting defaults', 1, 100);
      const quorum = integerOption(values, 'quorum', 'voting defaults', 1, 100);
      const timeLimit = integerOption(values, 'time-limit', 'voting defaults', 10, 86_400);
      const attempts = integerOption(values, 'attempts', 'voting defaults', 1, 10);
      if (percentage !== undefined && strategy !== 'minimum_percentage')
        throw new UsageError(
          'voting defaults: --percentage goes with --strategy minimum_percentage.',
          'voting',
        );
      if (strategy === 'minimum_percentage' && percentage === undefined)
        throw new UsageError('voting defaults: minimum_percentage needs --percentage.', 'voting');
      const session = await ctx.session();
      if (strategy !== undefined)
        await session.run(() =>
          setQuorumStrategy(session.http, {
            strategy,
            ...(percentage !== undefined ? { percentageRequired: percentage } : {}),
          }),
        );
      if (quorum !== undefined)
        await session.run(() => setQuorumSize(session.http, { quorumSize: quorum }));
      if (timeLimit !== undefined)
        await session.run(() => setVotingTimeLimit(session.http, { timeLimit }));
      if (attempts !== undefined)
        await session.run(() => setMaximumVotingAttempts(session.http, { maxAttempts: attempts }));
      const defaults = await retrieveStrategy(session.http);
      ctx.out.result(defaultsLines(defaults), { defaults });
      return;
    }
    if (area !== 'config')
      throw new UsageError('voting: use `voting defaults` or `voting config`.', 'voting');
    if (!['ls', 'add', 'update', 'rm'].includes(action))
      throw new UsageError(
        `voting config: unknown action "${action}"; use ls, add, update or rm.`,
        'voting',
      );
    const session = await ctx.session();
    const strategy = strategyOption(values, `voting config ${action}`);
    const percentage = integerOption(values, 'percentage', `voting config ${action}`, 1, 100);
    const timeLimit = integerOption(values, 'time-limit', `voting config ${action}`, 10, 86_400);
    const devices = (values['device'] as string[] | undefined) ?? [];
    switch (action) {
      case 'ls': {
        expectArgs(rest, 0, 0, 'voting config', '');
        const configurations = await listVotingConfigurations(session.http);
        ctx.out.result(
          configurations.length === 0
            ? 'No voting configurations; pools use the defaults (`privicore-vault voting defaults`).'
            : formatTable(
                ['ID', 'NAME', 'RULE', 'TIME LIMIT', 'VOTERS'],
                configurations.map((c) => [
                  c.votingConfigurationId,
                  c.name,
                  describeRule(c.strategy, c.percentageRequired),
                  `${c.timeLimit} s`,
                  c.deviceIdentifiers.length === 0
                    ? 'all authenticators'
                    : c.deviceIdentifiers.join(','),
                ]),
              ),
          { votingConfigurations: configurations },
        );
        return;
      }
      case 'add': {
        expectArgs(rest, 1, 1, 'voting config add', 'the name');
        if (strategy === undefined || timeLimit === undefined)
          throw new UsageError(
            'voting config add: --strategy and --time-limit are required.',
            'voting',
          );
        const name = rest[0]!;
        const { votingConfigurationId } = await session.run(() =>
          registerVotingConfiguration(session.http, {
            name,
            strategy,
            timeLimit,
            ...(percentage !== undefined ? { percentageRequired: percentage } : {}),
            deviceIdentifiers: devices,
          }),
        );
        ctx.out.result(`Added voting configuration ${name} (${votingConfigurationId}).`, {
          votingConfigurationId,
          name,
        });
        return;
      }
      case 'update': {
        expectArgs(rest, 1, 1, 'voting config update', 'the name or id');
        const name = stringOption(values, 'name');
        const allDevices = values['all-devices'] === true;
        if (allDevices && devices.length > 0)
          throw new UsageError(
            'voting config update: --device and --all-devices exclude each other.',
            'voting',
          );
        await session.run(() =>
          updateVotingConfiguration(session.http, {
            votingConfigurationId: rest[0]!,
            ...(name !== undefined ? { name } : {}),
            ...(strategy !== undefined ? { strategy } : {}),
            ...(percentage !== undefined ? { percentageRequired: percentage } : {}),
            ...(timeLimit !== undefined ? { timeLimit } : {}),
            ...(devices.length > 0
              ? { deviceIdentifiers: devices }
              : allDevices
                ? { deviceIdentifiers: [] }
                : {}),
          }),
        );
        ctx.out.result(`Updated ${rest[0]}.`, { votingConfigurationId: rest[0], updated: true });
        return;
      }
      case 'rm': {
        expectArgs(rest, 1, 1, 'voting config rm', 'the name or id');
        await session.run(() =>
          deleteVotingConfiguration(session.http, { votingConfigurationId: rest[0]! }),
        );
        ctx.out.result(`Removed ${rest[0]}.`, { votingConfigurationId: rest[0], removed: true });
        return;
      }
    }
  },
};
