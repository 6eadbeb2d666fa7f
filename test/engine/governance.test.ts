import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChannel } from '../support/channel.ts';
import { startTestEngine } from '../support/engine.ts';
import {
  addAuthenticator,
  ballotFor,
  ballotsIn,
  castVote,
  joinedChannel,
  poolResolved,
  runJsonCommand,
  setDefault,
  votingConfiguration,
  type TestAuthenticator,
} from '../support/governance.ts';
import { wire, type Wire } from '../support/http.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { awaitStatus, commandId, createProfile, type TestProfile } from '../support/profiles.ts';
import { addStorageDevice, requestDevice, runCommand } from '../support/storage-devices.ts';

/**
 * Contract §10 (verified authenticators, defaults, voting configurations), §11 (policies) and
 * §12 (pools, ballots, cast-vote) over real HTTP and WebSocket, on an engine whose clock the
 * test moves.
 */
const clock = new ManualClock();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine({ clock });
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

async function rejectedWith(response: { status: number; headers: Headers }): Promise<string> {
  expect(response.status).toBe(202);
  const id = commandId(response);
  expect(await awaitStatus(api, id)).toBe('rejected');
  const status = await api.get(`/request-status/${id}`);
  return status.headers.get('x-dpt-cab-reason')!;
}

async function createPool(
  owner: TestProfile,
  fields: Record<string, string> = { subject: 'Open the vault door' },
): Promise<string> {
  const { id, outcome } = await runCommand(api, '/voting/create', fields, owner.token);
  expect(outcome).toBe('succeeded');
  return id;
}

async function pool(owner: TestProfile, poolId: string) {
  const response = await api.get(`/voting/check-pool-status/${poolId}`, owner.token);
  expect(response.status).toBe(200);
  return response.body as {
    poolId: string;
    status: string;
    round: number;
    quorumSize: number;
    strategy: string;
    percentageRequired: number | null;
    subject: string;
    context: string | null;
    createdAt: string;
    expiresAt: string;
    resolvedAt: string | null;
    ballots: {
      ballotId: string;
      deviceIdentifier: string;
      vote: string | null;
      votedAt: string | null;
    }[];
  };
}

describe('verified authenticators', () => {
  let owner: TestProfile;
  beforeAll(async () => {
    owner = await createProfile(api);
  });

  it('registers an approved device, lists it with presence and removes it', async () => {
    const phone = await addAuthenticator(api, owner.token, 'Phone');
    let list = await api.get('/verified-authenticator/list', owner.token);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      {
        deviceIdentifier: phone.deviceId,
        name: 'Phone',
        online: false,
        lastSeenAt: null,
        registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      },
    ]);
    const devices = await api.get('/device/retrieve-profile-devices', owner.token);
    expect(devices.body).toContainEqual(
      expect.objectContaining({ deviceIdentifier: phone.deviceId, role: 'authenticator' }),
    );

    const channel = await joinedChannel(engine.wsUrl, phone.deviceToken);
    list = await api.get('/verified-authenticator/list', owner.token);
    expect(list.body).toEqual([
      expect.objectContaining({ online: true, lastSeenAt: expect.any(String) }),
    ]);
    channel.close();

    expect(
      (
        await runCommand(
          api,
          '/verified-authenticator/remove',
          { deviceIdentifier: phone.deviceId },
          owner.token,
        )
      ).outcome,
    ).toBe('succeeded');
    list = await api.get('/verified-authenticator/list', owner.token);
    expect(list.body).toEqual([]);
    const again = await api.post(
      '/verified-authenticator/remove',
      { deviceIdentifier: phone.deviceId },
      owner.token,
    );
    expect(await rejectedWith(again)).toBe('device.not_authenticator');
  });

  it('rejects pending devices and devices that already have a role', async () => {
    const pending = await requestDevice(api, owner.token, 'Pending');
    expect(
      await rejectedWith(
        await api.post(
          '/verified-authenticator/register',
          { deviceIdentifier: pending },
          owner.token,
        ),
      ),
    ).toBe('device.not_approved');
    const storage = await addStorageDevice(api, owner.token, 'NAS');
    expect(
      await rejectedWith(
        await api.post(
          '/verified-authenticator/register',
          { deviceIdentifier: storage.deviceId },
          owner.token,
        ),
      ),
    ).toBe('device.role_taken');
    const foreign = await createProfile(api);
    const missing = await api.post(
      '/verified-authenticator/register',
      { deviceIdentifier: storage.deviceId },
      foreign.token,
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'device.not_found' });
  });
});

