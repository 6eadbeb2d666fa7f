import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeviceBundle } from '../../engine/devices/device-bundle.ts';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { AuthenticatorProcess } from '../support/authenticator-process.ts';
import type { TestChannel } from '../support/channel.ts';
import { finalize, reserve } from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import {
  activePolicy,
  heldPools,
  joinedChannel,
  setDefault,
  votingConfiguration,
} from '../support/governance.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  requestDevice,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';
import { postStream } from '../support/stream-crypto.ts';

/**
 * Three headless authenticator processes (`npm run authenticator`) on a real engine, voting
 * over the device bus: a 2-of-3 policy on uploads under /finance.
 */
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let profile: TestChannel;
let device: RunningStorageDevice & { dir: string };
const approvers: AuthenticatorProcess[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  device = await startDevice((await addStorageDevice(api, owner.token)).bundle);
  const deviceIds: string[] = [];
  for (const name of ['Server room 1', 'Server room 2', 'Server room 3']) {
    const deviceId = await requestDevice(api, owner.token, name);
    await runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, owner.token);
    await runCommand(
      api,
      '/verified-authenticator/register',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    const configuration = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    deviceIds.push(deviceId);
    approvers.push(await AuthenticatorProcess.spawn(parseDeviceBundle(configuration.body)));
  }
  // 2 of 3: at least two ballots cast, and at least 66% of them yes.
  await setDefault(api, owner.token, 'set-quorum-size', { quorumSize: '2' });
  await votingConfiguration(api, owner.token, {
    name: 'two-of-three',
    timeLimit: 600,
    strategy: 'minimum_percentage',
    percentageRequired: 66,
    deviceIdentifiers: deviceIds,
  });
  await activePolicy(api, owner.token, {
    name: 'finance-uploads',
    policyTemplateId: 'data-token-governance',
    applyingEventIds: ['data_token.exchanged'],
    configuration: { contextPrefix: '/finance' },
    votingConfigurationId: 'two-of-three',
  });
  profile = await joinedChannel(engine.wsUrl, owner.token);
}, 120_000);

afterAll(async () => {
  profile?.close();
  const codes = await Promise.all(approvers.map((approver) => approver.stop()));
  await device?.stop();
  await engine?.close();
  if (device) await rm(device.dir, { recursive: true, force: true });
  // SIGTERM is a clean stop.
  expect(codes.every((code) => code === 0 || code === 'SIGTERM')).toBe(true);
});

async function upload(context: string, bytes: Buffer): Promise<{ id: string; token: string }> {
  const reservation = await reserve(api, owner.token, { context });
  const response = await postStream(reservation.stream, [bytes]);
  expect(response.status).toBe(202);
  return { id: (response.body as string[])[0]!, token: reservation.token };
}

