import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../engine/commands/command-runner.ts';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import type { TestChannel } from '../support/channel.ts';
import { finalize, reserve, storeInline } from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import {
  activePolicy,
  addAuthenticator,
  ballotFor,
  castVote,
  heldPools,
  joinedChannel,
  poolResolved,
  setDefault,
  votingConfiguration,
  type BallotFrame,
  type TestAuthenticator,
} from '../support/governance.ts';
import { wire, type Wire } from '../support/http.ts';
import { ManualClock } from '../support/manual-clock.ts';
import {
  PASSWORD,
  awaitStatus,
  commandId,
  createProfile,
  type TestProfile,
} from '../support/profiles.ts';
import {
  addStorageDevice,
  eventually,
  heldItems,
  requestDevice,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';
import { postStream } from '../support/stream-crypto.ts';

/**
 * Contract §11 "Gated commands" and the §14 gated-operation flow: every gated command is held
 * at status 1 with {poolId, policyId} per pool, runs once all its pools approve, and is
 * rejected with policy.vote_* when one ends otherwise.
 */
const clock = new ManualClock();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine({ clock });
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

/** A profile with two storage devices, two authenticators and channels for everyone. */
interface Household {
  owner: TestProfile;
  profile: TestChannel;
  voters: { authenticator: TestAuthenticator; channel: TestChannel }[];
  devices: (RunningStorageDevice & { dir: string })[];
  close(): Promise<void>;
}

async function household(storage = 2): Promise<Household> {
  const owner = await createProfile(api);
  const devices: (RunningStorageDevice & { dir: string })[] = [];
  for (let i = 0; i < storage; i++) {
    const added = await addStorageDevice(api, owner.token, `NAS ${i + 1}`);
    devices.push(await startDevice(added.bundle));
  }
  const voters: Household['voters'] = [];
  for (const name of ['Phone', 'Laptop']) {
    const authenticator = await addAuthenticator(api, owner.token, name);
    voters.push({
      authenticator,
      channel: await joinedChannel(engine.wsUrl, authenticator.deviceToken),
    });
  }
  const profile = await joinedChannel(engine.wsUrl, owner.token);
  return {
    owner,
    profile,
    voters,
    devices,
    async close() {
      profile.close();
      for (const voter of voters) voter.channel.close();
      for (const device of devices) {
        await device.stop();
        await rm(device.dir, { recursive: true, force: true });
      }
    },
  };
}

/** Every authenticator votes on its ballot of the pool; returns the ballots. */
async function voteAll(
  home: Household,
  poolId: string,
  vote: 'yes' | 'no',
): Promise<BallotFrame[]> {
  const ballots: BallotFrame[] = [];
  for (const { authenticator, channel } of home.voters) {
    const ballot = await ballotFor(channel, poolId);
    ballots.push(ballot);
    const response = await castVote(api, authenticator.deviceToken, ballot.ballotId, vote);
    // A pool may end before the last voter; its ballot is then closed.
    expect([200, 409]).toContain(response.status);
  }
  return ballots;
}

async function outcome(channel: TestChannel, id: string) {
  const frame = await channel.commandOutcome(id);
  return { status: frame.data!.command_status, body: frame.data!.body };
}

async function requestStatus(id: string): Promise<string> {
  return (await api.get(`/request-status/${id}`)).body as string;
}

describe('gated data-token commands', () => {
  let home: Household;
  let policyId: string;
  beforeAll(async () => {
    home = await household();
    policyId = await activePolicy(api, home.owner.token, {
      name: 'finance-uploads',
      policyTemplateId: 'data-token-governance',
      applyingEventIds: ['data_token.exchanged', 'data_token.requested', 'data_token.deleted'],
      configuration: { contextPrefix: '/finance' },
    });
  });
  afterAll(() => home.close());

  it('holds an exchange under the prefix until the pool approves, then stores it', async () => {
    const bytes = randomBytes(48_241);
    const reservation = await reserve(api, home.owner.token, { context: '/finance/2026' });
    const response = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: bytes.toString('base64') },
      home.owner.token,
    );
    expect(response.status).toBe(202);
    const id = commandId(response);
    const [held] = await heldPools(home.profile, id);
    expect(held).toEqual({ poolId: expect.any(String), policyId });
    expect(await requestStatus(id)).toBe('started');
    // Nothing is usable while the vote runs.
    const early = await api.post(
      '/data-token/configure-file-meta',
      { token: reservation.token, fileName: 'report', size: '48213' },
      home.owner.token,
    );
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ reason: 'data_token.no_data' });

    const ballot = await ballotFor(home.voters[0]!.channel, held!.poolId);
    expect(ballot.subject).toBe('data_token.exchanged context=/finance/2026 size=48241');
    const pool = await api.get(`/voting/check-pool-status/${held!.poolId}`, home.owner.token);
    expect(pool.body).toMatchObject({
      status: 'pending',
      context: '/finance/2026',
      subject: ballot.subject,
    });

    await voteAll(home, held!.poolId, 'yes');
    expect(await outcome(home.profile, id)).toEqual({
      status: 2,
      body: { size: 48_241, storageDevices: 2 },
    });
    expect((await poolResolved(home.profile, held!.poolId)).status).toBe('approved');
    expect(await finalize(api, home.owner.token, reservation.token)).toMatch(/^D-/);
  });

  it('does not hold an exchange outside the prefix', async () => {
    const reservation = await reserve(api, home.owner.token, { context: '/photos' });
    const response = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: randomBytes(100).toString('base64') },
      home.owner.token,
    );
    const id = commandId(response);
    expect(await outcome(home.profile, id)).toMatchObject({ status: 2 });
    expect(home.profile.frames.some((f) => f.data?.id === id && f.data.command_status === 1)).toBe(
      false,
    );
  });

  it('rejects a voted-down upload, removes its bytes and frees the reservation', async () => {
    const reservation = await reserve(api, home.owner.token, { context: '/finance' });
    const before = heldItems(home.devices[0]!.dir).size;
    const upload = await postStream(reservation.stream, [randomBytes(300_000)]);
    expect(upload.status).toBe(202);
    const id = (upload.body as string[])[0]!;
    const [held] = await heldPools(home.profile, id);
    // The bytes are on the devices while the vote runs.
    expect(heldItems(home.devices[0]!.dir).size).toBe(before + 1);
    await voteAll(home, held!.poolId, 'no');
    expect(await outcome(home.profile, id)).toEqual({ status: 3, body: 'policy.vote_rejected' });
    for (const device of home.devices)
      await eventually(() => heldItems(device.dir).size === before, 'the rejected bytes are gone');
    // The reservation takes a new upload (which is held again).
    const retry = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: randomBytes(10).toString('base64') },
      home.owner.token,
    );
    expect(retry.status).toBe(202);
    await heldPools(home.profile, commandId(retry));
  });

  it('holds request-data: the URL arrives only after approval; a rejection carries the reason', async () => {
    const dataToken = await storeInline(api, home.owner.token, randomBytes(64), {
      context: '/photos',
      fileName: 'holiday',
      extension: 'jpg',
    });
    // Not under /finance: served at once.
    const free = await api.post('/data-token/request-data', { token: dataToken }, home.owner.token);
    expect(await outcome(home.profile, commandId(free))).toMatchObject({ status: 2 });

    const reservation = await reserve(api, home.owner.token, { context: '/finance/tax' });
    const stored = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: randomBytes(64).toString('base64') },
      home.owner.token,
    );
    const [storeHold] = await heldPools(home.profile, commandId(stored));
    await voteAll(home, storeHold!.poolId, 'yes');
    await outcome(home.profile, commandId(stored));
    const taxToken = await finalize(api, home.owner.token, reservation.token, {
      fileName: 'return 2026',
      extension: 'pdf',
      size: '50',
    });

    const request = await api.post(
      '/data-token/request-data',
      { token: taxToken },
      home.owner.token,
    );
    const requestId = commandId(request);
    const [held] = await heldPools(home.profile, requestId);
    const ballot = await ballotFor(home.voters[1]!.channel, held!.poolId);
    expect(ballot.subject).toBe(
      'data_token.requested context=/finance/tax fileName=return%202026.pdf size=50',
    );
    expect(
      home.profile.frames.some(
        (f) => f.data?.type === 'X-DPT-CAB-REQUEST-ID' && f.data.id === requestId,
      ),
    ).toBe(false);
    await voteAll(home, held!.poolId, 'yes');
    const url = await home.profile.waitFor(
      (f) => f.data?.type === 'X-DPT-CAB-REQUEST-ID' && f.data.id === requestId,
    );
    expect(url.data).toMatchObject({ command_status: 2, output_type: 1 });
    expect(await outcome(home.profile, requestId)).toMatchObject({ status: 2 });

    const denied = await api.post(
      '/data-token/request-data',
      { token: taxToken },
      home.owner.token,
    );
    const deniedId = commandId(denied);
    const [deniedHold] = await heldPools(home.profile, deniedId);
    await voteAll(home, deniedHold!.poolId, 'no');
    const message = await home.profile.waitFor(
      (f) => f.data?.type === 'X-DPT-CAB-REQUEST-ID' && f.data.id === deniedId,
    );
    expect(message.data).toMatchObject({
      command_status: 3,
      output_type: 0,
      body: 'policy.vote_rejected',
    });
    expect(await outcome(home.profile, deniedId)).toEqual({
      status: 3,
      body: 'policy.vote_rejected',
    });
  });

  it('holds delete-data: the token stays until the pool approves', async () => {
    const reservation = await reserve(api, home.owner.token, { context: '/finance' });
    const stored = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: randomBytes(32).toString('base64') },
      home.owner.token,
    );
    const [storeHold] = await heldPools(home.profile, commandId(stored));
    await voteAll(home, storeHold!.poolId, 'yes');
    await outcome(home.profile, commandId(stored));
    const dataToken = await finalize(api, home.owner.token, reservation.token, {
      fileName: 'ledger',
    });
    const listed = async () =>
      (
        (
          await api.get(
            '/data-token/list-data-tokens?context=/finance&perPage=500',
            home.owner.token,
          )
        ).body as {
          items: { token: string }[];
        }
      ).items.some((item) => item.token === dataToken);

    const response = await api.post(
      '/data-token/delete-data',
      { token: dataToken },
      home.owner.token,
    );
    const id = commandId(response);
    const [held] = await heldPools(home.profile, id);
    expect(await listed()).toBe(true);
    await voteAll(home, held!.poolId, 'yes');
    expect(await outcome(home.profile, id)).toMatchObject({ status: 2 });
    expect(await listed()).toBe(false);
  });
});