describe('voting defaults', () => {
  it('starts at the contract defaults and changes one setting per command', async () => {
    const owner = await createProfile(api);
    const read = async () =>
      (await api.get('/verified-authenticator/retrieve-strategy', owner.token)).body;
    expect(await read()).toEqual({
      strategy: 'consensus',
      percentageRequired: null,
      quorumSize: 1,
      timeLimit: 300,
      maxAttempts: 1,
    });
    await setDefault(api, owner.token, 'set-quorum-size', { quorumSize: '2' });
    await setDefault(api, owner.token, 'set-quorum-strategy', {
      strategy: 'minimum_percentage',
      strategy_params: '75',
    });
    await setDefault(api, owner.token, 'set-voting-time-limit', { timeLimit: '60' });
    await setDefault(api, owner.token, 'set-maximum-voting-attempts', { maxAttempts: '3' });
    expect(await read()).toEqual({
      strategy: 'minimum_percentage',
      percentageRequired: 75,
      quorumSize: 2,
      timeLimit: 60,
      maxAttempts: 3,
    });
    // strategy_params is ignored for the other strategies.
    await setDefault(api, owner.token, 'set-quorum-strategy', {
      strategy: 'unanimous',
      strategy_params: '40',
    });
    expect(await read()).toMatchObject({ strategy: 'unanimous', percentageRequired: null });
  });

  it('refuses values out of range with 422 naming the field', async () => {
    const owner = await createProfile(api);
    const cases: [string, Record<string, string>, string][] = [
      ['set-quorum-size', { quorumSize: '0' }, 'quorumSize'],
      ['set-quorum-size', { quorumSize: '101' }, 'quorumSize'],
      ['set-quorum-size', {}, 'quorumSize'],
      ['set-quorum-strategy', { strategy: 'majority' }, 'strategy'],
      ['set-quorum-strategy', { strategy: 'minimum_percentage' }, 'strategy_params'],
      [
        'set-quorum-strategy',
        { strategy: 'minimum_percentage', strategy_params: '0' },
        'strategy_params',
      ],
      [
        'set-quorum-strategy',
        { strategy: 'minimum_percentage', strategy_params: 'half' },
        'strategy_params',
      ],
      ['set-voting-time-limit', { timeLimit: '9' }, 'timeLimit'],
      ['set-voting-time-limit', { timeLimit: '86401' }, 'timeLimit'],
      ['set-maximum-voting-attempts', { maxAttempts: '11' }, 'maxAttempts'],
    ];
    for (const [path, fields, field] of cases) {
      const response = await api.post(`/verified-authenticator/${path}`, fields, owner.token);
      expect(response.status, `${path} ${JSON.stringify(fields)}`).toBe(422);
      expect(response.body).toMatchObject({
        status: 422,
        reason: 'validation.failed',
        errors: { [field]: expect.any(Array) },
      });
    }
  });
});

