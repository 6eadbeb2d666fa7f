// Contract §13: directories — an organisation owned by one profile, with admins and members,
// managed profiles it creates, invitations to existing profiles, and devices it makes for its
// members. What a directory never gives: a member's files. Admins see counts (profiles-info);
// list-data-tokens, request-data and the download stay with the member's own tokens, and a
// device token an admin mints for a member's device reaches none of them (token-access.ts).

import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { hashPassword } from '../crypto/password.ts';
import { isId } from '../ids.ts';
import type { DeviceRecord } from '../store/device-store.ts';
import type {
  DirectoryRecord,
  DirectoryRole,
  DirectoryView,
  InvitationView,
  MemberActivity,
  MemberView,
} from '../store/directory-store.ts';
import type { StoreRepos } from '../store/store.ts';
import { isoSeconds } from '../time.ts';
import { directoryPasswordLimits, reserveAttempt } from './attempt-limits.ts';
import type { Caller } from './authorization.ts';
import { deviceKeys, type NewDeviceKeys } from './device.ts';
import { requireActOn } from './directory-reach.ts';
import { directoryForbidden, notFound } from './domain-error.ts';
import { freeFormFields } from './free-form-fields.ts';
import { perContext } from './per-context.ts';
import { storageCommands } from './storage.ts';
import { resolveVotingConfiguration } from './voting-configuration.ts';
import { openPool, runEffects, votingDefaults, type Effects } from './voting-pool.ts';

export type GrantableRole = Exclude<DirectoryRole, 'owner'>;

/** The caller's standing in a directory, once it is known to be a member. */
export interface DirectoryAccess {
  directory: DirectoryRecord;
  /** The caller as a member. */
  self: MemberView;
}

/**
 * Contract §13 visibility: a non-member learns nothing (404 `directory.not_found`, as for a
 * directory that does not exist); a member without the role gets 403 `directory.forbidden`.
 */
export async function directoryAccess(
  repos: StoreRepos,
  caller: Caller,
  directoryId: string,
  needs: 'member' | 'admin',
): Promise<DirectoryAccess> {
  if (!isId(directoryId)) throw notFound.directory();
  const [directory, self] = await Promise.all([
    repos.directories.byId(directoryId),
    repos.directoryMembers.get(directoryId, caller.profile.id),
  ]);
  if (!directory || !self) throw notFound.directory();
  if (needs === 'admin' && self.role === 'member')
    throw directoryForbidden("This needs the directory's owner or an admin.");
  return { directory, self };
}

/** A member of the directory named by a request, or 404 `directory.member_not_found`. */
async function memberOf(
  repos: StoreRepos,
  directoryId: string,
  profileId: string,
): Promise<MemberView> {
  if (!isId(profileId)) throw notFound.member();
  const member = await repos.directoryMembers.get(directoryId, profileId);
  if (!member) throw notFound.member();
  return member;
}

/** Contract §13: only the owner grants the admin role. */
function requireGrant(access: DirectoryAccess, role: GrantableRole): void {
  if (role === 'admin' && access.self.role !== 'owner')
    throw directoryForbidden("Only the directory's owner grants the admin role.");
}

