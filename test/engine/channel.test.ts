import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import { TestChannel } from '../support/channel.ts';
import { wire, type Wire } from '../support/http.ts';
import { PASSWORD, awaitStatus, commandId, createProfile } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine({ pingIntervalMs: 300 });
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

describe('joinChannel and leaveChannel', () => {
  it('joins with a valid token and echoes the correlation id', async () => {
    const profile = await createProfile(api, { withKey: false });
    const channel = await TestChannel.open(engine.wsUrl);
    const reply = await channel.join(profile.token);
    expect(reply).toMatchObject({
      status: 200,
      data: { channelId: expect.stringMatching(/^[0-9a-f-]{36}$/), message: expect.any(String) },
    });
    channel.close();
  });

  it('answers 401, 409, 404 and 400 as the contract lists', async () => {
    const profile = await createProfile(api);
    const channel = await TestChannel.open(engine.wsUrl);
    expect(await channel.join('T-' + 'x'.repeat(43))).toMatchObject({
      status: 401,
      data: { reason: 'auth.invalid_token' },
    });
    const joined = await channel.join(profile.token);
    expect(await channel.join(profile.token)).toMatchObject({
      status: 409,
      data: { reason: 'websocket.already_joined' },
    });
    expect(
      await channel.request('leaveChannel', { channelId: '01900000-0000-7000-8000-000000000000' }),
    ).toMatchObject({
      status: 404,
      data: { reason: 'websocket.channel_not_found' },
    });
    expect(await channel.request('fly', {})).toMatchObject({
      status: 400,
      data: { reason: 'request.malformed' },
    });
    expect(await channel.request('joinChannel', {})).toMatchObject({
      status: 400,
      data: { reason: 'request.malformed' },
    });
    const left = await channel.request('leaveChannel', {
      channelId: joined.data!.channelId as string,
    });
    expect(left).toMatchObject({ status: 200, data: { channelId: joined.data!.channelId } });
    expect((await channel.join(profile.token)).status).toBe(200);
    channel.close();
  });

  it('replies to non-JSON frames with 400 and a null correlation id, and stays open', async () => {
    const channel = await TestChannel.open(engine.wsUrl);
    channel.send('this is not json');
    const reply = await channel.waitFor((frame) => frame.status === 400);
    expect(reply).toMatchObject({
      correlationId: null,
      status: 400,
      data: { reason: 'request.malformed' },
    });
    channel.send(Buffer.from([1, 2, 3]));
    await channel.waitFor((frame) => frame.status === 400 && channel.frames.length === 2);
    expect(channel.ws.readyState).toBe(WebSocket.OPEN);
    channel.close();
  });

  it('rejects a plain GET /ws with 426', async () => {
    const response = await api.get('/ws');
    expect(response.status).toBe(426);
    expect(response.body).toMatchObject({ reason: 'websocket.upgrade_required' });
  });
});

describe('delivery', () => {
  it('delivers command outcomes to every socket of the profile and nothing before a join', async () => {
    const profile = await createProfile(api);
    const [a, b, idle] = await Promise.all([
      TestChannel.open(engine.wsUrl),
      TestChannel.open(engine.wsUrl),
      TestChannel.open(engine.wsUrl),
    ]);
    await a.join(profile.token);
    await b.join(profile.token);
    const response = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'another password here' },
      profile.token,
    );
    const id = commandId(response);
    const [fromA, fromB] = await Promise.all([a.commandOutcome(id), b.commandOutcome(id)]);
    expect(fromA.data).toEqual({ type: 'X-DPT-CAB-ID', id, command_status: 2, body: 'succeeded' });
    expect(fromB.data).toEqual(fromA.data);
    expect(idle.frames).toEqual([]);
    for (const channel of [a, b, idle]) channel.close();
  });

  it('keeps messages for an absent profile and delivers them in order to the next socket that joins', async () => {
    const profile = await createProfile(api);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        commandId(
          await api.post(
            '/profile/change-password',
            { currentPassword: 'wrong password', newPassword: 'whatever password' },
            profile.token,
          ),
        ),
      );
    }
    // Every outcome is out (and buffered for the profile) before anyone joins.
    for (const id of ids) expect(await awaitStatus(api, id)).toBe('rejected');
    const late = await TestChannel.open(engine.wsUrl);
    await late.join(profile.token);
    await late.commandOutcome(ids[2]!);
    const delivered = late.frames
      .filter((frame) => frame.data?.type === 'X-DPT-CAB-ID')
      .map((frame) => frame.data!.id)
      .filter((id) => ids.includes(id as string));
    expect(delivered).toEqual(ids);
    late.close();
  });

  it('does not deliver one profile’s messages to another', async () => {
    const [alice, bob] = await Promise.all([createProfile(api), createProfile(api)]);
    const bobChannel = await TestChannel.open(engine.wsUrl);
    await bobChannel.join(bob.token);
    const aliceChannel = await TestChannel.open(engine.wsUrl);
    await aliceChannel.join(alice.token);
    const id = commandId(
      await api.post(
        '/profile/change-password',
        { currentPassword: PASSWORD, newPassword: 'alices new password' },
        alice.token,
      ),
    );
    await aliceChannel.commandOutcome(id);
    // Bob's own outcome comes after Alice's was published: had hers reached him, it came first.
    const bobs = commandId(
      await api.post(
        '/profile/change-password',
        { currentPassword: 'not bobs password', newPassword: 'bobs new password' },
        bob.token,
      ),
    );
    await bobChannel.commandOutcome(bobs);
    expect(bobChannel.frames.some((frame) => frame.data?.id === id)).toBe(false);
    bobChannel.close();
    aliceChannel.close();
  });
});

describe('liveness', () => {
  it('pings and closes a connection that stops answering', async () => {
    const silent = new WebSocket(engine.wsUrl, { autoPong: false });
    let pings = 0;
    silent.on('ping', () => pings++);
    const closed = new Promise((resolve) => silent.on('close', resolve));
    await closed;
    expect(pings).toBeGreaterThanOrEqual(1);
  });

  it('keeps a connection that answers pings', async () => {
    const channel = await TestChannel.open(engine.wsUrl);
    // Each ping checks that the last one was answered: three pings span two such checks.
    let pings = 0;
    await new Promise<void>((resolve) =>
      channel.ws.on('ping', () => {
        if (++pings === 3) resolve();
      }),
    );
    expect(channel.ws.readyState).toBe(WebSocket.OPEN);
    channel.close();
  });
});