describe('voting configurations', () => {
  let owner: TestProfile;
  let phone: TestAuthenticator;
  beforeAll(async () => {
    owner = await createProfile(api);
    phone = await addAuthenticator(api, owner.token, 'Phone');
  });

  it('registers, lists, retrieves by id or name, updates and deletes', async () => {
    const id = await votingConfiguration(api, owner.token, {
      name: 'board-approval',
      timeLimit: 240,
      strategy: 'minimum_percentage',
      percentageRequired: 75,
      deviceIdentifiers: [],
    });
    const expected = {
      votingConfigurationId: id,
      name: 'board-approval',
      timeLimit: 240,
      strategy: 'minimum_percentage',
      percentageRequired: 75,
      deviceIdentifiers: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    const list = await api.get('/verified-authenticator/voting-configuration/list', owner.token);
    expect(list.body).toEqual({ items: [expected], meta: { count: 1 } });
    for (const ref of [id, 'board-approval']) {
      const one = await api.get(
        `/verified-authenticator/voting-configuration/retrieve/${encodeURIComponent(ref)}`,
        owner.token,
      );
      expect(one.body).toEqual(expected);
    }
    const updated = await runJsonCommand(
      api,
      '/verified-authenticator/voting-configuration/update',
      {
        votingConfigurationId: 'board-approval',
        name: 'two of them',
        strategy: 'consensus',
        deviceIdentifiers: [phone.deviceId],
      },
      owner.token,
    );
    expect(updated.outcome).toBe('succeeded');
    const renamed = await api.get(
      `/verified-authenticator/voting-configuration/retrieve/${encodeURIComponent('two of them')}`,
      owner.token,
    );
    expect(renamed.body).toMatchObject({
      votingConfigurationId: id,
      strategy: 'consensus',
      percentageRequired: null,
      deviceIdentifiers: [phone.deviceId],
    });
    const deleted = await runCommand(
      api,
      '/verified-authenticator/voting-configuration/delete',
      { votingConfigurationId: id },
      owner.token,
    );
    expect(deleted.outcome).toBe('succeeded');
    const gone = await api.get(
      `/verified-authenticator/voting-configuration/retrieve/${id}`,
      owner.token,
    );
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ reason: 'voting_configuration.not_found' });
  });

  it('takes form encoding as well as JSON', async () => {
    const { id, outcome } = await runCommand(
      api,
      '/verified-authenticator/voting-configuration/register',
      {
        name: 'from-a-form',
        timeLimit: '30',
        strategy: 'affirmative',
        'deviceIdentifiers[]': phone.deviceId,
      },
      owner.token,
    );
    expect(outcome).toBe('succeeded');
    const one = await api.get(
      `/verified-authenticator/voting-configuration/retrieve/${id}`,
      owner.token,
    );
    expect(one.body).toMatchObject({
      name: 'from-a-form',
      timeLimit: 30,
      deviceIdentifiers: [phone.deviceId],
    });
  });

  it('rejects taken names, devices that are not authenticators, and deleting one in use', async () => {
    await votingConfiguration(api, owner.token, {
      name: 'taken',
      timeLimit: 60,
      strategy: 'consensus',
      deviceIdentifiers: [],
    });
    const taken = await api.postJson(
      '/verified-authenticator/voting-configuration/register',
      { name: 'taken', timeLimit: 60, strategy: 'consensus', deviceIdentifiers: [] },
      owner.token,
    );
    expect(await rejectedWith(taken)).toBe('voting_configuration.name_taken');

    const plain = await requestDevice(api, owner.token, 'Not an authenticator');
    const notAuthenticator = await api.postJson(
      '/verified-authenticator/voting-configuration/register',
      { name: 'with-plain', timeLimit: 60, strategy: 'consensus', deviceIdentifiers: [plain] },
      owner.token,
    );
    expect(await rejectedWith(notAuthenticator)).toBe('device.not_authenticator');

    const other = await votingConfiguration(api, owner.token, {
      name: 'other',
      timeLimit: 60,
      strategy: 'consensus',
      deviceIdentifiers: [],
    });
    const rename = await api.postJson(
      '/verified-authenticator/voting-configuration/update',
      { votingConfigurationId: other, name: 'taken' },
      owner.token,
    );
    expect(await rejectedWith(rename)).toBe('voting_configuration.name_taken');

    const policy = await runJsonCommand(
      api,
      '/policy/register',
      {
        policyTemplateId: 'device-governance',
        applyingEventIds: ['device.approval_requested'],
        votingConfigurationId: 'other',
      },
      owner.token,
    );
    expect(policy.outcome).toBe('succeeded');
    const inUse = await api.post(
      '/verified-authenticator/voting-configuration/delete',
      { votingConfigurationId: 'other' },
      owner.token,
    );
    expect(await rejectedWith(inUse)).toBe('voting_configuration.in_use');
  });

  it('answers 422 for rule violations and 404 for unknown references', async () => {
    const invalid: [Record<string, unknown>, string][] = [
      [{ timeLimit: 60, strategy: 'consensus', deviceIdentifiers: [] }, 'name'],
      [
        { name: 'x'.repeat(101), timeLimit: 60, strategy: 'consensus', deviceIdentifiers: [] },
        'name',
      ],
      [{ name: 'a', timeLimit: 5, strategy: 'consensus', deviceIdentifiers: [] }, 'timeLimit'],
      [{ name: 'a', timeLimit: 60, strategy: 'most', deviceIdentifiers: [] }, 'strategy'],
      [
        { name: 'a', timeLimit: 60, strategy: 'minimum_percentage', deviceIdentifiers: [] },
        'percentageRequired',
      ],
      [
        {
          name: 'a',
          timeLimit: 60,
          strategy: 'minimum_percentage',
          percentageRequired: 101,
          deviceIdentifiers: [],
        },
        'percentageRequired',
      ],
      [{ name: 'a', timeLimit: 60, strategy: 'consensus' }, 'deviceIdentifiers'],
      [
        { name: 'a', timeLimit: 60, strategy: 'consensus', deviceIdentifiers: { a: 1 } },
        'deviceIdentifiers',
      ],
    ];
    for (const [body, field] of invalid) {
      const response = await api.postJson(
        '/verified-authenticator/voting-configuration/register',
        body,
        owner.token,
      );
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body).toMatchObject({
        reason: 'validation.failed',
        errors: { [field]: expect.any(Array) },
      });
    }
    const unknownDevice = await api.postJson(
      '/verified-authenticator/voting-configuration/register',
      { name: 'a', timeLimit: 60, strategy: 'consensus', deviceIdentifiers: ['not-a-device'] },
      owner.token,
    );
    expect(unknownDevice.status).toBe(404);
    expect(unknownDevice.body).toMatchObject({ reason: 'device.not_found' });
    for (const path of [
      '/verified-authenticator/voting-configuration/retrieve/nothing-by-this-name',
    ]) {
      const response = await api.get(path, owner.token);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ reason: 'voting_configuration.not_found' });
    }
    for (const [path, body] of [
      ['/verified-authenticator/voting-configuration/update', { votingConfigurationId: 'nope' }],
      ['/verified-authenticator/voting-configuration/delete', { votingConfigurationId: 'nope' }],
    ] as const) {
      const response = await api.postJson(path, body, owner.token);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ reason: 'voting_configuration.not_found' });
    }
    // Another profile's configuration is not found either.
    const mine = await votingConfiguration(api, owner.token, {
      name: 'private',
      timeLimit: 60,
      strategy: 'consensus',
      deviceIdentifiers: [],
    });
    const stranger = await createProfile(api);
    const foreign = await api.get(
      `/verified-authenticator/voting-configuration/retrieve/${mine}`,
      stranger.token,
    );
    expect(foreign.status).toBe(404);
  });
});