export const directoryCommands = perContext((ctx: EngineContext) => {
  const register: CommandSpec<{ name: string }> = {
    kind: 'directory.register',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      if (await tx.directories.nameTaken(profileId!, payload.name))
        return { ok: false, reason: 'directory.name_taken' };
      await tx.directories.insert({
        id: commandId,
        name: payload.name,
        ownerProfileId: profileId!,
        meta: {},
        createdAt: now,
      });
      await tx.directoryMembers.insert({
        directoryId: commandId,
        profileId: profileId!,
        role: 'owner',
        managed: false,
        displayName: null,
        joinedAt: now,
      });
      return { ok: true, result: { directoryId: commandId } };
    },
  };

  const createUser: CommandSpec<{
    directoryId: string;
    username: string;
    passwordHash: string;
    role: GrantableRole;
    displayName: string | null;
  }> = {
    kind: 'directory.create-user',
    restart: 'rerun',
    async commit(tx, { commandId, payload, now }) {
      if (await tx.profiles.byUsername(payload.username))
        return { ok: false, reason: 'profile.username_taken' };
      // The profile has no public key yet: key gating holds it until its first sign-in
      // registers one (contract §13 "registers its own public key after first login").
      await tx.profiles.insert({
        id: commandId,
        username: payload.username,
        passwordHash: payload.passwordHash,
        publicKey: null,
        createdAt: now,
      });
      await tx.directoryMembers.insert({
        directoryId: payload.directoryId,
        profileId: commandId,
        role: payload.role,
        managed: true,
        displayName: payload.displayName,
        joinedAt: now,
      });
      return { ok: true, result: { profileId: commandId } };
    },
  };

  const updateUser: CommandSpec<{
    directoryId: string;
    profileId: string;
    role?: GrantableRole;
    displayName?: string | null;
  }> = {
    kind: 'directory.update-user',
    restart: 'rerun',
    async commit(tx, { payload }) {
      const target = await tx.directoryMembers.get(payload.directoryId, payload.profileId);
      if (!target) return { ok: false, reason: 'directory.member_not_found' };
      if (payload.role !== undefined && target.role === 'owner')
        return { ok: false, reason: 'directory.owner_immutable' };
      await tx.directoryMembers.update(payload.directoryId, payload.profileId, {
        ...(payload.role !== undefined ? { role: payload.role } : {}),
        ...(payload.displayName !== undefined ? { displayName: payload.displayName } : {}),
      });
      return { ok: true };
    },
  };

  const invite: CommandSpec<{
    directoryId: string;
    username: string;
    role: GrantableRole;
    invitedBy: string;
  }> = {
    kind: 'directory.invite-profile',
    restart: 'rerun',
    async commit(tx, { commandId, payload, now }) {
      const profile = await tx.profiles.byUsername(payload.username);
      if (!profile) return { ok: false, reason: 'directory.profile_not_found' };
      if (await tx.directoryMembers.get(payload.directoryId, profile.id))
        return { ok: false, reason: 'directory.already_member' };
      const directory = await tx.directories.byId(payload.directoryId);
      if (!directory) return { ok: false, reason: 'directory.not_found' };
      // Contract §13: one pending invitation per username; the new one replaces it.
      await tx.invitations.removePending(payload.directoryId, profile.id);
      await tx.invitations.insert({
        id: commandId,
        directoryId: payload.directoryId,
        profileId: profile.id,
        username: profile.username,
        role: payload.role,
        status: 'pending',
        invitedBy: payload.invitedBy,
        createdAt: now,
        processedAt: null,
      });
      return {
        ok: true,
        result: { invitationId: commandId },
        // A hint that there is something to look at; the invitee's app reads the invitation
        // itself (list-invites) and a person decides.
        after: () =>
          ctx.hub.publish(
            { profileId: profile.id },
            {
              type: 'DIRECTORY-INVITATION',
              id: commandId,
              body: {
                directoryId: directory.id,
                directoryName: directory.name,
                role: payload.role,
                invitedAt: isoSeconds(now),
              },
            },
          ),
      };
    },
  };

  const setPassword: CommandSpec<{
    directoryId: string;
    profileId: string;
    passwordHash: string;
  }> = {
    kind: 'directory.set-profile-password',
    restart: 'rerun',
    async commit(tx, { payload }) {
      const target = await tx.directoryMembers.get(payload.directoryId, payload.profileId);
      if (!target?.managed) return { ok: false, reason: 'directory.not_managed' };
      await tx.profiles.setPasswordHash(payload.profileId, payload.passwordHash);
      return { ok: true };
    },
  };

  const processInvitation: CommandSpec<{
    invitationId: string;
    decision: 'accept' | 'decline';
  }> = {
    kind: 'directory.process-invitation',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const invitation = await tx.invitations.byId(payload.invitationId);
      const status = payload.decision === 'accept' ? 'accepted' : 'declined';
      // Single processing: only a pending invitation closes, and only once.
      if (!invitation || !(await tx.invitations.close(invitation.id, status, now)))
        return { ok: false, reason: 'directory.invitation_closed' };
      if (
        status === 'accepted' &&
        !(await tx.directoryMembers.get(invitation.directoryId, invitation.profileId))
      ) {
        await tx.directoryMembers.insert({
          directoryId: invitation.directoryId,
          profileId: invitation.profileId,
          role: invitation.role,
          managed: false,
          displayName: null,
          joinedAt: now,
        });
      }
      return { ok: true };
    },
  };

  const createDevice: CommandSpec<
    {
      directoryId: string;
      profileId: string;
      deviceName: string;
      createdBy: string;
    } & NewDeviceKeys
  > = {
    kind: 'directory.create-profile-device',
    restart: 'rerun',
    async commit(tx, { commandId, payload, now }) {
      if (!(await tx.directoryMembers.get(payload.directoryId, payload.profileId)))
        return { ok: false, reason: 'directory.member_not_found' };
      await tx.devices.insert({
        id: payload.deviceId,
        profileId: payload.profileId,
        requestCommandId: commandId,
        name: payload.deviceName,
        status: 'approved',
        role: null,
        publicKey: payload.publicKey,
        privateKeySealed: payload.privateKeySealed,
        meta: {},
        createdAt: now,
        approvedAt: now,
        storageSince: null,
        authenticatorSince: null,
        lastSeenAt: null,
      });
      await tx.provisionedDevices.insert({
        deviceId: payload.deviceId,
        directoryId: payload.directoryId,
        createdBy: payload.createdBy,
        createdAt: now,
      });
      return { ok: true, result: { deviceIdentifier: payload.deviceId } };
    },
  };

  /**
   * Contract §13 add-storage-device-to-profile: storage register on the member's behalf. The
   * member's device-governance policies hold it (the storage is the member's, and would get the
   * member's ciphertext), not the caller's; the outcome goes to the caller.
   */
  const addStorage: CommandSpec<{ deviceId: string; memberProfileId: string }> = {
    kind: 'directory.add-storage-device-to-profile',
    restart: 'rerun',
    gate: {
      async event(input) {
        const register = storageCommands(ctx).register;
        const event = await register.gate!.event(input, undefined);
        return event && { ...event, governedBy: input.payload.memberProfileId };
      },
    },
    commit: (tx, input) => storageCommands(ctx).register.commit(tx, input, undefined),
  };

  /**
   * Contract §13 create-voting-pool: ballots to every authenticator of the chosen members; the
   * rules (strategy, percentage, time limit) from the caller's configuration, else the caller's
   * defaults, and quorum and rounds from the caller's defaults (as contract §10 has it for a
   * profile's pool). The pool is the caller's: POOL-RESOLVED goes to it.
   */
  const createPool: CommandSpec<{
    directoryId: string;
    subject: string;
    context: string | null;
    profileIds: string[];
    votingConfigurationId: string | null;
  }> = {
    kind: 'directory.create-voting-pool',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      const caller = profileId!;
      const defaults = await votingDefaults(tx, caller);
      const found = payload.votingConfigurationId
        ? await tx.votingConfigurations.byId(payload.votingConfigurationId)
        : undefined;
      // Deleted since the request: the defaults, as for any pool whose configuration is gone.
      const configuration = found && found.profileId === caller ? found : undefined;
      const deviceIds: string[] = [];
      for (const member of payload.profileIds) {
        if (!(await tx.directoryMembers.get(payload.directoryId, member))) continue;
        for (const device of await tx.devices.authenticators(member)) deviceIds.push(device.id);
      }
      if (deviceIds.length === 0 || deviceIds.length < defaults.quorumSize)
        return { ok: false, reason: 'voting.no_authenticators' };
      const effects: Effects = [];
      await openPool(
        tx,
        ctx,
        {
          strategy: configuration?.strategy ?? defaults.strategy,
          percentageRequired: configuration
            ? configuration.percentageRequired
            : defaults.percentageRequired,
          quorumSize: defaults.quorumSize,
          maxAttempts: defaults.maxAttempts,
          timeLimit: configuration?.timeLimit ?? defaults.timeLimit,
          deviceIds,
        },
        {
          id: commandId,
          profileId: caller,
          subject: payload.subject,
          context: payload.context,
          commandId: null,
          policyId: null,
        },
        now,
        effects,
      );
      await tx.directoryPools.insert(commandId, payload.directoryId);
      return { ok: true, result: { poolId: commandId }, after: () => runEffects(ctx, effects) };
    },
  };

  const storeMeta: CommandSpec<{ directoryId: string; meta: Record<string, string> }> = {
    kind: 'directory.store-meta',
    restart: 'rerun',
    async commit(tx, { payload }) {
      await tx.directories.setMeta(payload.directoryId, payload.meta);
      return { ok: true };
    },
  };

  return {
    register,
    createUser,
    updateUser,
    invite,
    setPassword,
    processInvitation,
    createDevice,
    addStorage,
    createPool,
    storeMeta,
  };
});

