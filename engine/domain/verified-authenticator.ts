import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import type { DeviceRecord } from '../store/device-store.ts';
import type { Strategy, VotingDefaults } from '../store/voting-store.ts';
import type { Caller } from './authorization.ts';
import { ownDevice } from './device.ts';
import { invalid } from './domain-error.ts';
import { perContext } from './per-context.ts';
import { runEffects, votingDefaults, withdrawAuthenticator, type Effects } from './voting-pool.ts';

export interface AuthenticatorView {
  device: DeviceRecord;
  online: boolean;
  lastSeenAt: number | null;
}

/** The defaults commands each change one part of the profile's voting defaults. */
type DefaultsChange = Partial<VotingDefaults>;

export const authenticatorCommands = perContext((ctx: EngineContext) => {
  const register: CommandSpec<{ deviceId: string }> = {
    kind: 'verified-authenticator.register',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.status !== 'approved')
        return { ok: false, reason: 'device.not_approved' };
      if (device.role !== null) return { ok: false, reason: 'device.role_taken' };
      await tx.devices.update(device.id, { role: 'authenticator', authenticatorSince: now });
      return { ok: true };
    },
  };

  const remove: CommandSpec<{ deviceId: string }> = {
    kind: 'verified-authenticator.remove',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.role !== 'authenticator')
        return { ok: false, reason: 'device.not_authenticator' };
      await tx.devices.update(device.id, { role: null, authenticatorSince: null });
      const effects: Effects = [];
      await withdrawAuthenticator(tx, ctx, device, now, effects);
      return { ok: true, after: () => runEffects(ctx, effects) };
    },
  };

  const setDefaults = (kind: string): CommandSpec<DefaultsChange> => ({
    kind,
    restart: 'rerun',
    async commit(tx, { profileId, payload, now }) {
      const current = await votingDefaults(tx, profileId!);
      await tx.votingDefaults.set(profileId!, { ...current, ...payload }, now);
      return { ok: true };
    },
  });

  return {
    register,
    remove,
    setQuorumSize: setDefaults('verified-authenticator.set-quorum-size'),
    setQuorumStrategy: setDefaults('verified-authenticator.set-quorum-strategy'),
    setVotingTimeLimit: setDefaults('verified-authenticator.set-voting-time-limit'),
    setMaximumVotingAttempts: setDefaults('verified-authenticator.set-maximum-voting-attempts'),
  };
});

export async function registerAuthenticator(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(authenticatorCommands(ctx).register, caller.profile.id, {
    deviceId: device.id,
  });
}

export async function removeAuthenticator(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(authenticatorCommands(ctx).remove, caller.profile.id, {
    deviceId: device.id,
  });
}

/** Online: a socket joined with one of its tokens, or its runtime on the device bus. */
export async function listAuthenticators(
  ctx: EngineContext,
  caller: Caller,
): Promise<AuthenticatorView[]> {
  const now = ctx.now();
  return (await ctx.store.devices.authenticators(caller.profile.id)).map((device) => {
    const online = ctx.hub.isDeviceJoined(device.id) || ctx.bus.isOnline(device.id);
    return { device, online, lastSeenAt: online ? now : device.lastSeenAt };
  });
}

export function retrieveStrategy(ctx: EngineContext, caller: Caller): Promise<VotingDefaults> {
  return votingDefaults(ctx.store, caller.profile.id);
}

export function setQuorumSize(
  ctx: EngineContext,
  caller: Caller,
  quorumSize: number,
): Promise<string> {
  return ctx.commands.accept(authenticatorCommands(ctx).setQuorumSize, caller.profile.id, {
    quorumSize,
  });
}

/** Contract §10: strategy_params is the percentage, required for minimum_percentage only. */
export function setQuorumStrategy(
  ctx: EngineContext,
  caller: Caller,
  strategy: Strategy,
  strategyParams: string | undefined,
): Promise<string> {
  let percentageRequired: number | null = null;
  if (strategy === 'minimum_percentage') {
    const text = strategyParams?.trim();
    if (text === undefined || text === '')
      throw invalid('strategy_params', 'is required for the minimum_percentage strategy');
    if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 100)
      throw invalid('strategy_params', 'must be an integer from 1 to 100');
    percentageRequired = Number(text);
  }
  return ctx.commands.accept(authenticatorCommands(ctx).setQuorumStrategy, caller.profile.id, {
    strategy,
    percentageRequired,
  });
}

export function setVotingTimeLimit(
  ctx: EngineContext,
  caller: Caller,
  timeLimit: number,
): Promise<string> {
  return ctx.commands.accept(authenticatorCommands(ctx).setVotingTimeLimit, caller.profile.id, {
    timeLimit,
  });
}

export function setMaximumVotingAttempts(
  ctx: EngineContext,
  caller: Caller,
  maxAttempts: number,
): Promise<string> {
  return ctx.commands.accept(
    authenticatorCommands(ctx).setMaximumVotingAttempts,
    caller.profile.id,
    { maxAttempts },
  );
}