describe('policies', () => {
  let owner: TestProfile;
  beforeAll(async () => {
    owner = await createProfile(api);
  });

  it('lists the templates in the contract order and shape', async () => {
    const response = await api.get('/policy/list-policy-templates', owner.token);
    expect(response.status).toBe(200);
    const templates = response.body as Record<string, Record<string, unknown>>;
    expect(Object.keys(templates)).toEqual([
      'profile-governance',
      'device-governance',
      'data-token-governance',
    ]);
    expect(templates['profile-governance']).toEqual({
      name: 'Profile governance',
      description: 'Vote on password changes and new OAuth applications.',
      events: {
        'profile.password_changed': { 'profile.password_changed': 'Password change' },
        'oauth.application_registered': {
          'oauth.application_registered': 'OAuth application registration',
        },
      },
      configuration: [],
      votingAttributes: ['username', 'applicationName'],
    });
    expect(Object.keys(templates['device-governance']!.events as object)).toEqual([
      'device.approval_requested',
      'storage.registered',
    ]);
    expect(templates['data-token-governance']).toMatchObject({
      events: {
        'data_token.exchanged': expect.any(Object),
        'data_token.requested': expect.any(Object),
        'data_token.deleted': expect.any(Object),
      },
      configuration: ['contextPrefix'],
      votingAttributes: ['context', 'fileName', 'size'],
    });
  });

  it('registers inactive, activates, deactivates and deletes by id or name', async () => {
    await votingConfiguration(api, owner.token, {
      name: 'board-approval',
      timeLimit: 240,
      strategy: 'consensus',
      deviceIdentifiers: [],
    });
    const { id, outcome } = await runJsonCommand(
      api,
      '/policy/register',
      {
        name: 'finance-uploads',
        policyTemplateId: 'data-token-governance',
        applyingEventIds: ['data_token.exchanged'],
        configuration: { contextPrefix: '/finance', unlisted: 'kept' },
        votingConfigurationId: 'board-approval',
      },
      owner.token,
    );
    expect(outcome).toBe('succeeded');
    const record = {
      id,
      policyId: id,
      name: 'finance-uploads',
      policyTemplateId: 'data-token-governance',
      applyingEventIds: ['data_token.exchanged'],
      configuration: { contextPrefix: '/finance', unlisted: 'kept' },
      votingConfigurationId: expect.any(String),
      status: 'inactive',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    const list = async (path: string) => (await api.get(path, owner.token)).body;
    expect(await list('/policy/list-inactive')).toEqual({ items: [record], meta: { count: 1 } });
    expect(await list('/policy/list-active')).toEqual({ items: [], meta: { count: 0 } });

    expect(
      (await runCommand(api, '/policy/activate', { name: 'finance-uploads' }, owner.token)).outcome,
    ).toBe('succeeded');
    // Activating an active policy is a no-op.
    expect((await runCommand(api, '/policy/activate', { policyId: id }, owner.token)).outcome).toBe(
      'succeeded',
    );
    expect(await list('/policy/list-active')).toEqual({
      items: [{ ...record, status: 'active' }],
      meta: { count: 1 },
    });
    for (const ref of [id, 'finance-uploads']) {
      const one = await api.get(`/policy/retrieve-policy/${encodeURIComponent(ref)}`, owner.token);
      expect(one.body).toEqual({ ...record, status: 'active' });
    }
    expect(
      (await runCommand(api, '/policy/deactivate', { policyId: 'finance-uploads' }, owner.token))
        .outcome,
    ).toBe('succeeded');
    expect(
      (await runCommand(api, '/policy/deactivate', { policyId: id }, owner.token)).outcome,
    ).toBe('succeeded');
    expect(await list('/policy/list')).toEqual({ items: [record], meta: { count: 1 } });

    // Without a name the policy is named by its id.
    const unnamed = await runJsonCommand(
      api,
      '/policy/register',
      { policyTemplateId: 'profile-governance', applyingEventIds: ['profile.password_changed'] },
      owner.token,
    );
    const byId = await api.get(`/policy/retrieve-policy/${unnamed.id}`, owner.token);
    expect(byId.body).toMatchObject({ name: unnamed.id, votingConfigurationId: null });

    expect((await runCommand(api, '/policy/delete', { policyId: id }, owner.token)).outcome).toBe(
      'succeeded',
    );
    const gone = await api.get(`/policy/retrieve-policy/${id}`, owner.token);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, reason: 'policy.not_found' });
  });

  it('rejects a taken name and answers 422 and 404 as the contract says', async () => {
    await runJsonCommand(
      api,
      '/policy/register',
      {
        name: 'dup',
        policyTemplateId: 'device-governance',
        applyingEventIds: ['storage.registered'],
      },
      owner.token,
    );
    const taken = await api.postJson(
      '/policy/register',
      {
        name: 'dup',
        policyTemplateId: 'device-governance',
        applyingEventIds: ['storage.registered'],
      },
      owner.token,
    );
    expect(await rejectedWith(taken)).toBe('policy.name_taken');

    const invalid: [Record<string, unknown>, string][] = [
      [{ applyingEventIds: ['storage.registered'] }, 'policyTemplateId'],
      [
        { policyTemplateId: 'no-such-template', applyingEventIds: ['storage.registered'] },
        'policyTemplateId',
      ],
      [{ policyTemplateId: 'device-governance' }, 'applyingEventIds'],
      [{ policyTemplateId: 'device-governance', applyingEventIds: [] }, 'applyingEventIds'],
      [
        { policyTemplateId: 'device-governance', applyingEventIds: ['data_token.exchanged'] },
        'applyingEventIds',
      ],
      [
        {
          policyTemplateId: 'device-governance',
          applyingEventIds: ['storage.registered'],
          configuration: 'x',
        },
        'configuration',
      ],
      [
        {
          policyTemplateId: 'device-governance',
          applyingEventIds: ['storage.registered'],
          configuration: { a: 1 },
        },
        'configuration',
      ],
      [
        {
          name: '',
          policyTemplateId: 'device-governance',
          applyingEventIds: ['storage.registered'],
        },
        'name',
      ],
    ];
    for (const [body, field] of invalid) {
      const response = await api.postJson('/policy/register', body, owner.token);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body).toMatchObject({
        reason: 'validation.failed',
        errors: { [field]: expect.any(Array) },
      });
    }
    const unknownConfiguration = await api.postJson(
      '/policy/register',
      {
        policyTemplateId: 'device-governance',
        applyingEventIds: ['storage.registered'],
        configurationId: 'nope',
      },
      owner.token,
    );
    expect(unknownConfiguration.status).toBe(404);
    expect(unknownConfiguration.body).toMatchObject({ reason: 'voting_configuration.not_found' });

    const a = await votingConfiguration(api, owner.token, {
      name: 'cfg-a',
      timeLimit: 60,
      strategy: 'consensus',
      deviceIdentifiers: [],
    });
    await votingConfiguration(api, owner.token, {
      name: 'cfg-b',
      timeLimit: 60,
      strategy: 'consensus',
      deviceIdentifiers: [],
    });
    const mismatch = await api.postJson(
      '/policy/register',
      {
        policyTemplateId: 'device-governance',
        applyingEventIds: ['storage.registered'],
        configurationId: 'cfg-a',
        votingConfigurationId: 'cfg-b',
      },
      owner.token,
    );
    expect(mismatch.status).toBe(422);
    const same = await runJsonCommand(
      api,
      '/policy/register',
      {
        policyTemplateId: 'device-governance',
        applyingEventIds: ['storage.registered'],
        configurationId: 'cfg-a',
        votingConfigurationId: a,
      },
      owner.token,
    );
    expect(same.outcome).toBe('succeeded');

    for (const path of ['/policy/activate', '/policy/deactivate', '/policy/delete']) {
      const neither = await api.post(path, {}, owner.token);
      expect(neither.status).toBe(422);
      const unknown = await api.post(path, { policyId: 'nothing' }, owner.token);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ reason: 'policy.not_found' });
    }
  });
});

