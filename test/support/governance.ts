import { TestChannel, type ChannelFrame } from './channel.ts';
import { commandId, awaitStatus } from './profiles.ts';
import { requestDevice, runCommand } from './storage-devices.ts';
import type { Wire } from './http.ts';

/** An approved authenticator device of a profile with a device token. */
export interface TestAuthenticator {
  deviceId: string;
  deviceToken: string;
  name: string;
}

/** A new device, approved, registered as a verified authenticator, with its device token. */
export async function addAuthenticator(
  api: Wire,
  token: string,
  name = 'Phone',
): Promise<TestAuthenticator> {
  const deviceId = await requestDevice(api, token, name);
  await expectSucceeded(
    runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, token),
  );
  await expectSucceeded(
    runCommand(api, '/verified-authenticator/register', { deviceIdentifier: deviceId }, token),
  );
  const configuration = await api.post(
    '/device/download-device-configuration',
    { deviceIdentifier: deviceId },
    token,
  );
  if (configuration.status !== 200)
    throw new Error(`download-device-configuration: ${configuration.status} ${configuration.text}`);
  return {
    deviceId,
    deviceToken: (configuration.body as { deviceToken: string }).deviceToken,
    name,
  };
}

async function expectSucceeded(run: Promise<{ id: string; outcome: string }>): Promise<string> {
  const { id, outcome } = await run;
  if (outcome !== 'succeeded') throw new Error(`command ${id} ${outcome}`);
  return id;
}

/** Sends a JSON async command and waits for status 2; returns the command id. */
export async function runJsonCommand(
  api: Wire,
  path: string,
  body: unknown,
  token: string,
): Promise<{ id: string; outcome: 'succeeded' | 'rejected' }> {
  const response = await api.postJson(path, body, token);
  if (response.status !== 202) throw new Error(`${path}: ${response.status} ${response.text}`);
  const id = commandId(response);
  return { id, outcome: await awaitStatus(api, id, 30_000) };
}

/** Registers a policy and activates it; returns its id. */
export async function activePolicy(
  api: Wire,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const policyId = await expectSucceeded(runJsonCommand(api, '/policy/register', body, token));
  await expectSucceeded(runCommand(api, '/policy/activate', { policyId }, token));
  return policyId;
}

/** Registers a voting configuration; returns its id. */
export function votingConfiguration(
  api: Wire,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  return expectSucceeded(
    runJsonCommand(api, '/verified-authenticator/voting-configuration/register', body, token),
  );
}

/** Sets one of the profile's voting defaults (path under /verified-authenticator/). */
export function setDefault(
  api: Wire,
  token: string,
  path: string,
  fields: Record<string, string>,
): Promise<string> {
  return expectSucceeded(runCommand(api, `/verified-authenticator/${path}`, fields, token));
}

/** A channel joined with a token (an authenticator's device token for its ballots). */
export async function joinedChannel(wsUrl: string, token: string): Promise<TestChannel> {
  const channel = await TestChannel.open(wsUrl);
  const joined = await channel.join(token);
  if (joined.status !== 200) throw new Error(`join failed: ${JSON.stringify(joined)}`);
  return channel;
}

export interface BallotFrame {
  ballotId: string;
  poolId: string;
  subject: string;
  expiresAt: string;
}

const asBallot = (frame: ChannelFrame): BallotFrame => {
  const body = frame.data!.body as { poolId: string; subject: string; expiresAt: string };
  return { ballotId: frame.data!.id as string, ...body };
};

/** The BALLOT of a pool this channel received (or will). */
export async function ballotFor(
  channel: TestChannel,
  poolId: string,
  timeoutMs?: number,
): Promise<BallotFrame> {
  return asBallot(
    await channel.waitFor(
      (frame) =>
        frame.data?.type === 'BALLOT' && (frame.data.body as { poolId: string }).poolId === poolId,
      timeoutMs,
    ),
  );
}

export function ballotsIn(channel: TestChannel): BallotFrame[] {
  return channel.frames.filter((frame) => frame.data?.type === 'BALLOT').map(asBallot);
}

/** The status-1 {poolId, policyId} messages of a held command. */
export async function heldPools(
  channel: TestChannel,
  commandId: string,
  count = 1,
): Promise<{ poolId: string; policyId: string }[]> {
  const isHold = (frame: ChannelFrame) =>
    frame.data?.type === 'X-DPT-CAB-ID' &&
    frame.data.id === commandId &&
    frame.data.command_status === 1;
  await channel.waitFor(() => channel.frames.filter(isHold).length >= count);
  return channel.frames
    .filter(isHold)
    .map((frame) => frame.data!.body as { poolId: string; policyId: string });
}

export function castVote(
  api: Wire,
  deviceToken: string,
  ballotId: string,
  vote: 'yes' | 'no',
): ReturnType<Wire['post']> {
  return api.post('/voting/cast-vote', { ballotId, vote }, deviceToken);
}

/** POOL-RESOLVED of a pool on a profile channel. */
export async function poolResolved(
  channel: TestChannel,
  poolId: string,
): Promise<{ status: string; subject: string; resolvedAt: string }> {
  const frame = await channel.waitFor(
    (f) => f.data?.type === 'POOL-RESOLVED' && f.data.id === poolId,
  );
  return frame.data!.body as { status: string; subject: string; resolvedAt: string };
}
