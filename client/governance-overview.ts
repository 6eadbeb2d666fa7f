// The governance screens' reads and writes (contract §10, §11) in the shapes the desktop's
// bridge carries: authenticators with the devices that could become one, the defaults and
// configurations, and the policy templates in words beside the policies made from them.

import type { PoliciesOverview, VotingDefaultsInfo, VotingOverview } from '../bridge/types.ts';
import { retrieveProfileDevices } from './endpoints/device.ts';
import {
  activatePolicy,
  deactivatePolicy,
  listPolicies,
  listPolicyTemplates,
  registerPolicy,
} from './endpoints/policy.ts';
import {
  listAuthenticators,
  listVotingConfigurations,
  registerVotingConfiguration,
  retrieveStrategy,
  setMaximumVotingAttempts,
  setQuorumSize,
  setQuorumStrategy,
  setVotingTimeLimit,
  updateVotingConfiguration,
  type VotingStrategy,
} from './endpoints/verified-authenticator.ts';
import type { VaultSession } from './session.ts';

export async function readVotingOverview(
  session: VaultSession,
  thisComputer: string | null,
): Promise<VotingOverview> {
  const [authenticators, devices, defaults, configurations] = await Promise.all([
    listAuthenticators(session.http),
    retrieveProfileDevices(session.http),
    retrieveStrategy(session.http),
    listVotingConfigurations(session.http),
  ]);
  return {
    authenticators: authenticators.map((a) => ({
      ...a,
      isThisComputer: a.deviceIdentifier === thisComputer,
    })),
    candidates: devices
      .filter((device) => device.status === 'approved' && device.role === null)
      .map((device) => ({ deviceIdentifier: device.deviceIdentifier, name: device.name })),
    defaults,
    configurations: configurations.map((c) => ({
      votingConfigurationId: c.votingConfigurationId,
      name: c.name,
      strategy: c.strategy,
      percentageRequired: c.percentageRequired,
      timeLimit: c.timeLimit,
      deviceIdentifiers: c.deviceIdentifiers,
    })),
  };
}

/** Changes the given defaults, one command each, and reads them back. */
export async function saveVotingDefaults(
  session: VaultSession,
  change: Partial<VotingDefaultsInfo>,
): Promise<VotingDefaultsInfo> {
  const { http } = session;
  if (change.strategy !== undefined) {
    const strategy = change.strategy;
    await session.run(() =>
      setQuorumStrategy(http, {
        strategy,
        ...(strategy === 'minimum_percentage' && typeof change.percentageRequired === 'number'
          ? { percentageRequired: change.percentageRequired }
          : {}),
      }),
    );
  }
  if (change.quorumSize !== undefined) {
    const quorumSize = change.quorumSize;
    await session.run(() => setQuorumSize(http, { quorumSize }));
  }
  if (change.timeLimit !== undefined) {
    const timeLimit = change.timeLimit;
    await session.run(() => setVotingTimeLimit(http, { timeLimit }));
  }
  if (change.maxAttempts !== undefined) {
    const maxAttempts = change.maxAttempts;
    await session.run(() => setMaximumVotingAttempts(http, { maxAttempts }));
  }
  return retrieveStrategy(http);
}

export async function saveVotingConfiguration(
  session: VaultSession,
  input: {
    votingConfigurationId?: string;
    name: string;
    strategy: VotingStrategy;
    percentageRequired?: number;
    timeLimit: number;
    deviceIdentifiers: string[];
  },
): Promise<void> {
  const { votingConfigurationId, ...fields } = input;
  const body = {
    ...fields,
    ...(fields.strategy === 'minimum_percentage' ? {} : { percentageRequired: undefined }),
  };
  if (votingConfigurationId === undefined)
    await session.run(() => registerVotingConfiguration(session.http, body));
  else
    await session.run(() =>
      updateVotingConfiguration(session.http, { votingConfigurationId, ...body }),
    );
}

export async function readPoliciesOverview(session: VaultSession): Promise<PoliciesOverview> {
  const [templates, policies, configurations] = await Promise.all([
    listPolicyTemplates(session.http),
    listPolicies(session.http),
    listVotingConfigurations(session.http),
  ]);
  return {
    templates: Object.entries(templates).map(([id, template]) => ({
      id,
      name: template.name,
      description: template.description,
      events: Object.entries(template.events).map(([eventId, labels]) => ({
        id: eventId,
        label: labels[eventId] ?? eventId,
      })),
      configuration: template.configuration,
    })),
    policies: policies.map((policy) => ({
      policyId: policy.policyId,
      name: policy.name,
      templateId: policy.policyTemplateId,
      eventIds: policy.applyingEventIds,
      contextPrefix: policy.configuration['contextPrefix'] ?? null,
      votingConfigurationId: policy.votingConfigurationId,
      active: policy.status === 'active',
      createdAt: policy.createdAt,
    })),
    configurations: configurations.map((c) => ({
      votingConfigurationId: c.votingConfigurationId,
      name: c.name,
    })),
  };
}

/** A policy from a template: registered (inactive), then activated unless told otherwise. */
export async function createPolicy(
  session: VaultSession,
  input: {
    name?: string;
    policyTemplateId: string;
    applyingEventIds: string[];
    contextPrefix?: string;
    votingConfigurationId?: string;
    activate: boolean;
  },
): Promise<string> {
  const { policyId } = await session.run(() =>
    registerPolicy(session.http, {
      policyTemplateId: input.policyTemplateId,
      applyingEventIds: input.applyingEventIds,
      ...(input.name ? { name: input.name } : {}),
      ...(input.contextPrefix ? { configuration: { contextPrefix: input.contextPrefix } } : {}),
      ...(input.votingConfigurationId
        ? { votingConfigurationId: input.votingConfigurationId }
        : {}),
    }),
  );
  if (input.activate) await session.run(() => activatePolicy(session.http, { policyId }));
  return policyId;
}

export async function setPolicyActive(
  session: VaultSession,
  policyId: string,
  active: boolean,
): Promise<void> {
  await session.run(() =>
    active
      ? activatePolicy(session.http, { policyId })
      : deactivatePolicy(session.http, { policyId }),
  );
}