describe('pools and ballots', () => {
  let owner: TestProfile;
  let phone: TestAuthenticator;
  let laptop: TestAuthenticator;
  let profileChannel: TestChannel;
  let phoneChannel: TestChannel;
  let laptopChannel: TestChannel;

  beforeAll(async () => {
    owner = await createProfile(api);
    phone = await addAuthenticator(api, owner.token, 'Phone');
    laptop = await addAuthenticator(api, owner.token, 'Laptop');
    profileChannel = await joinedChannel(engine.wsUrl, owner.token);
    phoneChannel = await joinedChannel(engine.wsUrl, phone.deviceToken);
    laptopChannel = await joinedChannel(engine.wsUrl, laptop.deviceToken);
  });
  afterAll(() => {
    for (const channel of [profileChannel, phoneChannel, laptopChannel]) channel.close();
  });

  it('opens a pool with one ballot per authenticator, only to its own sockets', async () => {
    const poolId = await createPool(owner, { subject: 'Open the vault door', context: '/ops' });
    const phoneBallot = await ballotFor(phoneChannel, poolId);
    const laptopBallot = await ballotFor(laptopChannel, poolId);
    expect(phoneBallot).toEqual({
      ballotId: expect.any(String),
      poolId,
      subject: 'Open the vault door',
      expiresAt: new Date(clock.now() + 300_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    });
    expect(phoneBallot.ballotId).not.toBe(laptopBallot.ballotId);
    // The profile's own socket never sees a ballot, and each device sees only its own.
    expect(ballotsIn(profileChannel).filter((b) => b.poolId === poolId)).toEqual([]);
    expect(ballotsIn(phoneChannel).filter((b) => b.poolId === poolId)).toHaveLength(1);

    const state = await pool(owner, poolId);
    expect(state).toMatchObject({
      poolId,
      status: 'pending',
      strategy: 'consensus',
      percentageRequired: null,
      quorumSize: 1,
      round: 1,
      subject: 'Open the vault door',
      context: '/ops',
      resolvedAt: null,
    });
    expect(state.ballots.map((b) => b.deviceIdentifier).sort()).toEqual(
      [phone.deviceId, laptop.deviceId].sort(),
    );

    // Consensus, 2 voters: one yes is not yet a majority of what may be cast; two yes is.
    expect((await castVote(api, phone.deviceToken, phoneBallot.ballotId, 'yes')).body).toEqual({
      accepted: true,
    });
    expect((await pool(owner, poolId)).status).toBe('pending');
    await castVote(api, laptop.deviceToken, laptopBallot.ballotId, 'yes');
    expect(await poolResolved(profileChannel, poolId)).toEqual({
      status: 'approved',
      subject: 'Open the vault door',
      resolvedAt: expect.any(String),
    });
    const done = await pool(owner, poolId);
    expect(done).toMatchObject({ status: 'approved', resolvedAt: expect.any(String) });
    expect(done.ballots.every((b) => b.vote === 'yes' && b.votedAt !== null)).toBe(true);
  });

  it('refuses cast-vote from the wrong token, twice, or on a closed pool', async () => {
    const poolId = await createPool(owner);
    const phoneBallot = await ballotFor(phoneChannel, poolId);
    const laptopBallot = await ballotFor(laptopChannel, poolId);

    const asProfile = await castVote(api, owner.token, phoneBallot.ballotId, 'yes');
    expect(asProfile.status).toBe(403);
    expect(asProfile.body).toMatchObject({ status: 403, reason: 'auth.token_kind_not_allowed' });

    const storage = await addStorageDevice(api, owner.token, 'NAS for vote');
    const asStorage = await castVote(api, storage.bundle.deviceToken, phoneBallot.ballotId, 'yes');
    expect(asStorage.status).toBe(403);
    expect(asStorage.body).toMatchObject({ reason: 'auth.token_kind_not_allowed' });

    const otherAuthenticator = await castVote(api, laptop.deviceToken, phoneBallot.ballotId, 'yes');
    expect(otherAuthenticator.status).toBe(404);
    expect(otherAuthenticator.body).toMatchObject({ reason: 'voting.ballot_not_found' });

    for (const ballotId of ['not-an-id', '01900000-0000-7000-8000-000000000000']) {
      const unknown = await castVote(api, phone.deviceToken, ballotId, 'yes');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ reason: 'voting.ballot_not_found' });
    }
    const badVote = await api.post(
      '/voting/cast-vote',
      { ballotId: phoneBallot.ballotId, vote: 'maybe' },
      phone.deviceToken,
    );
    expect(badVote.status).toBe(422);

    // Consensus with two voters: one no settles it (2y > c can no longer hold).
    expect((await castVote(api, phone.deviceToken, phoneBallot.ballotId, 'no')).status).toBe(200);
    const again = await castVote(api, phone.deviceToken, phoneBallot.ballotId, 'yes');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'voting.already_voted' });
    expect((await poolResolved(profileChannel, poolId)).status).toBe('rejected');
    const closed = await castVote(api, laptop.deviceToken, laptopBallot.ballotId, 'yes');
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ reason: 'voting.pool_closed' });

    // Another profile's authenticator cannot vote on it, nor see it.
    const stranger = await createProfile(api);
    const strangerPhone = await addAuthenticator(api, stranger.token, 'Stranger phone');
    const foreignVote = await castVote(
      api,
      strangerPhone.deviceToken,
      laptopBallot.ballotId,
      'yes',
    );
    expect(foreignVote.status).toBe(404);
    expect(foreignVote.body).toMatchObject({ reason: 'voting.ballot_not_found' });
    const hidden = await api.get(`/voting/check-pool-status/${poolId}`, stranger.token);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toMatchObject({ reason: 'voting.pool_not_found' });
  });

  it('re-sends open ballots to an authenticator that joins, before the join reply', async () => {
    const poolId = await createPool(owner);
    await ballotFor(phoneChannel, poolId);
    const late = await TestChannel.open(engine.wsUrl);
    const reply = await late.join(phone.deviceToken);
    expect(reply.status).toBe(200);
    const replyAt = late.frames.indexOf(reply);
    const resent = late.frames.findIndex(
      (frame) =>
        frame.data?.type === 'BALLOT' && (frame.data.body as { poolId: string }).poolId === poolId,
    );
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThan(replyAt);
    late.close();

    // Once the pool ended, a join gets no ballot for it.
    expect((await runCommand(api, '/voting/cancel-pool', { poolId }, owner.token)).outcome).toBe(
      'succeeded',
    );
    expect((await poolResolved(profileChannel, poolId)).status).toBe('cancelled');
    const after = await TestChannel.open(engine.wsUrl);
    await after.join(phone.deviceToken);
    expect(ballotsIn(after).filter((b) => b.poolId === poolId)).toEqual([]);
    after.close();

    const again = await api.post('/voting/cancel-pool', { poolId }, owner.token);
    expect(await rejectedWith(again)).toBe('voting.pool_closed');
  });

  it('expires a round at its deadline and refuses a vote that comes after it', async () => {
    const poolId = await createPool(owner);
    const ballot = await ballotFor(phoneChannel, poolId);
    clock.advance(300_000);
    expect((await poolResolved(profileChannel, poolId)).status).toBe('expired');
    const late = await castVote(api, phone.deviceToken, ballot.ballotId, 'yes');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ reason: 'voting.pool_closed' });
  });

  it('starts a new round with fresh ballots when a round ends without quorum', async () => {
    const owner2 = await createProfile(api);
    const a = await addAuthenticator(api, owner2.token, 'A');
    await addAuthenticator(api, owner2.token, 'B');
    await setDefault(api, owner2.token, 'set-quorum-size', { quorumSize: '2' });
    await setDefault(api, owner2.token, 'set-maximum-voting-attempts', { maxAttempts: '2' });
    const channel = await joinedChannel(engine.wsUrl, a.deviceToken);
    const profile = await joinedChannel(engine.wsUrl, owner2.token);
    const poolId = await createPool(owner2);
    const first = await ballotFor(channel, poolId);
    await castVote(api, a.deviceToken, first.ballotId, 'yes');
    clock.advance(300_000);
    await channel.waitFor(() => ballotsIn(channel).filter((b) => b.poolId === poolId).length === 2);
    const second = ballotsIn(channel).filter((b) => b.poolId === poolId)[1]!;
    expect(second.ballotId).not.toBe(first.ballotId);
    const state = await pool(owner2, poolId);
    expect(state).toMatchObject({ status: 'pending', round: 2, quorumSize: 2 });
    expect(state.ballots.every((b) => b.vote === null)).toBe(true);
    // A ballot of the ended round is closed.
    expect((await castVote(api, a.deviceToken, first.ballotId, 'no')).status).toBe(409);
    clock.advance(300_000);
    expect((await poolResolved(profile, poolId)).status).toBe('expired');
    channel.close();
    profile.close();
  });

  it('rejects voting.create with voting.no_authenticators below the quorum', async () => {
    const lonely = await createProfile(api);
    const response = await api.post('/voting/create', { subject: 'anyone?' }, lonely.token);
    expect(await rejectedWith(response)).toBe('voting.no_authenticators');
  });

  it('withdraws the open ballots of a removed authenticator and the pool moves on', async () => {
    const owner3 = await createProfile(api);
    const a = await addAuthenticator(api, owner3.token, 'A');
    const b = await addAuthenticator(api, owner3.token, 'B');
    await votingConfiguration(api, owner3.token, {
      name: 'both',
      timeLimit: 60,
      strategy: 'unanimous',
      deviceIdentifiers: [a.deviceId, b.deviceId],
    });
    const channel = await joinedChannel(engine.wsUrl, a.deviceToken);
    const profile = await joinedChannel(engine.wsUrl, owner3.token);
    const poolId = await createPool(owner3, {
      subject: 'Both must agree',
      votingConfigurationId: 'both',
    });
    const ballot = await ballotFor(channel, poolId);
    await castVote(api, a.deviceToken, ballot.ballotId, 'yes');
    expect((await pool(owner3, poolId)).status).toBe('pending');
    // B leaves: its ballot is withdrawn, all remaining ballots are cast and A's yes decides.
    await runCommand(api, '/device/remove', { deviceIdentifier: b.deviceId }, owner3.token);
    expect((await poolResolved(profile, poolId)).status).toBe('approved');
    const configuration = await api.get(
      '/verified-authenticator/voting-configuration/retrieve/both',
      owner3.token,
    );
    expect(configuration.body).toMatchObject({ deviceIdentifiers: [a.deviceId] });
    channel.close();
    profile.close();
  });
});
