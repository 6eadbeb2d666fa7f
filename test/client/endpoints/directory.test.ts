// client/endpoints/directory.ts against a real engine: every typed function of contract §13, the
// results that can be recovered when a status-2 message was lost, and the organisation overview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn } from '../../../client/account.ts';
import { pollCommand } from '../../../client/await-command.ts';
import { downloadDeviceConfiguration } from '../../../client/endpoints/device.ts';
import {
  addStorageDeviceToProfile,
  createDirectoryUser,
  createDirectoryVotingPool,
  createProfileDevice,
  directoryProfilesInfo,
  inviteProfile,
  listDirectoryDevices,
  listDirectoryUsers,
  listInvites,
  processInvitation,
  registerDirectory,
  retrieveAssignedDirectories,
  retrieveDirectory,
  retrieveDirectoryProfile,
  retrieveOwnedDirectories,
  setProfilePassword,
  storeDirectoryMeta,
  updateDirectoryUser,
} from '../../../client/endpoints/directory.ts';
import { generateInitialPassword } from '../../../client/initial-password.ts';
import { setUpMemberDevice } from '../../../client/member-device.ts';
import {
  findOrganisation,
  myOrganisations,
  organisationMembers,
} from '../../../client/organisation-overview.ts';
import { checkPoolStatus } from '../../../client/endpoints/voting.ts';
import { isPrivicoreError } from '../../../client/privicore-error.ts';
import { addAuthenticator, ballotFor, castVote, joinedChannel } from '../../support/governance.ts';
import { wire } from '../../support/http.ts';
import { MemorySecretStore } from '../../support/memory-secrets.ts';
import { uniqueName } from '../../support/profiles.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: VaultUser;
let invitee: VaultUser;
let directoryId: string;

beforeAll(async () => {
  engine = await startVaultEngine();
  [owner, invitee] = await Promise.all([
    signUpVaultUser(engine, { storage: false }),
    signUpVaultUser(engine, { storage: false }),
  ]);
});
afterAll(async () => {
  owner.session.close();
  invitee.session.close();
  await engine.close();
});