export function registerDirectory(ctx: EngineContext, caller: Caller, name: string) {
  return ctx.commands.accept(directoryCommands(ctx).register, caller.profile.id, { name });
}

/** retrieve-owned (`owned`) and retrieve-assigned (the others). */
export async function listDirectories(
  ctx: EngineContext,
  caller: Caller,
  which: 'owned' | 'assigned',
): Promise<DirectoryView[]> {
  const all = await ctx.store.directories.forProfile(caller.profile.id);
  return all.filter((d) => (which === 'owned') === (d.role === 'owner'));
}

export async function retrieveDirectory(
  ctx: EngineContext,
  caller: Caller,
  directoryId: string,
): Promise<DirectoryView> {
  const { directory, self } = await directoryAccess(ctx.store, caller, directoryId, 'member');
  return {
    ...directory,
    role: self.role,
    memberCount: await ctx.store.directories.memberCount(directory.id),
  };
}

export async function createUser(
  ctx: EngineContext,
  caller: Caller,
  input: {
    directoryId: string;
    username: string;
    password: string;
    role?: GrantableRole;
    displayName?: string;
  },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const role = input.role ?? 'member';
  requireGrant(access, role);
  await reserveAttempt(ctx, directoryPasswordLimits(caller.profile.id), 'accounts and passwords');
  // Hashed before acceptance so that the stored payload never holds the password.
  const passwordHash = await hashPassword(input.password);
  return ctx.commands.accept(directoryCommands(ctx).createUser, caller.profile.id, {
    directoryId: access.directory.id,
    username: input.username,
    passwordHash,
    role,
    displayName: input.displayName ? input.displayName : null,
  });
}

