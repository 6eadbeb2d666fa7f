import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  changePolicy,
  listPolicies,
  registerPolicy,
  resolvePolicy,
  type PolicyInput,
} from '../../domain/policy.ts';
import { POLICY_TEMPLATES } from '../../domain/policy-templates.ts';
import type { PolicyRecord, PolicyStatus } from '../../store/voting-store.ts';
import { isoSeconds } from '../../time.ts';
import { text } from '../field-schemas.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

/** Contract §11 policy record; `id` repeats `policyId`. */
function policyView(policy: PolicyRecord) {
  return {
    id: policy.id,
    policyId: policy.id,
    name: policy.name,
    policyTemplateId: policy.templateId,
    applyingEventIds: policy.eventIds,
    configuration: policy.configuration,
    votingConfigurationId: policy.votingConfigurationId,
    status: policy.status,
    createdAt: isoSeconds(policy.createdAt),
    updatedAt: isoSeconds(policy.updatedAt),
  };
}

/** Contract §11 list-policy-templates: an object keyed by template id, in the contract's order. */
function templatesView() {
  return Object.fromEntries(
    POLICY_TEMPLATES.map((template) => [
      template.id,
      {
        name: template.name,
        description: template.description,
        events: Object.fromEntries(
          Object.entries(template.events).map(([eventId, label]) => [
            eventId,
            { [eventId]: label },
          ]),
        ),
        configuration: template.configuration,
        votingAttributes: template.votingAttributes,
      },
    ]),
  );
}

const policyRef = {
  fields: { policyId: reference, name: reference },
} as const;
type PolicyRef = { policyId?: string; name?: string };

export function registerPolicyRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route(app, ctx, 'policy.list-policy-templates', {
    handler: async () => templatesView(),
  });

  route<PolicyInput>(app, ctx, 'policy.register', {
    fields: {
      name: text(1, 100),
      policyTemplateId: text(1, 100),
      applyingEventIds: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: { type: 'string', maxLength: 100 },
      },
      configuration: { type: 'object', maxProperties: 50 },
      configurationId: reference,
      votingConfigurationId: reference,
    },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await registerPolicy(ctx, caller, input)),
  });

  const lists: [
    'policy.list-active' | 'policy.list-inactive' | 'policy.list',
    PolicyStatus | undefined,
  ][] = [
    ['policy.list-active', 'active'],
    ['policy.list-inactive', 'inactive'],
    ['policy.list', undefined],
  ];
  for (const [id, status] of lists) {
    route(app, ctx, id, {
      handler: async ({ caller }) => {
        const items = (await listPolicies(ctx, caller, status)).map(policyView);
        return { items, meta: { count: items.length } };
      },
    });
  }

  route<PolicyRef>(app, ctx, 'policy.activate', {
    ...policyRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await changePolicy(ctx, caller, 'activate', input)),
  });

  route<PolicyRef>(app, ctx, 'policy.deactivate', {
    ...policyRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await changePolicy(ctx, caller, 'deactivate', input)),
  });

  route<PolicyRef>(app, ctx, 'policy.delete', {
    ...policyRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await changePolicy(ctx, caller, 'remove', input)),
  });

  route(app, ctx, 'policy.retrieve-policy', {
    handler: async ({ params, caller }) =>
      policyView(await resolvePolicy(ctx.store, caller, params.nameOrId!)),
  });
}