describe('gated device, storage and profile commands', () => {
  let home: Household;
  beforeAll(async () => {
    home = await household(0);
    await activePolicy(api, home.owner.token, {
      name: 'devices',
      policyTemplateId: 'device-governance',
      applyingEventIds: ['device.approval_requested', 'storage.registered'],
    });
    await activePolicy(api, home.owner.token, {
      name: 'passwords',
      policyTemplateId: 'profile-governance',
      applyingEventIds: ['profile.password_changed'],
    });
  });
  afterAll(() => home.close());

  it('holds approve-device; the device stays pending until the vote', async () => {
    const deviceId = await requestDevice(api, home.owner.token, 'Kitchen tablet');
    const response = await api.post(
      '/device/approve-device',
      { deviceIdentifier: deviceId },
      home.owner.token,
    );
    const id = commandId(response);
    const [held] = await heldPools(home.profile, id);
    const ballot = await ballotFor(home.voters[0]!.channel, held!.poolId);
    expect(ballot.subject).toBe(
      `device.approval_requested deviceIdentifier=${deviceId} deviceName=Kitchen%20tablet`,
    );
    const status = async () =>
      (
        (await api.get('/device/retrieve-profile-devices', home.owner.token)).body as {
          deviceIdentifier: string;
          status: string;
        }[]
      ).find((d) => d.deviceIdentifier === deviceId)!.status;
    expect(await status()).toBe('pending');
    await voteAll(home, held!.poolId, 'yes');
    expect(await outcome(home.profile, id)).toMatchObject({ status: 2 });
    expect(await status()).toBe('approved');

    // storage.register is held too; a no vote leaves the device without a role.
    const register = await api.post(
      '/storage/register',
      { deviceIdentifier: deviceId },
      home.owner.token,
    );
    const registerId = commandId(register);
    const [registerHold] = await heldPools(home.profile, registerId);
    expect((await ballotFor(home.voters[1]!.channel, registerHold!.poolId)).subject).toMatch(
      /^storage\.registered deviceIdentifier=/,
    );
    await voteAll(home, registerHold!.poolId, 'no');
    expect(await outcome(home.profile, registerId)).toEqual({
      status: 3,
      body: 'policy.vote_rejected',
    });
    const devices = (await api.get('/device/retrieve-profile-devices', home.owner.token)).body as {
      deviceIdentifier: string;
      role: string | null;
    }[];
    expect(devices.find((d) => d.deviceIdentifier === deviceId)!.role).toBeNull();
  });

  it('holds change-password; a rejected change leaves the old password working', async () => {
    const signIn = (password: string) =>
      api.post('/profile/authenticate', { username: home.owner.username, password });
    const denied = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      home.owner.token,
    );
    const deniedId = commandId(denied);
    const [held] = await heldPools(home.profile, deniedId);
    expect((await ballotFor(home.voters[0]!.channel, held!.poolId)).subject).toBe(
      `profile.password_changed username=${home.owner.username}`,
    );
    await voteAll(home, held!.poolId, 'no');
    expect(await outcome(home.profile, deniedId)).toEqual({
      status: 3,
      body: 'policy.vote_rejected',
    });
    expect((await signIn(PASSWORD)).status).toBe(200);

    // A wrong current password is rejected without asking anyone.
    const wrong = await api.post(
      '/profile/change-password',
      { currentPassword: 'not the password', newPassword: 'a brand new passphrase' },
      home.owner.token,
    );
    expect(await outcome(home.profile, commandId(wrong))).toEqual({
      status: 3,
      body: 'auth.invalid_credentials',
    });

    const approved = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      home.owner.token,
    );
    const approvedId = commandId(approved);
    const [approvedHold] = await heldPools(home.profile, approvedId);
    await voteAll(home, approvedHold!.poolId, 'yes');
    expect(await outcome(home.profile, approvedId)).toMatchObject({ status: 2 });
    expect((await signIn('a brand new passphrase')).status).toBe(200);
  });
});