export async function updateUser(
  ctx: EngineContext,
  caller: Caller,
  input: { directoryId: string; profileId: string; role?: GrantableRole; displayName?: string },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const target = await memberOf(ctx.store, access.directory.id, input.profileId);
  requireActOn(access.self, target);
  // Contract §13: only the owner grants or changes `admin` (an admin stepping down included).
  if (
    input.role !== undefined &&
    access.self.role !== 'owner' &&
    (input.role === 'admin' || target.role !== 'member')
  )
    throw directoryForbidden("Only the directory's owner grants or changes the admin role.");
  return ctx.commands.accept(directoryCommands(ctx).updateUser, caller.profile.id, {
    directoryId: access.directory.id,
    profileId: target.profileId,
    ...(input.role !== undefined ? { role: input.role } : {}),
    // An empty display name clears it.
    ...(input.displayName !== undefined
      ? { displayName: input.displayName === '' ? null : input.displayName }
      : {}),
  });
}

export async function inviteProfile(
  ctx: EngineContext,
  caller: Caller,
  input: { directoryId: string; username: string; role?: GrantableRole },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const role = input.role ?? 'member';
  requireGrant(access, role);
  return ctx.commands.accept(directoryCommands(ctx).invite, caller.profile.id, {
    directoryId: access.directory.id,
    username: input.username,
    role,
    invitedBy: caller.profile.id,
  });
}

export async function setProfilePassword(
  ctx: EngineContext,
  caller: Caller,
  input: { directoryId: string; profileId: string; password: string },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const target = await memberOf(ctx.store, access.directory.id, input.profileId);
  // One's own password changes with the current one (change-password): a stolen token alone
  // must not be able to replace it.
  if (target.profileId === caller.profile.id)
    throw directoryForbidden('Change your own password with change-password.');
  requireActOn(access.self, target);
  await reserveAttempt(ctx, directoryPasswordLimits(caller.profile.id), 'accounts and passwords');
  const passwordHash = await hashPassword(input.password);
  return ctx.commands.accept(directoryCommands(ctx).setPassword, caller.profile.id, {
    directoryId: access.directory.id,
    profileId: target.profileId,
    passwordHash,
  });
}

/** Without a directory: pending invitations to the caller. With one: all of its invitations. */
export async function listInvitations(
  ctx: EngineContext,
  caller: Caller,
  directoryId: string | undefined,
): Promise<InvitationView[]> {
  if (directoryId === undefined) return ctx.store.invitations.pendingFor(caller.profile.id);
  const access = await directoryAccess(ctx.store, caller, directoryId, 'admin');
  return ctx.store.invitations.forDirectory(access.directory.id);
}

export async function processInvitation(
  ctx: EngineContext,
  caller: Caller,
  input: { invitationId: string; decision: 'accept' | 'decline' },
): Promise<string> {
  if (!isId(input.invitationId)) throw notFound.invitation();
  const invitation = await ctx.store.invitations.byId(input.invitationId);
  // Someone else's invitation is as unknown as a missing one.
  if (!invitation || invitation.profileId !== caller.profile.id) throw notFound.invitation();
  return ctx.commands.accept(directoryCommands(ctx).processInvitation, caller.profile.id, {
    invitationId: invitation.id,
    decision: input.decision,
  });
}

export async function retrieveMember(
  ctx: EngineContext,
  caller: Caller,
  directoryId: string,
  profileId: string,
): Promise<MemberView> {
  const access = await directoryAccess(ctx.store, caller, directoryId, 'member');
  return memberOf(ctx.store, access.directory.id, profileId);
}

