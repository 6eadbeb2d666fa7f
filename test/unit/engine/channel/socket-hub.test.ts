import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketHub, type JoinedSocket } from '../../../../engine/channel/socket-hub.ts';

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A real socket pair: the server side goes into the hub, the client side records frames. */
async function socketPair(): Promise<{
  server: WebSocket;
  client: WebSocket;
  received: unknown[];
}> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await once(wss, 'listening');
  const address = wss.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${address.port}`);
  const [server] = (await once(wss, 'connection')) as [WebSocket];
  await once(client, 'open');
  const received: unknown[] = [];
  client.on('message', (raw) => received.push(JSON.parse(raw.toString())));
  return { server, client, received };
}

function joined(ws: WebSocket, profileId: string, expiresAt = Date.now() + 60_000): JoinedSocket {
  return { ws, channelId: 'c', tokenHash: `h-${profileId}`, profileId, deviceId: null, expiresAt };
}

let markers = 0;

/**
 * Publishes a marker after everything else and waits until each socket has it: what the hub
 * sent them before has then arrived too (one socket delivers in order). The marker is removed.
 */
async function delivered(
  hub: SocketHub,
  profileId: string,
  ...pairs: { client: WebSocket; received: unknown[] }[]
): Promise<void> {
  const id = `marker-${++markers}`;
  const isMarker = (frame: unknown) => (frame as { data?: { id?: string } }).data?.id === id;
  const arrived = pairs.map(
    (pair) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!pair.received.some(isMarker)) return;
          pair.client.off('message', check);
          resolve();
        };
        pair.client.on('message', check);
      }),
  );
  hub.publish({ profileId }, { type: 'X-DPT-CAB-ID', id, command_status: 2, body: 'succeeded' });
  await Promise.all(arrived);
  for (const pair of pairs) pair.received.splice(pair.received.findIndex(isMarker), 1);
}

describe('SocketHub buffering (contract §2)', () => {
  it('keeps at most 1000 messages for an absent recipient, dropping the oldest', async () => {
    const hub = new SocketHub();
    for (let i = 0; i < 1005; i++)
      hub.publish(
        { profileId: 'p' },
        { type: 'X-DPT-CAB-ID', id: String(i), command_status: 2, body: 'succeeded' },
      );
    const pair = await socketPair();
    hub.join(joined(pair.server, 'p'));
    await delivered(hub, 'p', pair);
    const ids = pair.received.map((frame) => (frame as { data: { id: string } }).data.id);
    expect(ids).toHaveLength(1000);
    expect(ids[0]).toBe('5');
    expect(ids.at(-1)).toBe('1004');
    pair.client.close();
  });

  it('drops buffered messages older than 30 s', async () => {
    let now = 1_000_000;
    const hub = new SocketHub(() => now);
    hub.publish(
      { profileId: 'p' },
      { type: 'X-DPT-CAB-ID', id: 'old', command_status: 2, body: 'succeeded' },
    );
    now += 25_000;
    hub.publish(
      { profileId: 'p' },
      { type: 'X-DPT-CAB-ID', id: 'recent', command_status: 2, body: 'succeeded' },
    );
    now += 10_000;
    const pair = await socketPair();
    hub.join(joined(pair.server, 'p', now + 60_000));
    await delivered(hub, 'p', pair);
    expect(pair.received.map((frame) => (frame as { data: { id: string } }).data.id)).toEqual([
      'recent',
    ]);
    pair.client.close();
  });

  it('delivers device-addressed messages only to that device’s sockets', async () => {
    const hub = new SocketHub();
    const profileSocket = await socketPair();
    const deviceSocket = await socketPair();
    hub.join(joined(profileSocket.server, 'p'));
    hub.join({ ...joined(deviceSocket.server, 'p'), tokenHash: 'device-token', deviceId: 'd1' });
    hub.publish({ deviceId: 'd1' }, { type: 'DEVICE-PAIRED', id: 'd1', body: {} });
    hub.publish({ profileId: 'p' }, { type: 'DEVICE-PENDING', id: 'd2', body: {} });
    await delivered(hub, 'p', profileSocket, deviceSocket);
    expect(profileSocket.received).toHaveLength(1);
    expect(deviceSocket.received).toHaveLength(2);
    profileSocket.client.close();
    deviceSocket.client.close();
  });

  it('closes sockets with 4401 when their token expires or is revoked', async () => {
    const hub = new SocketHub();
    const expiring = await socketPair();
    hub.join(joined(expiring.server, 'p', Date.now() + 100));
    const [code] = (await once(expiring.client, 'close')) as [number];
    expect(code).toBe(4401);

    const revoked = await socketPair();
    hub.join(joined(revoked.server, 'q'));
    hub.shortenToken('h-q', Date.now() + 50);
    const [shortened] = (await once(revoked.client, 'close')) as [number];
    expect(shortened).toBe(4401);
    expect(hub.joinedCount('q')).toBe(0);
  });
});
