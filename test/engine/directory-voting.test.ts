// Contract §13 create-voting-pool over issue 11's pools and ballots: ballots to every
// authenticator of the chosen members, POOL-RESOLVED to the caller, check-pool-status for the
// directory's owner and admins, rounds and withdrawals across profiles on a moved clock; and
// storage registered for a member waits for the member's own policies, not the admin's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createManagedUser,
  createOrganisation,
  rejection,
  succeed,
  type Organisation,
} from '../support/directories.ts';
import { startTestEngine } from '../support/engine.ts';
import {
  activePolicy,
  addAuthenticator,
  ballotFor,
  ballotsIn,
  castVote,
  heldPools,
  joinedChannel,
  poolResolved,
  setDefault,
  votingConfiguration,
  type TestAuthenticator,
} from '../support/governance.ts';
import { wire, type Fields, type Wire } from '../support/http.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { awaitStatus, commandId, type TestProfile } from '../support/profiles.ts';
import { requestDevice } from '../support/storage-devices.ts';

const clock = new ManualClock();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine({ clock });
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

interface PoolState {
  status: string;
  round: number;
  strategy: string;
  subject: string;
  ballots: { ballotId: string; deviceIdentifier: string; vote: string | null }[];
}

async function poolState(poolId: string, token: string): Promise<PoolState> {
  const response = await api.get(`/voting/check-pool-status/${poolId}`, token);
  if (response.status !== 200)
    throw new Error(`check-pool-status: ${response.status} ${response.text}`);
  return response.body as PoolState;
}