export async function listMembers(
  ctx: EngineContext,
  caller: Caller,
  directoryId: string,
): Promise<MemberView[]> {
  const access = await directoryAccess(ctx.store, caller, directoryId, 'member');
  return ctx.store.directoryMembers.list(access.directory.id);
}

export async function profilesInfo(
  ctx: EngineContext,
  caller: Caller,
  directoryId: string,
): Promise<MemberActivity[]> {
  const access = await directoryAccess(ctx.store, caller, directoryId, 'admin');
  return ctx.store.directoryMembers.activity(access.directory.id);
}

export async function createProfileDevice(
  ctx: EngineContext,
  caller: Caller,
  input: { directoryId: string; profileId: string; deviceName: string; publicKey?: string },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const target = await memberOf(ctx.store, access.directory.id, input.profileId);
  requireActOn(access.self, target);
  const keys = deviceKeys(ctx, input.publicKey);
  return ctx.commands.accept(directoryCommands(ctx).createDevice, caller.profile.id, {
    directoryId: access.directory.id,
    profileId: target.profileId,
    deviceName: input.deviceName,
    createdBy: caller.profile.id,
    ...keys,
  });
}

/** Contract §13: storage register on the member's behalf; the outcome goes to the caller. */
export async function addStorageDeviceToProfile(
  ctx: EngineContext,
  caller: Caller,
  input: { directoryId: string; profileId: string; deviceIdentifier: string },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const target = await memberOf(ctx.store, access.directory.id, input.profileId);
  requireActOn(access.self, target);
  if (!isId(input.deviceIdentifier)) throw notFound.device();
  const device = await ctx.store.devices.byId(input.deviceIdentifier);
  if (!device || device.profileId !== target.profileId) throw notFound.device();
  return ctx.commands.accept(directoryCommands(ctx).addStorage, caller.profile.id, {
    deviceId: device.id,
    memberProfileId: target.profileId,
  });
}

export interface DirectoryDeviceView {
  device: DeviceRecord;
  online: boolean;
  lastSeenAt: number | null;
}

export async function listDirectoryDevices(
  ctx: EngineContext,
  caller: Caller,
  directoryId: string,
): Promise<DirectoryDeviceView[]> {
  const access = await directoryAccess(ctx.store, caller, directoryId, 'admin');
  const now = ctx.now();
  return (await ctx.store.directoryMembers.devices(access.directory.id)).map((device) => {
    // Storage devices and authenticators are online on the device bus; a computer while a
    // socket of its token is joined on the channel.
    const online = ctx.bus.isOnline(device.id) || ctx.hub.isDeviceJoined(device.id);
    return { device, online, lastSeenAt: online ? now : device.lastSeenAt };
  });
}

/**
 * Contract §13 create-voting-pool. `profileIds` absent (or empty: form encoding cannot tell the
 * two apart) means every member; each one named must be a member.
 */
export async function createDirectoryVotingPool(
  ctx: EngineContext,
  caller: Caller,
  input: {
    directoryId: string;
    subject: string;
    context?: string;
    profileIds?: string[];
    votingConfigurationId?: string;
  },
): Promise<string> {
  const access = await directoryAccess(ctx.store, caller, input.directoryId, 'admin');
  const members = await ctx.store.directoryMembers.list(access.directory.id);
  let voters = members.map((member) => member.profileId);
  if (input.profileIds !== undefined && input.profileIds.length > 0) {
    for (const profileId of input.profileIds)
      if (!voters.includes(profileId)) throw notFound.member();
    voters = [...new Set(input.profileIds)];
  }
  const configuration =
    input.votingConfigurationId === undefined
      ? undefined
      : await resolveVotingConfiguration(ctx.store, caller, input.votingConfigurationId);
  return ctx.commands.accept(directoryCommands(ctx).createPool, caller.profile.id, {
    directoryId: access.directory.id,
    subject: input.subject,
    context: input.context ?? null,
    profileIds: voters,
    votingConfigurationId: configuration?.id ?? null,
  });
}

/** Contract §13 store-meta: every field but directoryId forms the new meta. */
export async function storeDirectoryMeta(
  ctx: EngineContext,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<string> {
  const meta = freeFormFields(input, ['directoryId']);
  const access = await directoryAccess(ctx.store, caller, String(input.directoryId), 'admin');
  return ctx.commands.accept(directoryCommands(ctx).storeMeta, caller.profile.id, {
    directoryId: access.directory.id,
    meta,
  });
}
