import type {
  OrgDevice,
  OrgInvitation,
  OrgMember,
  OrgOverview,
  OrgPoll,
  OrgSummary,
} from '../../bridge/types.ts';
import type { HandlerTable } from '../../bridge/vault-api.ts';
import {
  createDirectoryUser,
  createDirectoryVotingPool,
  inviteProfile,
  listDirectoryDevices,
  listInvites,
  processInvitation,
  registerDirectory,
  retrieveDirectory,
  setProfilePassword,
  storeDirectoryMeta,
  updateDirectoryUser,
  type DirectoryRecord,
  type InvitationRecord,
} from '../../client/endpoints/directory.ts';
import { checkPoolStatus, type PoolRecord } from '../../client/endpoints/voting.ts';
import { awaitPoolResolution } from '../../client/pool-resolution.ts';
import { votingProgress } from '../../client/voting-progress.ts';
import { setUpMemberDevice, writeDeviceConfiguration } from '../../client/member-device.ts';
import {
  administers,
  myOrganisations,
  organisationMembers,
} from '../../client/organisation-overview.ts';
import type { VaultSession } from '../../client/session.ts';
import type { VaultApp } from '../vault-app.ts';

type OrgChannels =
  | 'org:overview'
  | 'org:create'
  | 'org:details'
  | 'org:addPerson'
  | 'org:invite'
  | 'org:setRole'
  | 'org:setPassword'
  | 'org:answer'
  | 'org:addDevice'
  | 'org:saveDetails'
  | 'org:ask'
  | 'org:poll';

const summary = (d: DirectoryRecord): OrgSummary => ({
  directoryId: d.directoryId,
  name: d.name,
  role: d.role,
  memberCount: d.memberCount,
  ownerProfileId: d.ownerProfileId,
  createdAt: d.createdAt,
  meta: d.meta,
});

function poll(directoryId: string, pool: PoolRecord): OrgPoll {
  const progress = votingProgress(pool);
  return {
    poolId: pool.poolId,
    directoryId,
    subject: pool.subject,
    context: pool.context,
    status: pool.status,
    strategy: pool.strategy,
    round: pool.round,
    voters: progress.voters,
    approvals: progress.approvals,
    rejections: progress.rejections,
    needed: progress.needed,
    expiresAt: pool.expiresAt,
    resolvedAt: pool.resolvedAt,
  };
}

const invitation = (i: InvitationRecord): OrgInvitation => ({ ...i });

async function overview(session: VaultSession): Promise<OrgOverview> {
  const [organisations, invitations] = await Promise.all([
    myOrganisations(session.http),
    listInvites(session.http),
  ]);
  return {
    organisations: organisations.map(summary),
    invitations: invitations.items.map(invitation),
  };
}

export function organisationHandlers(app: VaultApp): Pick<HandlerTable, OrgChannels> {
  return {
    'org:overview': () => overview(app.session()),

    'org:create': async ({ name }) => {
      const session = app.session();
      const { directoryId } = await session.run(() =>
        registerDirectory(session.http, { name: name.trim() }),
      );
      return summary(await retrieveDirectory(session.http, directoryId));
    },

    'org:details': async ({ directoryId }) => {
      const session = app.session();
      const directory = await retrieveDirectory(session.http, directoryId);
      const admin = administers(directory);
      const [members, invitations, devices] = await Promise.all([
        organisationMembers(session.http, directory),
        admin ? listInvites(session.http, { directoryId }) : undefined,
        admin ? listDirectoryDevices(session.http, directoryId) : undefined,
      ]);
      return {
        organisation: summary(directory),
        members: members.map((m): OrgMember => ({
          profileId: m.profileId,
          username: m.username,
          displayName: m.displayName,
          role: m.role,
          managed: m.managed,
          joinedAt: m.joinedAt,
          counts: m.counts && {
            devices: m.counts.devices,
            storageDevices: m.counts.storageDevices,
            authenticators: m.counts.authenticators,
            files: m.counts.dataTokens,
            storedBytes: m.counts.storedBytes,
          },
        })),
        invitations: invitations?.items.map(invitation) ?? [],
        devices: devices?.items.map((d): OrgDevice => ({ ...d })) ?? [],
      };
    },

    'org:addPerson': async ({ directoryId, username, password, role, displayName }) => {
      const session = app.session();
      return session.run(() =>
        createDirectoryUser(session.http, {
          directoryId,
          username: username.trim(),
          password,
          role,
          ...(displayName?.trim() ? { displayName: displayName.trim() } : {}),
        }),
      );
    },

    'org:invite': async ({ directoryId, username, role }) => {
      const session = app.session();
      await session.run(() =>
        inviteProfile(session.http, { directoryId, username: username.trim(), role }),
      );
    },

    'org:setRole': async ({ directoryId, profileId, role }) => {
      const session = app.session();
      await session.run(() => updateDirectoryUser(session.http, { directoryId, profileId, role }));
    },

    'org:setPassword': async ({ directoryId, profileId, password }) => {
      const session = app.session();
      await session.run(() =>
        setProfilePassword(session.http, { directoryId, profileId, password }),
      );
    },

    'org:answer': async ({ invitationId, accept }) => {
      const session = app.session();
      await session.run(() =>
        processInvitation(session.http, {
          invitationId,
          decision: accept ? 'accept' : 'decline',
        }),
      );
      return overview(session);
    },

    'org:addDevice': async ({ directoryId, profileId, deviceName, storage }) => {
      const session = app.session();
      // Where the file goes is asked first: a cancelled dialog leaves nothing behind.
      const target = await app.platform.chooseSaveTarget(
        `${deviceName.replace(/[^A-Za-z0-9_.-]+/g, '-')}.device.json`,
      );
      if (!target) return null;
      const device = await setUpMemberDevice(session, {
        directoryId,
        profileId,
        deviceName,
        storage,
      });
      await writeDeviceConfiguration(target, device.configuration);
      return {
        deviceIdentifier: device.deviceIdentifier,
        name: deviceName,
        storage,
        savedTo: target,
      };
    },

    'org:saveDetails': async ({ directoryId, meta }) => {
      const session = app.session();
      await session.run(() => storeDirectoryMeta(session.http, { directoryId, meta }));
    },

    'org:ask': async ({ directoryId, subject, context, profileIds, votingConfigurationId }) => {
      const session = app.session();
      const { poolId } = await session.run(() =>
        createDirectoryVotingPool(session.http, {
          directoryId,
          subject: subject.trim(),
          ...(context?.trim() ? { context: context.trim() } : {}),
          ...(profileIds ? { profileIds } : {}),
          ...(votingConfigurationId ? { votingConfigurationId } : {}),
        }),
      );
      // POOL-RESOLVED comes to this profile: the window hears the result without asking. A
      // session that ends first (sign-out) leaves the wait unanswered, which is harmless.
      awaitPoolResolution(session, poolId).then(
        (pool) => app.emit('org:poll', poll(directoryId, pool)),
        () => undefined,
      );
      return poll(directoryId, await checkPoolStatus(session.http, poolId));
    },

    'org:poll': async ({ directoryId, poolId }) =>
      poll(directoryId, await checkPoolStatus(app.session().http, poolId)),
  };
}
