// Contract §11: oauth-application-register is gated on `oauth.application_registered`. With an
// active profile-governance policy a registration waits at status 1 until the authenticators
// vote: yes registers the application, no rejects it with policy.vote_rejected and nothing is
// registered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestChannel } from '../support/channel.ts';
import { startTestEngine } from '../support/engine.ts';
import {
  activePolicy,
  addAuthenticator,
  ballotFor,
  castVote,
  heldPools,
  joinedChannel,
  type TestAuthenticator,
} from '../support/governance.ts';
import { wire, type Wire } from '../support/http.ts';
import { awaitStatus, commandId, createProfile, type TestProfile } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let channel: TestChannel;
let voter: { authenticator: TestAuthenticator; channel: TestChannel };

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  const authenticator = await addAuthenticator(api, owner.token, 'Phone');
  voter = { authenticator, channel: await joinedChannel(engine.wsUrl, authenticator.deviceToken) };
  channel = await joinedChannel(engine.wsUrl, owner.token);
  await activePolicy(api, owner.token, {
    name: 'new-apps',
    policyTemplateId: 'profile-governance',
    applyingEventIds: ['oauth.application_registered'],
  });
});
afterAll(async () => {
  channel.close();
  voter.channel.close();
  await engine.close();
});

async function register(name: string): Promise<string> {
  const response = await api.post(
    '/profile/oauth-application-register',
    { name, redirectUri: 'https://held.example/cb', scopes: ['profile:read'] },
    owner.token,
  );
  expect(response.status).toBe(202);
  return commandId(response);
}

async function listed(): Promise<string[]> {
  const list = await api.get('/profile/retrieve-oauth-application-list', owner.token);
  return (list.body as { items: { name: string }[] }).items.map((item) => item.name);
}

describe('a registration under an active profile-governance policy', () => {
  it('waits at status 1 until the vote, and yes registers it', async () => {
    const id = await register('Budget app');
    const [pool] = await heldPools(channel, id);
    expect(pool).toMatchObject({ poolId: expect.any(String), policyId: expect.any(String) });
    const ballot = await ballotFor(voter.channel, pool!.poolId);
    // Contract §11: the event id, then the template's voting attributes the registration has.
    expect(ballot.subject).toMatch(
      /^oauth\.application_registered username=\S+ applicationName=Budget%20app$/,
    );
    expect(ballot.subject).toContain(owner.username.split('@')[0]);
    // Held: not registered yet, so no configuration either.
    expect((await api.get(`/request-status/${id}`)).body).toBe('started');
    expect(await listed()).not.toContain('Budget app');
    expect(
      (
        await api.post(
          '/profile/retrieve-oauth-application-configuration',
          { applicationId: id },
          owner.token,
        )
      ).body,
    ).toMatchObject({ status: 404, reason: 'oauth.application_not_found' });

    expect(
      (await castVote(api, voter.authenticator.deviceToken, ballot.ballotId, 'yes')).status,
    ).toBe(200);
    const done = await channel.commandOutcome(id);
    expect(done.data).toMatchObject({ command_status: 2, body: { applicationId: id } });
    expect(await listed()).toContain('Budget app');
  });

  it('is rejected with policy.vote_rejected on no, and nothing is registered', async () => {
    const id = await register('Shady app');
    const [pool] = await heldPools(channel, id);
    const ballot = await ballotFor(voter.channel, pool!.poolId);
    await castVote(api, voter.authenticator.deviceToken, ballot.ballotId, 'no');
    expect(await awaitStatus(api, id)).toBe('rejected');
    expect((await api.get(`/request-status/${id}`)).headers.get('x-dpt-cab-reason')).toBe(
      'policy.vote_rejected',
    );
    expect(await listed()).not.toContain('Shady app');
  });
});