describe('directory endpoints (client)', () => {
  it('registers a directory; the id is recoverable from the command id alone', async () => {
    const s = owner.session;
    const accepted = await registerDirectory(s.http, { name: 'Client Co' });
    // As a client that lost the message would: poll, then recover.
    const recovered = await pollCommand(s.http, accepted, { timeoutMs: 15_000 });
    expect(recovered).toEqual({ directoryId: accepted.commandId });
    directoryId = recovered.directoryId;
    expect((await retrieveDirectory(s.http, directoryId)).role).toBe('owner');
    expect((await retrieveOwnedDirectories(s.http)).items.map((d) => d.directoryId)).toEqual([
      directoryId,
    ]);
    expect((await retrieveAssignedDirectories(s.http)).meta.count).toBe(0);
  });

  it('creates a managed user that signs in with a generated password', async () => {
    const s = owner.session;
    const username = uniqueName('managed');
    const password = generateInitialPassword();
    const { profileId } = await s.run(() =>
      createDirectoryUser(s.http, { directoryId, username, password, displayName: 'M' }),
    );
    const member = await retrieveDirectoryProfile(s.http, directoryId, profileId);
    expect(member).toMatchObject({ username, displayName: 'M', role: 'member', managed: true });
    await s.run(() => updateDirectoryUser(s.http, { directoryId, profileId, displayName: 'Max' }));
    const next = generateInitialPassword();
    await s.run(() => setProfilePassword(s.http, { directoryId, profileId, password: next }));
    // First sign-in through the client: it makes and registers the profile's keys.
    const signed = await logIn({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      username,
      password: next,
      secrets: new MemorySecretStore(),
    });
    try {
      expect(signed.missing).toEqual([]);
      expect((await retrieveAssignedDirectories(signed.session.http)).items).toEqual([
        expect.objectContaining({ directoryId, role: 'member', name: 'Client Co' }),
      ]);
    } finally {
      signed.session.close();
    }
  });

  it('invites, lists and processes an invitation', async () => {
    const s = owner.session;
    const heard = new Promise<{ invitationId: string; directoryName: string }>((resolve) =>
      invitee.session.channel.on('directory-invitation', resolve),
    );
    const { invitationId } = await s.run(() =>
      inviteProfile(s.http, { directoryId, username: invitee.username, role: 'admin' }),
    );
    expect(await heard).toEqual({ invitationId, directoryId, directoryName: 'Client Co' });
    const mine = await listInvites(invitee.session.http);
    expect(mine.items).toEqual([
      expect.objectContaining({ invitationId, role: 'admin', directoryName: 'Client Co' }),
    ]);
    await invitee.session.run(() =>
      processInvitation(invitee.session.http, { invitationId, decision: 'accept' }),
    );
    const again = await invitee.session
      .run(() => processInvitation(invitee.session.http, { invitationId, decision: 'accept' }))
      .catch((error: unknown) => error);
    expect(isPrivicoreError(again, 'directory.invitation_closed')).toBe(true);
    const all = await listInvites(s.http, { directoryId });
    expect(all.items[0]).toMatchObject({ invitationId, status: 'accepted' });
  });

  it('sets up devices and storage for a member; lists, counts and stores meta', async () => {
    const s = owner.session;
    const users = await listDirectoryUsers(s.http, directoryId);
    const managed = users.items.find((u) => u.managed)!;
    const { deviceIdentifier } = await s.run(() =>
      createProfileDevice(s.http, {
        directoryId,
        profileId: managed.profileId,
        deviceName: 'Phone',
      }),
    );
    const bundle = await downloadDeviceConfiguration(s.http, { deviceIdentifier });
    expect(bundle.deviceIdentifier).toBe(deviceIdentifier);
    await s.run(() =>
      addStorageDeviceToProfile(s.http, {
        directoryId,
        profileId: managed.profileId,
        deviceIdentifier,
      }),
    );
    const nas = await setUpMemberDevice(s, {
      directoryId,
      profileId: managed.profileId,
      deviceName: 'NAS',
      storage: true,
    });
    expect(nas.role).toBe('storage');
    expect(nas.configuration.keys.private).toMatch(/^[0-9a-f]{64}$/);
    const devices = await listDirectoryDevices(s.http, directoryId);
    expect(devices.items.map((d) => [d.name, d.role])).toEqual([
      ['Phone', 'storage'],
      ['NAS', 'storage'],
    ]);
    const info = await directoryProfilesInfo(s.http, directoryId);
    expect(info.items.find((i) => i.profileId === managed.profileId)).toMatchObject({
      devices: 2,
      storageDevices: 2,
    });
    await s.run(() => storeDirectoryMeta(s.http, { directoryId, meta: { city: 'Bergen' } }));
    expect((await retrieveDirectory(s.http, directoryId)).meta).toEqual({ city: 'Bergen' });
  });

  it('organisation overview: counts for admins, the roster alone for members', async () => {
    const all = await myOrganisations(invitee.session.http);
    expect(all.map((d) => d.role)).toEqual(['admin']);
    const asAdmin = await organisationMembers(invitee.session.http, all[0]!);
    expect(asAdmin.every((m) => m.counts !== null)).toBe(true);
    expect(findOrganisation(all, 'client co')).toBe(all[0]);
    expect(findOrganisation(all, directoryId)).toBe(all[0]);
    expect(findOrganisation(all, 'other')).toBeUndefined();
    expect(findOrganisation([...all, { ...all[0]!, directoryId: 'x' }], 'Client Co')).toBe(
      'ambiguous',
    );
  });

  it('asks the chosen members to vote; POOL-RESOLVED reaches the caller', async () => {
    const s = owner.session;
    // The owner has no authenticator: a pool of the owner alone cannot open.
    const none = await s
      .run(() =>
        createDirectoryVotingPool(s.http, {
          directoryId,
          subject: 'Nobody',
          profileIds: [owner.profileId],
        }),
      )
      .catch((error: unknown) => error);
    expect(isPrivicoreError(none, 'voting.no_authenticators')).toBe(true);

    const api = wire(engine.apiUrl);
    const phone = await addAuthenticator(api, invitee.session.authorizationToken, 'Phone');
    const phoneChannel = await joinedChannel(engine.wsUrl, phone.deviceToken);
    try {
      const resolved = new Promise<{ poolId: string; status: string }>((resolve) =>
        s.channel.on('pool-resolved', resolve),
      );
      const accepted = await createDirectoryVotingPool(s.http, {
        directoryId,
        subject: 'New office?',
        context: 'Bergen or Oslo',
        profileIds: [invitee.profileId],
      });
      const { poolId } = await pollCommand(s.http, accepted, { timeoutMs: 15_000 });
      expect(poolId).toBe(accepted.commandId);
      const pending = await checkPoolStatus(s.http, poolId);
      expect(pending).toMatchObject({ status: 'pending', subject: 'New office?' });
      expect(pending.ballots.map((b) => b.deviceIdentifier)).toEqual([phone.deviceId]);
      const ballot = await ballotFor(phoneChannel, poolId);
      expect((await castVote(api, phone.deviceToken, ballot.ballotId, 'yes')).status).toBe(200);
      expect(await resolved).toMatchObject({ poolId, status: 'approved' });
      expect((await checkPoolStatus(s.http, poolId)).status).toBe('approved');
    } finally {
      phoneChannel.close();
    }
  });
});