async function awaitPool(
  poolId: string,
  token: string,
  wanted: (pool: PoolState) => boolean,
): Promise<PoolState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pool = await poolState(poolId, token);
    if (wanted(pool)) return pool;
    if (Date.now() > deadline) throw new Error(`pool never got there: ${JSON.stringify(pool)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An authenticator of a profile with a channel joined on its token (for its BALLOTs). */
async function voter(profile: TestProfile, name: string) {
  const device: TestAuthenticator = await addAuthenticator(api, profile.token, name);
  return { device, channel: await joinedChannel(engine.wsUrl, device.deviceToken) };
}

describe('directory create-voting-pool', () => {
  let org: Organisation;
  let staff: TestProfile;
  let voters: Awaited<ReturnType<typeof voter>>[];
  beforeAll(async () => {
    org = await createOrganisation(api);
    staff = await createManagedUser(api, org.directoryId, org.owner.token);
    voters = [await voter(org.member, 'Member phone'), await voter(staff, 'Staff phone')];
  });
  afterAll(() => {
    for (const v of voters) v.channel.close();
  });

  it('sends ballots to every member’s authenticators and POOL-RESOLVED to the caller', async () => {
    const adminChannel = await joinedChannel(engine.wsUrl, org.admin.token);
    const ownerChannel = await joinedChannel(engine.wsUrl, org.owner.token);
    const response = await api.post(
      '/directory/create-voting-pool',
      { directoryId: org.directoryId, subject: 'Move the office to Bergen?', context: '/office' },
      org.admin.token,
    );
    expect(response.status).toBe(202);
    const id = commandId(response);
    expect((await adminChannel.commandOutcome(id)).data).toMatchObject({
      command_status: 2,
      body: { poolId: id },
    });
    const ballots = await Promise.all(voters.map((v) => ballotFor(v.channel, id)));
    expect(ballots.map((b) => b.subject)).toEqual([
      'Move the office to Bergen?',
      'Move the office to Bergen?',
    ]);
    // The owner and the admins follow it; members and outsiders learn nothing of it.
    for (const who of [org.owner, org.admin])
      expect((await poolState(id, who.token)).ballots).toHaveLength(2);
    for (const who of [org.member, org.outsider, staff]) {
      const hidden = await api.get(`/voting/check-pool-status/${id}`, who.token);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ reason: 'voting.pool_not_found' });
    }
    // A ballot is cast only by the authenticator it went to.
    const stolen = await castVote(api, voters[0]!.device.deviceToken, ballots[1]!.ballotId, 'no');
    expect(stolen.status).toBe(404);
    for (const [i, v] of voters.entries())
      expect((await castVote(api, v.device.deviceToken, ballots[i]!.ballotId, 'yes')).status).toBe(
        200,
      );
    expect(await poolResolved(adminChannel, id)).toMatchObject({
      status: 'approved',
      subject: 'Move the office to Bergen?',
    });
    expect((await poolState(id, org.owner.token)).status).toBe('approved');
    // POOL-RESOLVED is the caller's, not the owner's.
    expect(
      ownerChannel.frames.some((f) => f.data?.type === 'POOL-RESOLVED' && f.data.id === id),
    ).toBe(false);
    adminChannel.close();
    ownerChannel.close();
  });

  it('asks only the chosen members, with the caller’s configuration’s rules (its devices ignored)', async () => {
    await votingConfiguration(api, org.owner.token, {
      name: 'board',
      timeLimit: 120,
      strategy: 'unanimous',
      deviceIdentifiers: [],
    });
    const id = await succeed(
      api,
      '/directory/create-voting-pool',
      {
        directoryId: org.directoryId,
        subject: 'Staff only',
        votingConfigurationId: 'board',
        profileIds: [staff.profileId],
      },
      org.owner.token,
    );
    const pool = await poolState(id, org.owner.token);
    expect(pool.strategy).toBe('unanimous');
    expect(pool.ballots.map((b) => b.deviceIdentifier)).toEqual([voters[1]!.device.deviceId]);
    await ballotFor(voters[1]!.channel, id);
    expect(ballotsIn(voters[0]!.channel).some((b) => b.poolId === id)).toBe(false);
  });

  it('rejects voting.no_authenticators when the chosen members have none', async () => {
    expect(
      await rejection(
        api,
        '/directory/create-voting-pool',
        {
          directoryId: org.directoryId,
          subject: 'Nobody votes',
          profileIds: [org.owner.profileId],
        },
        org.admin.token,
      ),
    ).toBe('voting.no_authenticators');
  });

  it('answers a non-member, an unknown configuration and bad input synchronously', async () => {
    const post = (fields: Record<string, unknown>, token = org.admin.token) =>
      api.post(
        '/directory/create-voting-pool',
        { directoryId: org.directoryId, subject: 'x', ...fields } as Fields,
        token,
      );
    expect((await post({ profileIds: [org.outsider.profileId] })).body).toMatchObject({
      status: 404,
      reason: 'directory.member_not_found',
    });
    expect((await post({ votingConfigurationId: 'no-such' })).body).toMatchObject({
      status: 404,
      reason: 'voting_configuration.not_found',
    });
    expect((await post({ subject: 's'.repeat(501) })).body).toMatchObject({
      status: 422,
      reason: 'validation.failed',
    });
    expect((await post({}, org.member.token)).body).toMatchObject({
      status: 403,
      reason: 'directory.forbidden',
    });
    expect((await post({}, org.outsider.token)).body).toMatchObject({
      status: 404,
      reason: 'directory.not_found',
    });
  });

  it('runs further rounds across the members’ authenticators (the caller’s quorum and rounds)', async () => {
    await setDefault(api, org.admin.token, 'set-quorum-size', { quorumSize: '2' });
    await setDefault(api, org.admin.token, 'set-maximum-voting-attempts', { maxAttempts: '2' });
    await setDefault(api, org.admin.token, 'set-voting-time-limit', { timeLimit: '60' });
    const id = await succeed(
      api,
      '/directory/create-voting-pool',
      { directoryId: org.directoryId, subject: 'Two rounds' },
      org.admin.token,
    );
    const first = await Promise.all(voters.map((v) => ballotFor(v.channel, id)));
    // One vote of two needed: no quorum when the round ends.
    expect(
      (await castVote(api, voters[0]!.device.deviceToken, first[0]!.ballotId, 'yes')).status,
    ).toBe(200);
    clock.advance(61_000);
    const second = await awaitPool(id, org.admin.token, (p) => p.round === 2);
    // Both members' authenticators are asked again.
    expect(second.ballots.map((b) => b.deviceIdentifier).sort()).toEqual(
      voters.map((v) => v.device.deviceId).sort(),
    );
    const again = await Promise.all(
      voters.map((v) =>
        v.channel.waitFor(
          (f) =>
            f.data?.type === 'BALLOT' &&
            (f.data.body as { poolId: string }).poolId === id &&
            !first.some((b) => b.ballotId === f.data!.id),
        ),
      ),
    );
    for (const [i, v] of voters.entries())
      await castVote(api, v.device.deviceToken, again[i]!.data!.id as string, 'yes');
    expect((await awaitPool(id, org.admin.token, (p) => p.status !== 'pending')).status).toBe(
      'approved',
    );
  });

  it('withdraws a member’s ballot when its authenticator goes; the pool moves on without it', async () => {
    await setDefault(api, org.owner.token, 'set-quorum-size', { quorumSize: '1' });
    const id = await succeed(
      api,
      '/directory/create-voting-pool',
      { directoryId: org.directoryId, subject: 'Withdrawn' },
      org.owner.token,
    );
    const ballots = await Promise.all(voters.map((v) => ballotFor(v.channel, id)));
    await castVote(api, voters[1]!.device.deviceToken, ballots[1]!.ballotId, 'yes');
    // The member removes its authenticator: its open ballot goes; one yes of one decides.
    await succeed(
      api,
      '/verified-authenticator/remove',
      { deviceIdentifier: voters[0]!.device.deviceId },
      org.member.token,
    );
    const pool = await awaitPool(id, org.owner.token, (p) => p.status !== 'pending');
    expect(pool.status).toBe('approved');
    expect(pool.ballots.map((b) => b.deviceIdentifier)).toEqual([voters[1]!.device.deviceId]);
  });
});

describe('storage registered for a member', () => {
  it('waits for the member’s device-governance vote, not the admin’s policies', async () => {
    const org = await createOrganisation(api);
    const phone = await voter(org.member, 'Member phone');
    await activePolicy(api, org.member.token, {
      name: 'storage',
      policyTemplateId: 'device-governance',
      applyingEventIds: ['storage.registered'],
    });
    // The admin's own policy would reject at once (it has no authenticators) if it applied.
    await activePolicy(api, org.admin.token, {
      name: 'storage',
      policyTemplateId: 'device-governance',
      applyingEventIds: ['storage.registered'],
    });
    const made = await succeed(
      api,
      '/directory/create-profile-device',
      { directoryId: org.directoryId, profileId: org.member.profileId, deviceName: 'Office NAS' },
      org.admin.token,
    );
    const deviceIdentifier = (
      (await api.post('/device/retrieve-unique-identifier', { id: made }, org.admin.token))
        .body as { deviceIdentifier: string }
    ).deviceIdentifier;
    const adminChannel = await joinedChannel(engine.wsUrl, org.admin.token);
    const memberChannel = await joinedChannel(engine.wsUrl, org.member.token);
    const response = await api.post(
      '/directory/add-storage-device-to-profile',
      { directoryId: org.directoryId, profileId: org.member.profileId, deviceIdentifier },
      org.admin.token,
    );
    const id = commandId(response);
    const [held] = await heldPools(adminChannel, id);
    const ballot = await ballotFor(phone.channel, held!.poolId);
    expect(ballot.subject).toBe(
      `storage.registered deviceIdentifier=${deviceIdentifier} deviceName=Office%20NAS`,
    );
    // Still no storage device while the vote runs.
    const roleOf = async () =>
      (
        (await api.get('/device/retrieve-profile-devices', org.member.token)).body as {
          deviceIdentifier: string;
          role: string | null;
        }[]
      ).find((d) => d.deviceIdentifier === deviceIdentifier)!.role;
    expect(await roleOf()).toBeNull();
    await castVote(api, phone.device.deviceToken, ballot.ballotId, 'yes');
    expect(await poolResolved(memberChannel, held!.poolId)).toMatchObject({ status: 'approved' });
    expect(await awaitStatus(api, id)).toBe('succeeded');
    expect(await roleOf()).toBe('storage');
    adminChannel.close();
    memberChannel.close();
    phone.channel.close();
  });

  it('is rejected when the member votes no', async () => {
    const org = await createOrganisation(api);
    const phone = await voter(org.member, 'Member phone');
    await activePolicy(api, org.member.token, {
      name: 'storage',
      policyTemplateId: 'device-governance',
      applyingEventIds: ['storage.registered'],
    });
    const own = await requestDevice(api, org.member.token, 'Member NAS');
    await succeed(api, '/device/approve-device', { deviceIdentifier: own }, org.member.token);
    const adminChannel = await joinedChannel(engine.wsUrl, org.admin.token);
    const response = await api.post(
      '/directory/add-storage-device-to-profile',
      { directoryId: org.directoryId, profileId: org.member.profileId, deviceIdentifier: own },
      org.admin.token,
    );
    const id = commandId(response);
    const [held] = await heldPools(adminChannel, id);
    const ballot = await ballotFor(phone.channel, held!.poolId);
    await castVote(api, phone.device.deviceToken, ballot.ballotId, 'no');
    const outcome = await adminChannel.commandOutcome(id);
    expect(outcome.data).toMatchObject({ command_status: 3, body: 'policy.vote_rejected' });
    expect(
      (await api.get('/device/retrieve-profile-devices', org.member.token)).body,
    ).toContainEqual(expect.objectContaining({ deviceIdentifier: own, role: null }));
    adminChannel.close();
    phone.channel.close();
  });
});