describe('three headless authenticators, 2 of 3 on /finance uploads', () => {
  it('holds an upload until two approve, then stores it', async () => {
    const bytes = randomBytes(200_000);
    const { id, token } = await upload('/finance/2026', bytes);
    const [held] = await heldPools(profile, id);
    const ballots = await Promise.all(
      approvers.map((approver) => approver.ballotFor(held!.poolId)),
    );
    for (const ballot of ballots)
      expect(ballot).toMatchObject({
        subject: `data_token.exchanged context=/finance/2026 size=${bytes.length}`,
        expiresAt: expect.any(String),
      });

    expect(await approvers[0]!.vote(ballots[0]!.ballotId as string, 'yes')).toMatchObject({
      event: 'voted',
    });
    // One yes is not yet two.
    expect((await api.get(`/request-status/${id}`)).body).toBe('started');
    expect(await approvers[2]!.vote(ballots[2]!.ballotId as string, 'yes')).toMatchObject({
      event: 'voted',
    });
    const outcome = await profile.commandOutcome(id);
    expect(outcome.data).toMatchObject({
      command_status: 2,
      body: { size: bytes.length, storageDevices: 1 },
    });
    expect(await finalize(api, owner.token, token)).toMatch(/^D-/);
    // The third ballot is closed now.
    expect(await approvers[1]!.vote(ballots[1]!.ballotId as string, 'yes')).toMatchObject({
      event: 'vote-refused',
      reason: 'voting.pool_closed',
    });
  });

  it('rejects a second upload on two no votes', async () => {
    const { id } = await upload('/finance/2026', randomBytes(50_000));
    const [held] = await heldPools(profile, id);
    const first = await approvers[1]!.ballotFor(held!.poolId);
    const second = await approvers[2]!.ballotFor(held!.poolId);
    // The first authenticator is asked too; its ballot must not arrive during the next test,
    // which counts the ballots it has seen.
    await approvers[0]!.ballotFor(held!.poolId);
    await approvers[1]!.vote(first.ballotId as string, 'no');
    await approvers[2]!.vote(second.ballotId as string, 'no');
    const outcome = await profile.commandOutcome(id);
    expect(outcome.data).toMatchObject({ command_status: 3, body: 'policy.vote_rejected' });
    // A vote already cast is final.
    expect(await approvers[1]!.vote(first.ballotId as string, 'yes')).toMatchObject({
      event: 'vote-refused',
      reason: 'voting.already_voted',
    });
  });

  it('does not hold an upload outside /finance', async () => {
    const ballotsBefore = approvers[0]!.events.filter((e) => e.event === 'ballot').length;
    const { id } = await upload('/photos', randomBytes(10_000));
    const outcome = await profile.commandOutcome(id);
    expect(outcome.data).toMatchObject({ command_status: 2 });
    expect(profile.frames.some((f) => f.data?.id === id && f.data.command_status === 1)).toBe(
      false,
    );
    expect(approvers[0]!.events.filter((e) => e.event === 'ballot')).toHaveLength(ballotsBefore);
  });

  it('reports unreadable input and unknown ballots without losing its connection', async () => {
    approvers[0]!.write('approve everything');
    expect(await approvers[0]!.next((e) => e.event === 'input-error')).toMatchObject({
      line: 'approve everything',
    });
    expect(await approvers[0]!.vote('not-a-ballot', 'yes')).toMatchObject({
      event: 'vote-refused',
      reason: 'voting.ballot_not_found',
    });
    expect(await approvers[0]!.vote('01900000-0000-7000-8000-000000000000', 'no')).toMatchObject({
      event: 'vote-refused',
      reason: 'voting.ballot_not_found',
    });
    // Still connected: it still gets ballots.
    const { id } = await upload('/finance/more', randomBytes(1_000));
    const [held] = await heldPools(profile, id);
    await approvers[0]!.ballotFor(held!.poolId);
  });

  it('votes by rule with --auto', async () => {
    const deviceId = await requestDevice(api, owner.token, 'Auto approver');
    await runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, owner.token);
    await runCommand(
      api,
      '/verified-authenticator/register',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    const configuration = await api.post(
      '/device/download-device-configuration',
      { deviceIdentifier: deviceId },
      owner.token,
    );
    const auto = await AuthenticatorProcess.spawn(parseDeviceBundle(configuration.body), [
      '--auto',
      'yes',
    ]);
    try {
      // A standalone pool for this one device: its automatic yes approves it.
      await votingConfiguration(api, owner.token, {
        name: 'auto-only',
        timeLimit: 60,
        strategy: 'affirmative',
        deviceIdentifiers: [deviceId],
      });
      await setDefault(api, owner.token, 'set-quorum-size', { quorumSize: '1' });
      const { id } = await runCommand(
        api,
        '/voting/create',
        { subject: 'Rotate the keys', votingConfigurationId: 'auto-only' },
        owner.token,
      );
      const ballot = await auto.ballotFor(id);
      expect(ballot.subject).toBe('Rotate the keys');
      await auto.next((e) => e.event === 'voted' && e.ballotId === ballot.ballotId);
      const pool = await api.get(`/voting/check-pool-status/${id}`, owner.token);
      expect(pool.body).toMatchObject({ status: 'approved' });
    } finally {
      await auto.stop();
    }
  });
});
