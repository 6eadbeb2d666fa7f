// SessionChannel against a scripted engine stand-in (a WebSocket server and /request-status),
// for the paths a real engine cannot be made to take on demand: a command that never ends, a
// revoked token at re-join, STREAM-READY, unknown message types, votes.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { awaitCommand } from '../../../client/await-command.ts';
import { SessionChannel } from '../../../client/channel.ts';
import { HttpClient } from '../../../client/http.ts';

interface Stub {
  apiUrl: string;
  wsUrl: string;
  sockets: WebSocket[];
  validTokens: Set<string>;
  statuses: Map<string, { status: 1 | 2 | 3; reason?: string }>;
  /** Command ids looked up at /request-status, in order. */
  looks: string[];
  send(data: Record<string, unknown>): void;
  joins: number;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const statuses = new Map<string, { status: 1 | 2 | 3; reason?: string }>();
  const server: Server = createServer((request, response) => {
    const id = /^\/request-status\/(.+)$/.exec(request.url ?? '')?.[1];
    if (id) stub.looks.push(id);
    const known = id ? statuses.get(id) : undefined;
    if (!known) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 404, reason: 'command.not_found', message: 'no' }));
      return;
    }
    const word = { 1: 'started', 2: 'succeeded', 3: 'rejected' }[known.status];
    response
      .writeHead(200, {
        'content-type': 'application/json',
        'x-dpt-command-status': String(known.status),
        ...(known.reason ? { 'x-dpt-cab-reason': known.reason } : {}),
      })
      .end(JSON.stringify(word));
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  const stub: Stub = {
    apiUrl: '',
    wsUrl: '',
    sockets: [],
    validTokens: new Set(['T-good']),
    statuses,
    looks: [],
    joins: 0,
    send(data) {
      for (const socket of stub.sockets) socket.send(JSON.stringify({ data }));
    },
    async close() {
      for (const socket of stub.sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as {
        action: string;
        data: { authorizationToken?: string; correlationId?: string };
      };
      const correlationId = frame.data.correlationId ?? null;
      if (frame.action !== 'joinChannel') return;
      // The engine's hub closes a socket whose token ends (revoked, its device removed) even
      // while the join is being answered: no reply comes, only the close.
      if (frame.data.authorizationToken === 'T-ends-while-joining') {
        ws.close(4401, 'authorization token no longer valid');
        return;
      }
      if (frame.data.authorizationToken === 'T-connection-drops') {
        ws.close(1011, 'internal error');
        return;
      }
      if (!stub.validTokens.has(frame.data.authorizationToken ?? '')) {
        ws.send(
          JSON.stringify({
            correlationId,
            status: 401,
            data: {
              reason: 'auth.invalid_token',
              message: 'The authorization token is not valid.',
            },
          }),
        );
        return;
      }
      stub.joins += 1;
      stub.sockets.push(ws);
      ws.on('close', () => (stub.sockets = stub.sockets.filter((socket) => socket !== ws)));
      ws.send(
        JSON.stringify({
          correlationId,
          status: 200,
          data: { channelId: `ch-${stub.joins}`, message: 'Successfully joined profile channel.' },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  stub.apiUrl = `http://127.0.0.1:${port}`;
  stub.wsUrl = `ws://127.0.0.1:${port}/ws`;
  return stub;
}

let stub: Stub;
let http: HttpClient;
let channel: SessionChannel;
let token: string;

beforeEach(async () => {
  stub = await startStub();
  http = new HttpClient({ apiUrl: stub.apiUrl });
  token = 'T-good';
  channel = new SessionChannel({
    wsUrl: stub.wsUrl,
    http,
    token: () => token,
    reconnectMinDelayMs: 10,
    reconnectMaxDelayMs: 50,
    reconcileGraceMs: 20,
  });
  await channel.connect();
});

afterEach(async () => {
  channel.close();
  http.close();
  await stub.close();
});

let markers = 0;

/**
 * Sends a marker after what the test sent and waits until the channel has dispatched it: one
 * socket delivers in order, so everything sent before has been dispatched too.
 */
async function delivered(): Promise<void> {
  const id = `marker-${++markers}`;
  const seen = new Promise<void>((resolve) => {
    const stop = channel.on('message', (data) => {
      if (data['id'] !== id) return;
      stop();
      resolve();
    });
  });
  stub.send({ type: 'TEST-MARKER', id });
  await seen;
}

/** Resolves when the channel has joined again (its epoch moved past `since`). */
function rejoined(on: SessionChannel, since: number): Promise<void> {
  return new Promise((resolve) => {
    if (on.epoch !== since && on.state === 'joined') return resolve();
    const stop = on.on('state', (state) => {
      if (state !== 'joined' || on.epoch === since) return;
      stop();
      resolve();
    });
  });
}

describe('SessionChannel (scripted engine)', () => {
  it('joins, and refuses a bad token with its reason', async () => {
    expect(channel.state).toBe('joined');
    expect(channel.channelId).toBe('ch-1');
    const bad = new SessionChannel({ wsUrl: stub.wsUrl, http, token: () => 'T-bad' });
    await expect(bad.connect()).rejects.toMatchObject({
      status: 401,
      reason: 'auth.invalid_token',
    });
    bad.close();
  });

  it('a close with 4401 while joining is the token ending (401), any other close is the network', async () => {
    const ending = new SessionChannel({
      wsUrl: stub.wsUrl,
      http,
      token: () => 'T-ends-while-joining',
    });
    await expect(ending.connect()).rejects.toMatchObject({
      status: 401,
      reason: 'auth.invalid_token',
    });
    ending.close();
    const dropped = new SessionChannel({
      wsUrl: stub.wsUrl,
      http,
      token: () => 'T-connection-drops',
    });
    await expect(dropped.connect()).rejects.toMatchObject({
      status: 0,
      reason: 'client.network',
      message: 'The channel closed while joining.',
    });
    dropped.close();
  });

  it('remembers outcomes that arrive before the wait, status 2 and 3 alike', async () => {
    stub.send({ type: 'X-DPT-CAB-ID', id: 'c-1', command_status: 2, body: { profileId: 'p-1' } });
    stub.send({ type: 'X-DPT-CAB-ID', id: 'c-2', command_status: 3, body: 'storage.unavailable' });
    await delivered();
    expect(await awaitCommand(channel, { commandId: 'c-1' }, { timeoutMs: 100 })).toEqual({
      profileId: 'p-1',
    });
    await expect(
      awaitCommand(channel, { commandId: 'c-2' }, { timeoutMs: 100 }),
    ).rejects.toMatchObject({ reason: 'storage.unavailable', commandId: 'c-2' });
  });

  it('"succeeded" bodies resolve to undefined; status-1 messages without a pool are ignored', async () => {
    const waiting = awaitCommand<void>(channel, { commandId: 'c-3' }, { timeoutMs: 1_000 });
    stub.send({ type: 'X-DPT-CAB-ID', id: 'c-3', command_status: 1, body: 'working' });
    stub.send({ type: 'SOMETHING-NEW', id: 'c-3', body: {} });
    stub.send({ type: 'X-DPT-CAB-ID', id: 'c-3', command_status: 2, body: 'succeeded' });
    expect(await waiting).toBeUndefined();
  });

  it('reports a command held for a vote', async () => {
    const votes: unknown[] = [];
    channel.on('vote-pending', (event) => votes.push(event));
    stub.send({
      type: 'X-DPT-CAB-ID',
      id: 'c-4',
      command_status: 1,
      body: { poolId: 'pool-1', policyId: 'pol-1' },
    });
    await delivered();
    expect(votes).toEqual([{ commandId: 'c-4', poolId: 'pool-1', policyId: 'pol-1' }]);
  });

  it('times out explicitly, after a last look at request-status', async () => {
    stub.statuses.set('c-5', { status: 1 });
    await expect(channel.waitCommand('c-5', { timeoutMs: 150 })).rejects.toMatchObject({
      status: 0,
      reason: 'client.timeout',
    });
    expect(stub.looks).toEqual(['c-5']);
    // The last look finds a finished command: no timeout error then.
    stub.statuses.set('c-6', { status: 3, reason: 'device.role_taken' });
    await expect(
      awaitCommand(channel, { commandId: 'c-6' }, { timeoutMs: 100 }),
    ).rejects.toMatchObject({ reason: 'device.role_taken' });
  });

  it('cancels a wait through its AbortSignal', async () => {
    const controller = new AbortController();
    const waiting = channel.waitCommand('c-7', { timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ reason: 'client.cancelled' });
  });

  it('re-joins after a drop and reconciles waiters through request-status, using recover()', async () => {
    stub.statuses.set('c-8', { status: 1 });
    const waiting = awaitCommand(
      channel,
      { commandId: 'c-8', recover: async () => 'recovered' },
      { timeoutMs: 5_000 },
    );
    for (const socket of stub.sockets) socket.terminate();
    stub.statuses.set('c-8', { status: 2 });
    expect(await waiting).toBe('recovered');
    expect(stub.joins).toBe(2);
    expect(channel.epoch).toBe(2);
  });

  it('a wait that starts after an unnoticed re-join is reconciled at once (since)', async () => {
    const since = channel.epoch;
    const back = rejoined(channel, since);
    for (const socket of stub.sockets) socket.terminate();
    await back;
    stub.statuses.set('c-9', { status: 2 });
    expect(
      await awaitCommand(
        channel,
        { commandId: 'c-9', recover: async () => 'found' },
        { timeoutMs: 2_000, since },
      ),
    ).toBe('found');
  });

  it('after 4401 it re-joins with the newer token; with none valid, waiters fail with auth.invalid_token', async () => {
    stub.validTokens.add('T-newer');
    token = 'T-newer';
    const back = rejoined(channel, channel.epoch);
    for (const socket of stub.sockets) socket.close(4401, 'token no longer valid');
    await back;
    expect(channel.state).toBe('joined');
    expect(stub.joins).toBe(2);

    // Still running on the engine, whenever the re-join's reconciliation looks.
    stub.statuses.set('c-10', { status: 1 });
    const waiting = channel.waitCommand('c-10', { timeoutMs: 5_000 });
    stub.validTokens.clear();
    for (const socket of stub.sockets) socket.close(4401, 'revoked');
    await expect(waiting).rejects.toMatchObject({ status: 401, reason: 'auth.invalid_token' });
    expect(channel.state).toBe('failed');
  });

  it('request messages: URL, bare token, inline payload, STREAM-READY, and rejection', async () => {
    stub.send({
      type: 'X-DPT-CAB-REQUEST-ID',
      id: 'r-1',
      command_status: 2,
      output_type: 1,
      body: `${stub.apiUrl}/downstream/?auth=U-1`,
      data_context: '/x',
    });
    stub.send({ type: 'X-DPT-CAB-ID', id: 'r-1', command_status: 2, body: { requestId: 'r-1' } });
    stub.send({
      type: 'X-DPT-CAB-REQUEST-ID',
      id: 'r-2',
      command_status: 2,
      output_type: 1,
      body: 'U-2',
      data_context: null,
    });
    stub.send({
      type: 'X-DPT-CAB-REQUEST-ID',
      id: 'r-3',
      command_status: 2,
      output_type: 0,
      body: Buffer.from('inline!').toString('base64'),
    });
    stub.send({ type: 'STREAM-READY', requestId: 'r-4', streamUrl: `${stub.apiUrl}/elsewhere` });
    stub.send({
      type: 'X-DPT-CAB-REQUEST-ID',
      id: 'r-5',
      command_status: 3,
      output_type: 0,
      body: 'storage.unavailable',
    });
    await delivered();
    expect(await channel.waitRequest('r-1', { timeoutMs: 100 })).toEqual({
      status: 2,
      source: { kind: 'url', url: `${stub.apiUrl}/downstream/?auth=U-1` },
    });
    expect(await channel.waitRequest('r-2', { timeoutMs: 100 })).toEqual({
      status: 2,
      source: { kind: 'url', url: `${stub.apiUrl}/downstream/?auth=U-2` },
    });
    expect(await channel.waitRequest('r-3', { timeoutMs: 100 })).toEqual({
      status: 2,
      source: { kind: 'inline', data: Buffer.from('inline!') },
    });
    expect(await channel.waitRequest('r-4', { timeoutMs: 100 })).toEqual({
      status: 2,
      source: { kind: 'url', url: `${stub.apiUrl}/elsewhere` },
    });
    expect(await channel.waitRequest('r-5', { timeoutMs: 100 })).toEqual({
      status: 3,
      reason: 'storage.unavailable',
    });
  });

  it('delivers device events to listeners', async () => {
    const events: unknown[] = [];
    channel.on('device-pending', (event) => events.push(event));
    channel.on('device-paired', (event) => events.push(event));
    stub.send({
      type: 'DEVICE-PENDING',
      id: 'd-1',
      body: { deviceName: 'Phone', requestedAt: 't1' },
    });
    stub.send({ type: 'DEVICE-PAIRED', id: 'd-2', body: { deviceName: 'Tablet', pairedAt: 't2' } });
    await delivered();
    expect(events).toEqual([
      { deviceIdentifier: 'd-1', deviceName: 'Phone', requestedAt: 't1' },
      { deviceIdentifier: 'd-2', deviceName: 'Tablet', pairedAt: 't2' },
    ]);
  });

  it('close() rejects waiters with client.closed and stops reconnecting', async () => {
    const waiting = channel.waitCommand('c-11', { timeoutMs: 5_000 });
    // The socket itself: once its close event has run, the channel has decided about reconnecting.
    const socket = (channel as unknown as { ws: WebSocket }).ws;
    const socketClosed = once(socket, 'close');
    const states: string[] = [];
    channel.on('state', (state) => states.push(state));
    channel.close();
    await expect(waiting).rejects.toMatchObject({ reason: 'client.closed' });
    await socketClosed;
    expect(states).toEqual(['closed']);
    await expect(channel.connect()).rejects.toMatchObject({ reason: 'client.closed' });
    expect(stub.joins).toBe(1);
  });

  it('drops a silent connection (heartbeat) and redials', async () => {
    const quiet = new SessionChannel({
      wsUrl: stub.wsUrl,
      http,
      token: () => token,
      heartbeatMs: 50,
      reconnectMinDelayMs: 10,
    });
    await quiet.connect();
    const joinsBefore = stub.joins;
    const back = rejoined(quiet, quiet.epoch);
    // A half-open connection: the server stops reading, so pings go unanswered.
    for (const socket of stub.sockets) socket.pause();
    await back;
    expect(stub.joins).toBeGreaterThan(joinsBefore);
    quiet.close();
  });
});
