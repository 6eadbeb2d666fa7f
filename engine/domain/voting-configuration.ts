import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { isId } from '../ids.ts';
import type { StoreRepos } from '../store/store.ts';
import type {
  Strategy,
  VotingConfigurationChanges,
  VotingConfigurationRecord,
} from '../store/voting-store.ts';
import type { Caller } from './authorization.ts';
import { ownDevice } from './device.ts';
import { invalid, notFound } from './domain-error.ts';
import { perContext } from './per-context.ts';

/** Contract §1.2: "id or name" is matched against ids first, then names. */
export async function resolveVotingConfiguration(
  repos: StoreRepos,
  caller: Caller,
  nameOrId: string,
): Promise<VotingConfigurationRecord> {
  const byId = isId(nameOrId) ? await repos.votingConfigurations.byId(nameOrId) : undefined;
  if (byId && byId.profileId === caller.profile.id) return byId;
  const byName = await repos.votingConfigurations.byName(caller.profile.id, nameOrId);
  if (byName) return byName;
  throw notFound.votingConfiguration();
}

export interface VotingConfigurationInput {
  name: string;
  timeLimit: number;
  strategy: Strategy;
  percentageRequired?: number;
  deviceIdentifiers: string[];
}

/** Every device named must be the caller's (404 otherwise); duplicates collapse. */
async function ownDevices(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifiers: string[],
): Promise<string[]> {
  const ids: string[] = [];
  // A form cannot send an empty array; `deviceIdentifiers=` (one empty value) means [].
  for (const identifier of deviceIdentifiers.filter((value) => value !== '')) {
    const device = await ownDevice(ctx.store, caller, identifier);
    if (!ids.includes(device.id)) ids.push(device.id);
  }
  return ids;
}

/** Contract §10: percentageRequired is required for minimum_percentage, and kept only for it. */
function percentageFor(strategy: Strategy, percentageRequired: number | null | undefined) {
  if (strategy !== 'minimum_percentage') return null;
  if (percentageRequired === undefined || percentageRequired === null)
    throw invalid('percentageRequired', 'is required for the minimum_percentage strategy');
  return percentageRequired;
}

async function allAuthenticators(tx: StoreRepos, profileId: string, deviceIds: string[]) {
  for (const id of deviceIds) {
    const device = await tx.devices.byId(id);
    if (!device || device.profileId !== profileId || device.role !== 'authenticator') return false;
  }
  return true;
}

export const votingConfigurationCommands = perContext((_ctx: EngineContext) => {
  const register: CommandSpec<
    Omit<VotingConfigurationRecord, 'id' | 'profileId' | 'createdAt' | 'updatedAt'>
  > = {
    kind: 'verified-authenticator.voting-configuration-register',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      if (await tx.votingConfigurations.byName(profileId!, payload.name))
        return { ok: false, reason: 'voting_configuration.name_taken' };
      if (!(await allAuthenticators(tx, profileId!, payload.deviceIds)))
        return { ok: false, reason: 'device.not_authenticator' };
      await tx.votingConfigurations.insert({
        ...payload,
        id: commandId,
        profileId: profileId!,
        createdAt: now,
        updatedAt: now,
      });
      return { ok: true, result: { votingConfigurationId: commandId } };
    },
  };

  const update: CommandSpec<{ id: string; changes: VotingConfigurationChanges }> = {
    kind: 'verified-authenticator.voting-configuration-update',
    restart: 'rerun',
    async commit(tx, { profileId, payload, now }) {
      const current = await tx.votingConfigurations.byId(payload.id);
      if (!current) return { ok: false, reason: 'voting_configuration.not_found' };
      const { name, deviceIds } = payload.changes;
      if (name !== undefined && name !== current.name) {
        if (await tx.votingConfigurations.byName(profileId!, name))
          return { ok: false, reason: 'voting_configuration.name_taken' };
      }
      if (deviceIds !== undefined && !(await allAuthenticators(tx, profileId!, deviceIds)))
        return { ok: false, reason: 'device.not_authenticator' };
      await tx.votingConfigurations.update(current.id, payload.changes, now);
      return { ok: true };
    },
  };

  const remove: CommandSpec<{ id: string }> = {
    kind: 'verified-authenticator.voting-configuration-delete',
    restart: 'rerun',
    async commit(tx, { payload }) {
      if (!(await tx.votingConfigurations.byId(payload.id))) return { ok: true };
      if (await tx.policies.usesConfiguration(payload.id))
        return { ok: false, reason: 'voting_configuration.in_use' };
      await tx.votingConfigurations.remove(payload.id);
      return { ok: true };
    },
  };

  return { register, update, remove };
});

export async function registerVotingConfiguration(
  ctx: EngineContext,
  caller: Caller,
  input: VotingConfigurationInput,
): Promise<string> {
  const percentageRequired = percentageFor(input.strategy, input.percentageRequired);
  const deviceIds = await ownDevices(ctx, caller, input.deviceIdentifiers);
  return ctx.commands.accept(votingConfigurationCommands(ctx).register, caller.profile.id, {
    name: input.name,
    timeLimit: input.timeLimit,
    strategy: input.strategy,
    percentageRequired,
    deviceIds,
  });
}

export async function updateVotingConfiguration(
  ctx: EngineContext,
  caller: Caller,
  input: { votingConfigurationId: string } & Partial<VotingConfigurationInput>,
): Promise<string> {
  const current = await resolveVotingConfiguration(ctx.store, caller, input.votingConfigurationId);
  const changes: VotingConfigurationChanges = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.timeLimit !== undefined) changes.timeLimit = input.timeLimit;
  if (input.strategy !== undefined || input.percentageRequired !== undefined) {
    const strategy = input.strategy ?? current.strategy;
    changes.strategy = strategy;
    changes.percentageRequired = percentageFor(
      strategy,
      input.percentageRequired ?? current.percentageRequired,
    );
  }
  if (input.deviceIdentifiers !== undefined)
    changes.deviceIds = await ownDevices(ctx, caller, input.deviceIdentifiers);
  return ctx.commands.accept(votingConfigurationCommands(ctx).update, caller.profile.id, {
    id: current.id,
    changes,
  });
}

export async function deleteVotingConfiguration(
  ctx: EngineContext,
  caller: Caller,
  nameOrId: string,
): Promise<string> {
  const current = await resolveVotingConfiguration(ctx.store, caller, nameOrId);
  return ctx.commands.accept(votingConfigurationCommands(ctx).remove, caller.profile.id, {
    id: current.id,
  });
}

export function listVotingConfigurations(
  ctx: EngineContext,
  caller: Caller,
): Promise<VotingConfigurationRecord[]> {
  return ctx.store.votingConfigurations.list(caller.profile.id);
}
