import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  addStorageDeviceToProfile,
  createDirectoryVotingPool,
  createProfileDevice,
  createUser,
  inviteProfile,
  listDirectories,
  listDirectoryDevices,
  listInvitations,
  listMembers,
  processInvitation,
  profilesInfo,
  registerDirectory,
  retrieveDirectory,
  retrieveMember,
  setProfilePassword,
  storeDirectoryMeta,
  updateUser,
  type GrantableRole,
} from '../../domain/directory.ts';
import type {
  DirectoryView,
  InvitationView,
  MemberActivity,
  MemberView,
} from '../../store/directory-store.ts';
import { isoSeconds } from '../../time.ts';
import { password, text, username } from '../field-schemas.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

const role = { type: 'string', enum: ['member', 'admin'] };
const displayName = text(0, 200);
const publicKeyField = { type: 'string', minLength: 1, maxLength: 1000 };

/** Contract §13 directory record. */
function directoryView(directory: DirectoryView) {
  return {
    directoryId: directory.id,
    name: directory.name,
    ownerProfileId: directory.ownerProfileId,
    role: directory.role,
    memberCount: directory.memberCount,
    meta: directory.meta,
    createdAt: isoSeconds(directory.createdAt),
  };
}

/** Contract §13 member record. */
function memberView(member: MemberView) {
  return {
    profileId: member.profileId,
    username: member.username,
    displayName: member.displayName,
    role: member.role,
    managed: member.managed,
    joinedAt: isoSeconds(member.joinedAt),
  };
}

/** Contract §13 invitation record. */
function invitationView(invitation: InvitationView) {
  return {
    invitationId: invitation.id,
    directoryId: invitation.directoryId,
    directoryName: invitation.directoryName,
    username: invitation.username,
    role: invitation.role,
    status: invitation.status,
    invitedBy: invitation.invitedBy,
    createdAt: isoSeconds(invitation.createdAt),
    processedAt: invitation.processedAt === null ? null : isoSeconds(invitation.processedAt),
  };
}

function activityView(activity: MemberActivity) {
  return {
    profileId: activity.profileId,
    username: activity.username,
    role: activity.role,
    devices: activity.devices,
    storageDevices: activity.storageDevices,
    authenticators: activity.authenticators,
    dataTokens: activity.dataTokens,
    storedBytes: activity.storedBytes,
  };
}

/** Contract §13: lists answer `{"items":[…],"meta":{"count"}}`. */
function list<T, V>(items: readonly T[], view: (item: T) => V) {
  return { items: items.map(view), meta: { count: items.length } };
}

export function registerDirectoryRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<{ name: string }>(app, ctx, 'directory.register', {
    fields: { name: text(1, 200) },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await registerDirectory(ctx, caller, input.name)),
  });

  route(app, ctx, 'directory.retrieve-owned', {
    handler: async ({ caller }) => list(await listDirectories(ctx, caller, 'owned'), directoryView),
  });

  route(app, ctx, 'directory.retrieve-assigned', {
    handler: async ({ caller }) =>
      list(await listDirectories(ctx, caller, 'assigned'), directoryView),
  });

  route(app, ctx, 'directory.retrieve', {
    handler: async ({ caller, params }) =>
      directoryView(await retrieveDirectory(ctx, caller, params.directoryId!)),
  });

  route<{
    directoryId: string;
    username: string;
    password: string;
    role?: GrantableRole;
    displayName?: string;
  }>(app, ctx, 'directory.create-user', {
    fields: { directoryId: reference, username, password, role, displayName },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await createUser(ctx, caller, input)),
  });

  route<{ directoryId: string; profileId: string; role?: GrantableRole; displayName?: string }>(
    app,
    ctx,
    'directory.update-user',
    {
      fields: { directoryId: reference, profileId: reference, role, displayName },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await updateUser(ctx, caller, input)),
    },
  );

  route<{ directoryId: string; username: string; role?: GrantableRole }>(
    app,
    ctx,
    'directory.invite-profile',
    {
      fields: { directoryId: reference, username: text(1, 254), role },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await inviteProfile(ctx, caller, input)),
    },
  );

  route<{ directoryId: string; profileId: string; password: string }>(
    app,
    ctx,
    'directory.set-profile-password',
    {
      fields: { directoryId: reference, profileId: reference, password },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await setProfilePassword(ctx, caller, input)),
    },
  );

  route<{ directoryId?: string }>(app, ctx, 'directory.list-invites', {
    fields: { directoryId: reference },
    handler: async ({ input, caller }) =>
      list(await listInvitations(ctx, caller, input.directoryId), invitationView),
  });

  route<{ invitationId: string; decision: 'accept' | 'decline' }>(
    app,
    ctx,
    'directory.process-invitation',
    {
      fields: {
        invitationId: reference,
        decision: { type: 'string', enum: ['accept', 'decline'] },
      },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await processInvitation(ctx, caller, input)),
    },
  );

  route(app, ctx, 'directory.retrieve-profile', {
    handler: async ({ caller, params }) =>
      memberView(await retrieveMember(ctx, caller, params.directoryId!, params.profileId!)),
  });

  route(app, ctx, 'directory.list-users', {
    handler: async ({ caller, params }) =>
      list(await listMembers(ctx, caller, params.directoryId!), memberView),
  });

  route(app, ctx, 'directory.profiles-info', {
    handler: async ({ caller, params }) =>
      list(await profilesInfo(ctx, caller, params.directoryId!), activityView),
  });

  route<{ directoryId: string; profileId: string; deviceName: string; publicKey?: string }>(
    app,
    ctx,
    'directory.create-profile-device',
    {
      fields: {
        directoryId: reference,
        profileId: reference,
        deviceName: text(1, 255),
        publicKey: publicKeyField,
      },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await createProfileDevice(ctx, caller, input)),
    },
  );

  route<{ directoryId: string; profileId: string; deviceIdentifier: string }>(
    app,
    ctx,
    'directory.add-storage-device-to-profile',
    {
      fields: { directoryId: reference, profileId: reference, deviceIdentifier: reference },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await addStorageDeviceToProfile(ctx, caller, input)),
    },
  );

  route(app, ctx, 'directory.list-devices', {
    handler: async ({ caller, params }) =>
      list(await listDirectoryDevices(ctx, caller, params.directoryId!), (view) => ({
        profileId: view.device.profileId,
        deviceIdentifier: view.device.id,
        name: view.device.name,
        status: view.device.status,
        role: view.device.role,
        online: view.online,
        lastSeenAt: view.lastSeenAt === null ? null : isoSeconds(view.lastSeenAt),
      })),
  });

  route<{
    directoryId: string;
    subject: string;
    context?: string;
    profileIds?: string[];
    votingConfigurationId?: string;
  }>(app, ctx, 'directory.create-voting-pool', {
    fields: {
      directoryId: reference,
      subject: text(1, 500),
      context: text(0, 1024),
      profileIds: { type: 'array', items: reference, maxItems: 1000 },
      votingConfigurationId: reference,
    },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await createDirectoryVotingPool(ctx, caller, input)),
  });

  route<Record<string, unknown>>(app, ctx, 'directory.store-meta', {
    fields: { directoryId: reference },
    // Contract §13: the other fields are the new meta (free-form, checked by the domain).
    additional: true,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await storeDirectoryMeta(ctx, caller, input)),
  });
}