describe('several pools, expiry, cancellation and missing authenticators', () => {
  it('waits for every pool; the first to end otherwise rejects and cancels the rest', async () => {
    const home = await household(0);
    const first = await activePolicy(api, home.owner.token, {
      name: 'first',
      policyTemplateId: 'device-governance',
      applyingEventIds: ['device.approval_requested'],
    });
    await votingConfiguration(api, home.owner.token, {
      name: 'phone-only',
      timeLimit: 60,
      strategy: 'affirmative',
      deviceIdentifiers: [home.voters[0]!.authenticator.deviceId],
    });
    const second = await activePolicy(api, home.owner.token, {
      name: 'second',
      policyTemplateId: 'device-governance',
      applyingEventIds: ['device.approval_requested'],
      votingConfigurationId: 'phone-only',
    });

    const approve = async () => {
      const deviceId = await requestDevice(api, home.owner.token, 'Watch');
      const response = await api.post(
        '/device/approve-device',
        { deviceIdentifier: deviceId },
        home.owner.token,
      );
      const id = commandId(response);
      const pools = await heldPools(home.profile, id, 2);
      expect(pools.map((p) => p.policyId)).toEqual([first, second]);
      return { id, pools };
    };

    // Both approve: the command runs once, after the second.
    const both = await approve();
    const phone = home.voters[0]!;
    const onlyPhone = await ballotFor(phone.channel, both.pools[1]!.poolId);
    await castVote(api, phone.authenticator.deviceToken, onlyPhone.ballotId, 'yes');
    expect((await poolResolved(home.profile, both.pools[1]!.poolId)).status).toBe('approved');
    expect(await requestStatus(both.id)).toBe('started');
    await voteAll(home, both.pools[0]!.poolId, 'yes');
    expect(await outcome(home.profile, both.id)).toMatchObject({ status: 2 });
    expect(
      home.profile.frames.filter((f) => f.data?.id === both.id && f.data.command_status !== 1),
    ).toHaveLength(1);

    // The phone-only pool says no: rejected, and the other pool is cancelled.
    const split = await approve();
    const no = await ballotFor(phone.channel, split.pools[1]!.poolId);
    await castVote(api, phone.authenticator.deviceToken, no.ballotId, 'no');
    expect(await outcome(home.profile, split.id)).toEqual({
      status: 3,
      body: 'policy.vote_rejected',
    });
    expect((await poolResolved(home.profile, split.pools[0]!.poolId)).status).toBe('cancelled');
    await home.close();
  });

  it('ends a held command with policy.vote_expired and policy.vote_cancelled', async () => {
    const home = await household(0);
    await activePolicy(api, home.owner.token, {
      policyTemplateId: 'device-governance',
      applyingEventIds: ['device.approval_requested'],
    });
    const deviceId = await requestDevice(api, home.owner.token, 'Old phone');
    const expiring = await api.post(
      '/device/approve-device',
      { deviceIdentifier: deviceId },
      home.owner.token,
    );
    const expiringId = commandId(expiring);
    const [held] = await heldPools(home.profile, expiringId);
    clock.advance(300_000);
    expect(await outcome(home.profile, expiringId)).toEqual({
      status: 3,
      body: 'policy.vote_expired',
    });
    expect((await poolResolved(home.profile, held!.poolId)).status).toBe('expired');

    const cancelled = await api.post(
      '/device/approve-device',
      { deviceIdentifier: deviceId },
      home.owner.token,
    );
    const cancelledId = commandId(cancelled);
    const [cancelHold] = await heldPools(home.profile, cancelledId);
    expect(
      (
        await runCommand(
          api,
          '/voting/cancel-pool',
          { poolId: cancelHold!.poolId },
          home.owner.token,
        )
      ).outcome,
    ).toBe('succeeded');
    expect(await outcome(home.profile, cancelledId)).toEqual({
      status: 3,
      body: 'policy.vote_cancelled',
    });
    await home.close();
  });

  it('rejects a gated command with voting.no_authenticators below the quorum', async () => {
    const home = await household(0);
    await activePolicy(api, home.owner.token, {
      policyTemplateId: 'profile-governance',
      applyingEventIds: ['profile.password_changed'],
    });
    await setDefault(api, home.owner.token, 'set-quorum-size', { quorumSize: '3' });
    const response = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'another long passphrase' },
      home.owner.token,
    );
    expect(await outcome(home.profile, commandId(response))).toEqual({
      status: 3,
      body: 'voting.no_authenticators',
    });
    await home.close();
  });

  it('gates nothing with an inactive policy; a deactivated policy lets open pools finish', async () => {
    const home = await household(0);
    const registered = await api.postJson(
      '/policy/register',
      {
        name: 'dormant',
        policyTemplateId: 'device-governance',
        applyingEventIds: ['device.approval_requested'],
      },
      home.owner.token,
    );
    expect(await awaitStatus(api, commandId(registered))).toBe('succeeded');
    const first = await requestDevice(api, home.owner.token, 'Free');
    const free = await api.post(
      '/device/approve-device',
      { deviceIdentifier: first },
      home.owner.token,
    );
    expect(await outcome(home.profile, commandId(free))).toMatchObject({ status: 2 });

    await runCommand(api, '/policy/activate', { name: 'dormant' }, home.owner.token);
    const second = await requestDevice(api, home.owner.token, 'Held');
    const held = await api.post(
      '/device/approve-device',
      { deviceIdentifier: second },
      home.owner.token,
    );
    const [pool] = await heldPools(home.profile, commandId(held));
    await runCommand(api, '/policy/deactivate', { name: 'dormant' }, home.owner.token);
    await runCommand(api, '/policy/delete', { name: 'dormant' }, home.owner.token);
    await voteAll(home, pool!.poolId, 'yes');
    expect(await outcome(home.profile, commandId(held))).toMatchObject({ status: 2 });
    await home.close();
  });
});

