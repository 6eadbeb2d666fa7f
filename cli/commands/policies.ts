// policies templates | ls [--active|--inactive] | add … | activate | deactivate | rm NAME_OR_ID

import {
  activatePolicy,
  deactivatePolicy,
  deletePolicy,
  listActivePolicies,
  listInactivePolicies,
  listPolicies,
  listPolicyTemplates,
  registerPolicy,
} from '../../client/endpoints/policy.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatTable } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const policiesCommand: CommandSpec = {
  name: 'policies',
  synopsis: [
    'policies templates',
    'policies [ls] [--active | --inactive]',
    'policies add --template T --event E [--event E2 ...] [--name N] [--context-prefix P] [--voting-config NAME] [--activate]',
    'policies activate NAME_OR_ID',
    'policies deactivate NAME_OR_ID',
    'policies rm NAME_OR_ID',
  ],
  summary: 'Which operations wait for a vote: policy templates, and the policies made from them.',
  options: {
    active: { type: 'boolean' },
    inactive: { type: 'boolean' },
    template: { type: 'string' },
    event: { type: 'string', multiple: true },
    name: { type: 'string' },
    'context-prefix': { type: 'string' },
    'voting-config': { type: 'string' },
    activate: { type: 'boolean' },
  },
  async run(ctx, { positionals, values }) {
    const [action = 'ls', ...rest] = positionals;
    if (!['templates', 'ls', 'add', 'activate', 'deactivate', 'rm'].includes(action))
      throw new UsageError(
        `policies: unknown action "${action}"; use templates, ls, add, activate, deactivate or rm.`,
        'policies',
      );
    const session = await ctx.session();
    switch (action) {
      case 'templates': {
        expectArgs(rest, 0, 0, 'policies templates', '');
        const templates = await listPolicyTemplates(session.http);
        ctx.out.result(
          Object.entries(templates).flatMap(([id, template]) => [
            `${id} — ${template.description}`,
            ...Object.entries(template.events).map(
              ([eventId, label]) => `    --event ${eventId}  (${label[eventId] ?? eventId})`,
            ),
            ...(template.configuration.includes('contextPrefix')
              ? ['    --context-prefix P  only files whose folder starts with P']
              : []),
          ]),
          { templates },
        );
        return;
      }
      case 'ls': {
        expectArgs(rest, 0, 0, 'policies', '');
        if (values['active'] === true && values['inactive'] === true)
          throw new UsageError('policies: --active and --inactive exclude each other.', 'policies');
        const policies =
          values['active'] === true
            ? await listActivePolicies(session.http)
            : values['inactive'] === true
              ? await listInactivePolicies(session.http)
              : await listPolicies(session.http);
        ctx.out.result(
          policies.length === 0
            ? 'No policies.'
            : formatTable(
                ['ID', 'NAME', 'STATUS', 'EVENTS', 'PREFIX'],
                policies.map((p) => [
                  p.policyId,
                  p.name,
                  p.status,
                  p.applyingEventIds.join(','),
                  p.configuration['contextPrefix'] ?? '-',
                ]),
              ),
          { policies },
        );
        return;
      }
      case 'add': {
        expectArgs(rest, 0, 0, 'policies add', '');
        const template = stringOption(values, 'template');
        const events = (values['event'] as string[] | undefined) ?? [];
        if (!template || events.length === 0)
          throw new UsageError(
            'policies add: --template and at least one --event are required.',
            'policies',
          );
        const name = stringOption(values, 'name');
        const prefix = stringOption(values, 'context-prefix');
        const votingConfiguration = stringOption(values, 'voting-config');
        const { policyId } = await session.run(() =>
          registerPolicy(session.http, {
            policyTemplateId: template,
            applyingEventIds: events,
            ...(name !== undefined ? { name } : {}),
            ...(prefix !== undefined ? { configuration: { contextPrefix: prefix } } : {}),
            ...(votingConfiguration !== undefined
              ? { votingConfigurationId: votingConfiguration }
              : {}),
          }),
        );
        const activate = values['activate'] === true;
        if (activate) await session.run(() => activatePolicy(session.http, { policyId }));
        ctx.out.result(
          `Added policy ${name ?? policyId} (${activate ? 'active' : 'inactive; activate it with `privicore-vault policies activate ' + policyId + '`'}).`,
          { policyId, active: activate },
        );
        return;
      }
      default: {
        expectArgs(rest, 1, 1, `policies ${action}`, 'the policy name or id');
        const ref = { policyId: rest[0]! };
        const verb =
          action === 'activate'
            ? activatePolicy
            : action === 'deactivate'
              ? deactivatePolicy
              : deletePolicy;
        await session.run(() => verb(session.http, ref));
        const done =
          action === 'activate' ? 'Activated' : action === 'deactivate' ? 'Deactivated' : 'Removed';
        ctx.out.result(`${done} ${rest[0]}.`, { policyId: rest[0], action });
      }
    }
  },
};
