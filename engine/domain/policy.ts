import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { isId } from '../ids.ts';
import type { StoreRepos } from '../store/store.ts';
import type { PolicyRecord, PolicyStatus } from '../store/voting-store.ts';
import type { Caller } from './authorization.ts';
import { DomainError, invalid, notFound } from './domain-error.ts';
import { perContext } from './per-context.ts';
import { policyTemplate } from './policy-templates.ts';
import { resolveVotingConfiguration } from './voting-configuration.ts';

/** Contract §1.2: "id or name" is matched against ids first, then names. */
export async function resolvePolicy(
  repos: StoreRepos,
  caller: Caller,
  nameOrId: string,
): Promise<PolicyRecord> {
  const byId = isId(nameOrId) ? await repos.policies.byId(nameOrId) : undefined;
  if (byId && byId.profileId === caller.profile.id) return byId;
  const byName = await repos.policies.byName(caller.profile.id, nameOrId);
  if (byName) return byName;
  throw notFound.policy();
}

export interface PolicyInput {
  name?: string;
  policyTemplateId: string;
  applyingEventIds: string[];
  configuration?: Record<string, unknown>;
  configurationId?: string;
  votingConfigurationId?: string;
}

type NewPolicy = Pick<
  PolicyRecord,
  'templateId' | 'eventIds' | 'configuration' | 'votingConfigurationId'
> & { name: string | null };

export const policyCommands = perContext((_ctx: EngineContext) => {
  const register: CommandSpec<NewPolicy> = {
    kind: 'policy.register',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      // Contract §11: without a name the policy is named by its id (unique by construction).
      const name = payload.name ?? commandId;
      if (await tx.policies.byName(profileId!, name))
        return { ok: false, reason: 'policy.name_taken' };
      const configurationId = payload.votingConfigurationId;
      if (configurationId !== null && !(await tx.votingConfigurations.byId(configurationId)))
        return { ok: false, reason: 'voting_configuration.not_found' };
      await tx.policies.insert({
        id: commandId,
        profileId: profileId!,
        name,
        templateId: payload.templateId,
        eventIds: payload.eventIds,
        configuration: payload.configuration,
        votingConfigurationId: configurationId,
        status: 'inactive',
        createdAt: now,
        updatedAt: now,
      });
      return { ok: true, result: { policyId: commandId } };
    },
  };

  const setStatus = (kind: string, status: PolicyStatus): CommandSpec<{ policyId: string }> => ({
    kind,
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const policy = await tx.policies.byId(payload.policyId);
      if (!policy) return { ok: false, reason: 'policy.not_found' };
      // Contract §11: activating an active policy (or deactivating an inactive one) is a no-op.
      if (policy.status !== status) await tx.policies.setStatus(policy.id, status, now);
      return { ok: true };
    },
  });

  const remove: CommandSpec<{ policyId: string }> = {
    kind: 'policy.delete',
    restart: 'rerun',
    async commit(tx, { payload }) {
      // Contract §11: open pools continue; they keep their command and subject.
      await tx.policies.remove(payload.policyId);
      return { ok: true };
    },
  };

  return {
    register,
    activate: setStatus('policy.activate', 'active'),
    deactivate: setStatus('policy.deactivate', 'inactive'),
    remove,
  };
});

export async function registerPolicy(
  ctx: EngineContext,
  caller: Caller,
  input: PolicyInput,
): Promise<string> {
  const template = policyTemplate(input.policyTemplateId);
  if (!template) throw invalid('policyTemplateId', 'must be the id of a policy template');
  const eventIds = [...new Set(input.applyingEventIds)];
  const foreign = eventIds.filter((eventId) => !(eventId in template.events));
  if (eventIds.length === 0) throw invalid('applyingEventIds', 'must name at least one event');
  if (foreign.length > 0) {
    throw invalid(
      'applyingEventIds',
      `must be events of ${template.id}: ${Object.keys(template.events).join(', ')}`,
    );
  }
  const configuration: Record<string, string> = {};
  const errors: string[] = [];
  for (const [key, value] of Object.entries(input.configuration ?? {})) {
    if (typeof value === 'string' && key.length <= 64 && value.length <= 1024)
      configuration[key] = value;
    else errors.push(`${key.slice(0, 64)} must be a string of at most 1024 characters`);
  }
  if (errors.length > 0)
    throw new DomainError(422, 'validation.failed', 'The request has invalid fields.', {
      configuration: errors,
    });
  if (Object.keys(configuration).length > 50)
    throw invalid('configuration', 'must have at most 50 keys');
  const resolve = (ref: string | undefined) =>
    ref === undefined ? undefined : resolveVotingConfiguration(ctx.store, caller, ref);
  const first = await resolve(input.configurationId);
  const second = await resolve(input.votingConfigurationId);
  if (first && second && first.id !== second.id)
    throw invalid(
      'votingConfigurationId',
      'must name the same voting configuration as configurationId',
    );
  return ctx.commands.accept(policyCommands(ctx).register, caller.profile.id, {
    name: input.name ?? null,
    templateId: template.id,
    eventIds,
    configuration,
    votingConfigurationId: (first ?? second)?.id ?? null,
  });
}

/** activate, deactivate and delete name the policy by `policyId` (id or name) or `name`. */
export async function policyReference(
  ctx: EngineContext,
  caller: Caller,
  input: { policyId?: string; name?: string },
): Promise<PolicyRecord> {
  const reference = input.policyId ?? input.name;
  if (reference === undefined) throw invalid('policyId', 'send policyId or name');
  if (input.policyId === undefined) {
    const byName = await ctx.store.policies.byName(caller.profile.id, reference);
    if (!byName) throw notFound.policy();
    return byName;
  }
  return resolvePolicy(ctx.store, caller, reference);
}

export async function changePolicy(
  ctx: EngineContext,
  caller: Caller,
  verb: 'activate' | 'deactivate' | 'remove',
  input: { policyId?: string; name?: string },
): Promise<string> {
  const policy = await policyReference(ctx, caller, input);
  return ctx.commands.accept(policyCommands(ctx)[verb], caller.profile.id, {
    policyId: policy.id,
  });
}

export function listPolicies(
  ctx: EngineContext,
  caller: Caller,
  status?: PolicyStatus,
): Promise<PolicyRecord[]> {
  return ctx.store.policies.list(caller.profile.id, status);
}