describe('the gate is one property of a command spec', () => {
  it('holds any command that names its event, such as oauth.application_registered', async () => {
    const home = await household(0);
    await activePolicy(api, home.owner.token, {
      policyTemplateId: 'profile-governance',
      applyingEventIds: ['oauth.application_registered'],
    });
    let ran = 0;
    // What the OAuth issue adds to its register command: the event and its voting attributes.
    const spec: CommandSpec<{ name: string }> = {
      kind: 'test.oauth-application-register',
      restart: 'rerun',
      gate: {
        event: async ({ payload }) => ({
          eventId: 'oauth.application_registered',
          attributes: [['applicationName', payload.name]],
        }),
      },
      async commit() {
        ran++;
        return { ok: true, result: { applicationId: 'x' } };
      },
    };
    const id = await engine.ctx.commands.accept(spec, home.owner.profileId, { name: 'Budget app' });
    const [held] = await heldPools(home.profile, id);
    const ballot = await ballotFor(home.voters[0]!.channel, held!.poolId);
    expect(ballot.subject).toBe('oauth.application_registered applicationName=Budget%20app');
    expect(ran).toBe(0);
    await voteAll(home, held!.poolId, 'yes');
    expect(await outcome(home.profile, id)).toEqual({ status: 2, body: { applicationId: 'x' } });
    expect(ran).toBe(1);
    await home.close();
  });
});
