import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  MAX_FRAME_BYTES,
  decodeEngineFrame,
  encodeFrame,
  type DeviceFrame,
  type EngineFrame,
} from '../../engine/bus/bus-frames.ts';
import { BusError, type ConnectedDevice } from '../../engine/bus/device-bus.ts';
import { PortSocket } from '../../engine/bus/port-socket.ts';
import { createWsDeviceBus, type WsDeviceBus } from '../../engine/bus/ws-device-bus.ts';
import { generateSignedKeyPair } from '../../engine/crypto/signed-key.ts';
import type { DeviceBundle } from '../../engine/devices/device-bundle.ts';
import {
  startStorageDevice,
  type RunningStorageDevice,
  type StorageDeviceState,
} from '../../engine/devices/storage-device.ts';
import { createLogger } from '../../engine/log.ts';
import { ROOT, STORAGE_DEVICE_MAIN } from '../support/compiled.ts';

const log = createLogger('silent');
const PROFILE = '0193a5c3-0000-7000-8000-0000000000aa';
const publicKey = generateSignedKeyPair().public;

const standInProof = (deviceId: string, nonce: string) => `proof:${deviceId}:${nonce}`;

/** The engine side of each test: who may connect. Tokens map to devices. */
const known = new Map<string, ConnectedDevice>();

function newDevice(): { token: string; deviceId: string } {
  const token = `T-${randomBytes(32).toString('base64url')}`;
  const deviceId = randomUUID();
  known.set(token, { deviceId, profileId: PROFILE });
  return { token, deviceId };
}

interface BusServer {
  bus: WsDeviceBus;
  url: string;
  port: number;
  /** The engine side of each upgraded connection, oldest first. */
  sockets: Duplex[];
  close(): Promise<void>;
}

async function startBusServer(
  port = 0,
  timing = { requestTimeoutMs: 1_500, pingIntervalMs: 500 },
): Promise<BusServer> {
  const server: Server = createServer((_request, response) => response.writeHead(404).end());
  const bus = createWsDeviceBus({
    log,
    authenticate: async (token) => known.get(token),
    // The proof's cryptography is slot-proof.ts's (test/unit/engine/bus); here a stand-in.
    slotProof: {
      enginePublicKey: publicKey,
      verify: async (deviceId, nonce, proof) => proof === standInProof(deviceId, nonce),
    },
    slotProbeMs: 300,
    ...timing,
  });
  const sockets: Duplex[] = [];
  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0]!.replace(/\/+$/, '');
    sockets.push(socket);
    if (path === '/device-bus') bus.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    bus,
    port: actual,
    url: `ws://127.0.0.1:${actual}/device-bus`,
    sockets,
    async close() {
      await bus.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'privicore-device-'));
}

function bundleFor(url: string, device: { token: string; deviceId: string }): DeviceBundle {
  return {
    deviceIdentifier: device.deviceId,
    engine: {
      apiUrl: url.replace(/^ws/, 'http').replace('/device-bus', ''),
      wsUrl: url.replace('/device-bus', '/ws'),
    },
    bus: { kind: 'embedded', url, exchange: null, queue: null, routingKey: null },
    deviceToken: device.token,
    deviceTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    keys: { public: publicKey },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const running: RunningStorageDevice[] = [];
async function startDevice(
  url: string,
  device: { token: string; deviceId: string },
  dir = tempDir(),
): Promise<RunningStorageDevice & { states: StorageDeviceState[] }> {
  const started = await startStorageDevice({
    bundle: bundleFor(url, device),
    dir,
    log,
    reconnectMaxMs: 500,
  });
  running.push(started);
  const states: StorageDeviceState[] = [];
  started.onStateChange((state) => states.push(state));
  return Object.assign(started, { states });
}

/**
 * A device that reaches the bus over MessagePorts, as one on the embedded engine's device thread
 * does (storage-device-thread.ts dials the engine's acceptPort for each connection).
 */
async function startPortDevice(
  bus: WsDeviceBus,
  device: { token: string; deviceId: string },
): Promise<RunningStorageDevice & { states: StorageDeviceState[]; dials(): number }> {
  let dials = 0;
  const started = await startStorageDevice({
    // The URL is never dialled: no server listens there.
    bundle: bundleFor('ws://127.0.0.1:9/device-bus', device),
    dir: tempDir(),
    log,
    reconnectMaxMs: 500,
    dialBus: () => {
      dials += 1;
      const { port1, port2 } = new MessageChannel();
      const socket = new PortSocket(undefined, MAX_FRAME_BYTES);
      if (bus.acceptPort(port1)) socket.attach(port2);
      else socket.fail(new Error('the bus is closed'));
      return socket;
    },
  });
  running.push(started);
  const states: StorageDeviceState[] = [];
  started.onStateChange((state) => states.push(state));
  return Object.assign(started, { states, dials: () => dials });
}

/** A hand-driven bus peer, for what a well-behaved device runtime never does. */
class RawPeer {
  readonly frames: { header: EngineFrame; payload: Buffer }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw, isBinary) => this.frames.push(decodeEngineFrame(raw, isBinary)));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(url: string): Promise<RawPeer> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawPeer(ws);
  }

  send(header: DeviceFrame, payload?: Buffer): void {
    this.ws.send(encodeFrame(header, payload));
  }

  async hello(token: string): Promise<void> {
    this.send({ op: 'hello', deviceToken: token });
    await until(() => this.frames.some((frame) => frame.header.op === 'welcome'), 'welcomed');
  }

  /** Takes the first request received (that matches), waiting for it to arrive. */
  async nextRequest(
    matches: (request: Extract<EngineFrame, { id: number }>) => boolean = () => true,
  ): Promise<Extract<EngineFrame, { id: number }>> {
    const isWanted = (frame: { header: EngineFrame }) =>
      'id' in frame.header && matches(frame.header as Extract<EngineFrame, { id: number }>);
    await until(() => this.frames.some(isWanted), 'a request arrives');
    const at = this.frames.findIndex(isWanted);
    return this.frames.splice(at, 1)[0]!.header as Extract<EngineFrame, { id: number }>;
  }
}

let shared: BusServer;
const connects: ConnectedDevice[] = [];
const disconnects: ConnectedDevice[] = [];

beforeAll(async () => {
  shared = await startBusServer();
  shared.bus.onConnect((device) => connects.push(device));
  shared.bus.onDisconnect((device) => disconnects.push(device));
});

afterEach(async () => {
  for (const device of running.splice(0)) await device.stop();
});

afterAll(async () => {
  await shared.close();
});

describe('embedded device bus with a real storage device', () => {
  it('puts, gets, deletes and lists chunks through the bus', async () => {
    const device = newDevice();
    const runtime = await startDevice(shared.url, device);
    // The bus counts the device online once it sent the welcome; the device once it read it.
    await until(
      () => shared.bus.isOnline(device.deviceId) && runtime.connected,
      'both sides see the connection',
    );
    expect(runtime.state).toBe('connected');
    const { bus } = shared;

    const item = randomUUID();
    const other = randomUUID();
    const big = randomBytes(6 * 1024 * 1024);
    const small = Array.from({ length: 24 }, (_, index) => randomBytes(1000 + index));
    // Several requests in flight at once, correlated by id.
    await Promise.all([
      bus.putChunk(device.deviceId, { itemId: item, index: 0 }, big),
      ...small.map((chunk, index) =>
        bus.putChunk(device.deviceId, { itemId: other, index }, chunk),
      ),
    ]);
    expect((await bus.getChunk(device.deviceId, { itemId: item, index: 0 }))!.equals(big)).toBe(
      true,
    );
    const back = await Promise.all(
      small.map((_, index) => bus.getChunk(device.deviceId, { itemId: other, index })),
    );
    back.forEach((chunk, index) => expect(chunk!.equals(small[index]!)).toBe(true));
    expect(await bus.getChunk(device.deviceId, { itemId: item, index: 1 })).toBeUndefined();
    expect((await bus.listItems(device.deviceId)).sort()).toEqual([item, other].sort());

    await bus.deleteItem(device.deviceId, item);
    expect(await bus.listItems(device.deviceId)).toEqual([other]);
    expect(await bus.getChunk(device.deviceId, { itemId: item, index: 0 })).toBeUndefined();

    await expect(
      bus.putChunk(device.deviceId, { itemId: item, index: 0 }, randomBytes(8 * 1024 * 1024)),
    ).rejects.toMatchObject({
      code: 'rejected',
    });
  });

  it('fires onConnect after the welcome and onDisconnect on close, and lists connected devices', async () => {
    const device = newDevice();
    const runtime = await startDevice(shared.url, device);
    await until(() => connects.some((c) => c.deviceId === device.deviceId), 'onConnect fired');
    expect(connects.find((c) => c.deviceId === device.deviceId)).toEqual({
      deviceId: device.deviceId,
      profileId: PROFILE,
    });
    expect(shared.bus.connectedDevices()).toContainEqual({
      deviceId: device.deviceId,
      profileId: PROFILE,
    });

    await runtime.stop();
    await until(
      () => disconnects.some((c) => c.deviceId === device.deviceId),
      'onDisconnect fired',
    );
    expect(shared.bus.isOnline(device.deviceId)).toBe(false);
    expect(shared.bus.connectedDevices().map((c) => c.deviceId)).not.toContain(device.deviceId);
    expect(runtime.state).toBe('stopped');
    await expect(shared.bus.listItems(device.deviceId)).rejects.toMatchObject({ code: 'offline' });
  });

  it('a device with a wrong token reports unauthorized and never shows up', async () => {
    const device = { token: `T-${randomBytes(32).toString('base64url')}`, deviceId: randomUUID() };
    const runtime = await startDevice(shared.url, device);
    await until(() => runtime.state === 'unauthorized', 'the device reports unauthorized');
    expect(runtime.states).toEqual(['unauthorized']);
    expect(runtime.connected).toBe(false);
    expect(connects.some((c) => c.deviceId === device.deviceId)).toBe(false);
    expect(shared.bus.isOnline(device.deviceId)).toBe(false);
    // No reconnect attempts after a 4401: the runtime has halted for good (its stop() is the
    // same finished shutdown, and a halted runtime never connects again).
    await runtime.stop();
    expect(runtime.state).toBe('unauthorized');
    expect(runtime.states).toEqual(['unauthorized']);
    expect(connects.some((c) => c.deviceId === device.deviceId)).toBe(false);
  });

  it('rejects a pending request with offline when the device stops mid-request', async () => {
    const device = newDevice();
    const runtime = await startDevice(shared.url, device);
    await until(() => shared.bus.isOnline(device.deviceId), 'the device is online');
    const pending = shared.bus.getChunk(device.deviceId, { itemId: randomUUID(), index: 0 });
    const stopped = runtime.stop();
    const error = await pending.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(BusError);
    expect((error as BusError).code).toBe('offline');
    await stopped;
  });

  it('reconnects by itself after an engine restart, and keeps its chunks across a device restart', async () => {
    const own = await startBusServer();
    const device = newDevice();
    const dir = tempDir();
    const runtime = await startDevice(own.url, device, dir);
    let readies = 0;
    runtime.onReady(() => readies++);
    await until(() => own.bus.isOnline(device.deviceId), 'the device is online');
    const ref = { itemId: randomUUID(), index: 3 };
    await own.bus.putChunk(device.deviceId, ref, Buffer.from('durable'));

    await own.close();
    await until(() => runtime.state === 'connecting', 'the device notices the engine is gone');
    const again = await startBusServer(own.port);
    try {
      await until(
        () => again.bus.isOnline(device.deviceId) && runtime.connected,
        'the device reconnected',
      );
      expect(readies).toBe(2);
      expect(await again.bus.getChunk(device.deviceId, ref)).toEqual(Buffer.from('durable'));

      await runtime.stop();
      const restarted = await startDevice(again.url, device, dir);
      await until(() => restarted.connected, 'the restarted device connected');
      expect(await again.bus.getChunk(device.deviceId, ref)).toEqual(Buffer.from('durable'));
      expect(await again.bus.listItems(device.deviceId)).toEqual([ref.itemId]);
    } finally {
      for (const started of running.splice(0)) await started.stop();
      await again.close();
    }
  });

  it('closes peers that send garbage with 1008 and keeps serving the real device', async () => {
    const device = newDevice();
    await startDevice(shared.url, device);
    await until(() => shared.bus.isOnline(device.deviceId), 'the device is online');
    const raw = newDevice();

    const cases: { name: string; act(peer: RawPeer): Promise<void> | void }[] = [
      { name: 'text frame', act: (peer) => peer.ws.send('{"op":"hello","deviceToken":"x"}') },
      { name: 'short frame', act: (peer) => peer.ws.send(Buffer.from([0, 0])) },
      {
        name: 'header longer than the frame',
        act: (peer) => peer.ws.send(Buffer.from([0, 0, 1, 0, 0x7b, 0x7d])),
      },
      {
        name: 'header not JSON',
        act: (peer) => peer.ws.send(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{{{')])),
      },
      { name: 'request op before hello', act: (peer) => peer.send({ op: 'ok', id: 1 }) },
      {
        name: 'hello with payload',
        act: (peer) => peer.send({ op: 'hello', deviceToken: raw.token }, Buffer.from('extra')),
      },
      {
        name: 'bad id after the handshake',
        act: async (peer) => {
          await peer.hello(raw.token);
          peer.ws.send(encodeFrame({ op: 'ok', id: 'seven' } as unknown as DeviceFrame));
        },
      },
      {
        name: 'bad item id in items',
        act: async (peer) => {
          await peer.hello(raw.token);
          peer.send({ op: 'items', id: 1, itemIds: ['../../etc'] });
        },
      },
      {
        name: 'second hello',
        act: async (peer) => {
          await peer.hello(raw.token);
          peer.send({ op: 'hello', deviceToken: raw.token });
        },
      },
    ];
    for (const testCase of cases) {
      const peer = await RawPeer.open(shared.url);
      await testCase.act(peer);
      const closed = await peer.closed;
      expect(closed.code, testCase.name).toBe(1008);
    }

    const ref = { itemId: randomUUID(), index: 0 };
    await shared.bus.putChunk(device.deviceId, ref, Buffer.from('still serving'));
    expect(await shared.bus.getChunk(device.deviceId, ref)).toEqual(Buffer.from('still serving'));
  });

  it('times out a silent device, maps a device error to io and a mismatched reply to io + 1008', async () => {
    const raw = newDevice();
    const peer = await RawPeer.open(shared.url);
    await peer.hello(raw.token);
    const ref = { itemId: randomUUID(), index: 0 };

    await expect(shared.bus.getChunk(raw.deviceId, ref)).rejects.toMatchObject({
      name: 'BusError',
      code: 'timeout',
    });

    const failing = shared.bus.putChunk(raw.deviceId, ref, Buffer.from('x'));
    const late = await peer.nextRequest(); // the timed-out get
    expect(late.op).toBe('get');
    peer.send({ op: 'data', id: late.id }, Buffer.from('too late')); // ignored
    const put = await peer.nextRequest();
    expect(put.op).toBe('put');
    peer.send({ op: 'error', id: put.id, message: 'disk full' });
    await expect(failing).rejects.toMatchObject({
      code: 'io',
      message: expect.stringContaining('disk full'),
    });

    const listing = shared.bus.listItems(raw.deviceId);
    const list = await peer.nextRequest();
    peer.send({ op: 'ok', id: list.id });
    await expect(listing).rejects.toMatchObject({ code: 'io' });
    expect((await peer.closed).code).toBe(1008);
    expect(shared.bus.isOnline(raw.deviceId)).toBe(false);
  });

  it('a second connection takes a live device’s slot only by proving it is the device', async () => {
    const raw = newDevice();
    const first = await RawPeer.open(shared.url);
    await first.hello(raw.token);

    // A token alone: challenged, fails, refused with 4409; the first keeps its slot.
    const intruder = await RawPeer.open(shared.url);
    intruder.send({ op: 'hello', deviceToken: raw.token });
    await until(() => intruder.frames.some((f) => f.header.op === 'challenge'), 'challenged');
    intruder.send({ op: 'proof', proof: 'not the device' });
    expect((await intruder.closed).code).toBe(4409);
    expect(shared.bus.isOnline(raw.deviceId)).toBe(true);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);

    // Caught now: the rejection lands while the second peer is still saying hello.
    const pending = shared.bus.listItems(raw.deviceId).catch((error: unknown) => error);
    await first.nextRequest();
    const second = await RawPeer.open(shared.url);
    second.send({ op: 'hello', deviceToken: raw.token });
    await until(() => second.frames.some((f) => f.header.op === 'challenge'), 'challenged');
    const challenge = second.frames.find((f) => f.header.op === 'challenge')!.header as {
      nonce: string;
      enginePublicKey: string;
    };
    expect(challenge.enginePublicKey).toBe(publicKey);
    second.send({ op: 'proof', proof: standInProof(raw.deviceId, challenge.nonce) });
    await until(() => second.frames.some((f) => f.header.op === 'welcome'), 'welcomed');
    expect((await first.closed).code).toBe(4409);
    expect(await pending).toMatchObject({ name: 'BusError', code: 'offline' });
    expect(shared.bus.isOnline(raw.deviceId)).toBe(true);
    expect(connects.filter((c) => c.deviceId === raw.deviceId)).toHaveLength(2);
    expect(disconnects.filter((c) => c.deviceId === raw.deviceId)).toHaveLength(1);

    const listing = shared.bus.listItems(raw.deviceId);
    const request = await second.nextRequest();
    second.send({ op: 'items', id: request.id, itemIds: [] });
    expect(await listing).toEqual([]);
    second.ws.close();
  });

  it('a connection that no longer answers pings gives its slot to the next one without a proof', async () => {
    const raw = newDevice();
    const first = await RawPeer.open(shared.url);
    await first.hello(raw.token);
    // A half-open connection: nothing is read, so no pong comes back.
    first.ws.pause();
    const second = await RawPeer.open(shared.url);
    await second.hello(raw.token);
    expect(second.frames.some((f) => f.header.op === 'challenge')).toBe(false);
    expect(shared.bus.isOnline(raw.deviceId)).toBe(true);
    first.ws.resume();
    expect((await first.closed).code).toBe(4409);
    second.ws.close();
  });

  it('holds requests back while a device does not read, sends them once it does, and drops timed-out ones', async () => {
    // Pings would end a peer that stops reading before its requests time out.
    const own = await startBusServer(0, { requestTimeoutMs: 4_000, pingIntervalMs: 60_000 });
    try {
      const raw = newDevice();
      const peer = await RawPeer.open(own.url);
      await peer.hello(raw.token);
      const itemId = randomUUID();
      const chunk = randomBytes(4 * 1024 * 1024);

      // 48 MiB to a peer that reads nothing: past the 16 MiB mark the bus waits instead of buffering.
      peer.ws.pause();
      const puts = Array.from({ length: 12 }, (_, index) =>
        own.bus.putChunk(raw.deviceId, { itemId, index }, chunk),
      );
      // The kernel's buffers are full and the rest queues in the engine's socket, up to the mark.
      const engineSide = own.sockets.at(-1)! as Duplex & { writableLength: number };
      await until(
        () => engineSide.writableLength >= 16 * 1024 * 1024,
        'the engine queues up to its high-water mark',
        30_000,
      );
      // One 4 MiB frame past the mark at most, never the whole 48 MiB.
      expect(engineSide.writableLength).toBeLessThanOrEqual(20 * 1024 * 1024 + 1024);
      const answerAll = () => {
        const request = peer.frames.pop()!.header as Extract<EngineFrame, { id: number }>;
        peer.send({ op: 'ok', id: request.id });
      };
      peer.ws.on('message', answerAll);
      peer.ws.resume();
      await Promise.all(puts);
      peer.ws.off('message', answerAll);
      peer.frames.length = 0;

      peer.ws.pause();
      const late = Array.from({ length: 16 }, (_, index) =>
        own.bus.putChunk(raw.deviceId, { itemId, index }, chunk).catch((error: unknown) => error),
      );
      for (const outcome of await Promise.all(late))
        expect(outcome).toMatchObject({ code: 'timeout' });
      // A request sent now goes out after everything that did go out before it.
      const listing = own.bus.listItems(raw.deviceId);
      peer.ws.resume();
      const list = await peer.nextRequest((frame) => frame.op === 'list');
      // What was already in the socket's buffers arrived; what waited for a drain never went out.
      const received = peer.frames.filter((frame) => frame.header.op === 'put').length;
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(16);
      peer.send({ op: 'items', id: list.id, itemIds: [] });
      expect(await listing).toEqual([]);
      peer.ws.close();
    } finally {
      await own.close();
    }
  });

  it('sends deferred puts and a flush to a device that announced flush, and answers the flush only once the device did', async () => {
    const raw = newDevice();
    const peer = await RawPeer.open(shared.url);
    peer.send({ op: 'hello', deviceToken: raw.token, flush: true });
    await until(() => peer.frames.some((frame) => frame.header.op === 'welcome'), 'welcomed');
    const itemId = randomUUID();

    const put = shared.bus.putChunk(raw.deviceId, { itemId, index: 0 }, Buffer.from('x'), {
      deferSync: true,
    });
    const putRequest = await peer.nextRequest();
    expect(putRequest).toMatchObject({ op: 'put', itemId, index: 0, defer: true });
    peer.send({ op: 'ok', id: putRequest.id });
    await put;

    let flushed = false;
    const flush = shared.bus.flushItem(raw.deviceId, itemId).then(() => (flushed = true));
    const flushRequest = await peer.nextRequest();
    expect(flushRequest).toMatchObject({ op: 'flush', itemId });
    // Not durable until the device says so: the request has arrived, and no answer went back.
    expect(flushed).toBe(false);
    peer.send({ op: 'ok', id: flushRequest.id });
    await flush;

    // A plain put stays durable by itself.
    const plain = shared.bus.putChunk(raw.deviceId, { itemId, index: 1 }, Buffer.from('y'));
    const plainRequest = await peer.nextRequest();
    expect(plainRequest).not.toHaveProperty('defer');
    peer.send({ op: 'ok', id: plainRequest.id });
    await plain;

    // Confirmed but unflushed, then the connection drops: the device may have lost the chunk.
    const lost = shared.bus.putChunk(raw.deviceId, { itemId, index: 2 }, Buffer.from('z'), {
      deferSync: true,
    });
    peer.send({ op: 'ok', id: (await peer.nextRequest()).id });
    await lost;
    peer.ws.close();
    await until(() => !shared.bus.isOnline(raw.deviceId), 'the bus saw the peer go');
    const again = await RawPeer.open(shared.url);
    again.send({ op: 'hello', deviceToken: raw.token, flush: true });
    await until(() => shared.bus.isOnline(raw.deviceId), 'the peer is back');
    await expect(shared.bus.flushItem(raw.deviceId, itemId)).rejects.toMatchObject({
      code: 'offline',
    });
    again.ws.close();
  });

  it('sends plain puts to a device that did not announce flush, and flushItem asks it nothing', async () => {
    const raw = newDevice();
    const peer = await RawPeer.open(shared.url);
    await peer.hello(raw.token);
    const itemId = randomUUID();
    const put = shared.bus.putChunk(raw.deviceId, { itemId, index: 0 }, Buffer.from('x'), {
      deferSync: true,
    });
    const request = await peer.nextRequest();
    expect(request.op).toBe('put');
    expect(request).not.toHaveProperty('defer');
    peer.send({ op: 'ok', id: request.id });
    await put;
    await shared.bus.flushItem(raw.deviceId, itemId);
    // A request sent after it arrives after anything flushItem sent: the list request is all.
    const listing = shared.bus.listItems(raw.deviceId);
    const next = await peer.nextRequest();
    expect(next.op).toBe('list');
    peer.send({ op: 'items', id: next.id, itemIds: [] });
    await listing;
    peer.ws.close();
  });

  it('fans one envelope out to two real devices with deferred puts and a flush', async () => {
    const first = newDevice();
    const second = newDevice();
    await startDevice(shared.url, first);
    await startDevice(shared.url, second);
    await until(
      () => shared.bus.isOnline(first.deviceId) && shared.bus.isOnline(second.deviceId),
      'both devices are online',
    );
    const itemId = randomUUID();
    const chunks = Array.from({ length: 3 }, () => randomBytes(1024 * 1024));
    for (const [index, chunk] of chunks.entries()) {
      await Promise.all(
        [first, second].map((device) =>
          shared.bus.putChunk(device.deviceId, { itemId, index }, chunk, { deferSync: true }),
        ),
      );
    }
    for (const device of [first, second]) {
      await shared.bus.flushItem(device.deviceId, itemId);
      for (const [index, chunk] of chunks.entries())
        expect((await shared.bus.getChunk(device.deviceId, { itemId, index }))!.equals(chunk)).toBe(
          true,
        );
    }
  });

  it('closeDevice drops a removed device with 4401 and its runtime stops retrying', async () => {
    const device = newDevice();
    const runtime = await startDevice(shared.url, device);
    await until(() => shared.bus.isOnline(device.deviceId), 'the device is online');
    known.delete(device.token);
    shared.bus.closeDevice(device.deviceId);
    await until(() => runtime.state === 'unauthorized', 'the device reports unauthorized');
    expect(shared.bus.isOnline(device.deviceId)).toBe(false);
  });

  it('serves a device connected over a MessagePort as one connected over the WebSocket', async () => {
    const device = newDevice();
    const runtime = await startPortDevice(shared.bus, device);
    await until(
      () => shared.bus.isOnline(device.deviceId) && runtime.connected,
      'both sides see the connection',
    );
    expect(shared.bus.connectedDevices()).toContainEqual({
      deviceId: device.deviceId,
      profileId: PROFILE,
    });
    const { bus } = shared;
    const item = randomUUID();
    const chunks = [randomBytes(1024 * 1024), randomBytes(5), randomBytes(700_001)];
    // One frame to two devices is what the engine's fan-out does; over ports each gets its own.
    await Promise.all(
      chunks.map((chunk, index) => bus.putChunk(device.deviceId, { itemId: item, index }, chunk)),
    );
    const back = await Promise.all(
      chunks.map((_, index) => bus.getChunk(device.deviceId, { itemId: item, index })),
    );
    back.forEach((chunk, index) => expect(chunk!.equals(chunks[index]!)).toBe(true));
    expect(await bus.listItems(device.deviceId)).toEqual([item]);
    await expect(
      bus.putChunk(device.deviceId, { itemId: item, index: 9 }, randomBytes(8 * 1024 * 1024)),
    ).rejects.toMatchObject({ code: 'rejected' });

    await runtime.stop();
    await until(() => !shared.bus.isOnline(device.deviceId), 'the bus sees it leave');
    await expect(bus.listItems(device.deviceId)).rejects.toMatchObject({ code: 'offline' });
  });

  it('over a MessagePort, a wrong token is refused with 4401 and a copied one takes no live slot', async () => {
    const stranger = {
      token: `T-${randomBytes(32).toString('base64url')}`,
      deviceId: randomUUID(),
    };
    const refused = await startPortDevice(shared.bus, stranger);
    await until(() => refused.state === 'unauthorized', 'the device reports unauthorized');
    expect(refused.states).toEqual(['unauthorized']);
    expect(refused.dials()).toBe(1);
    expect(shared.bus.isOnline(stranger.deviceId)).toBe(false);

    // The device is connected over the WebSocket; a runtime with its token over a port is
    // challenged, cannot prove it is the device (no private key) and is refused with 4409.
    const device = newDevice();
    const owner = await RawPeer.open(shared.url);
    await owner.hello(device.token);
    const copy = await startPortDevice(shared.bus, device);
    await until(() => copy.state === 'replaced', 'the copy stops as replaced');
    expect(owner.ws.readyState).toBe(WebSocket.OPEN);
    const listing = shared.bus.listItems(device.deviceId);
    const request = await owner.nextRequest();
    const owned = randomUUID();
    owner.send({ op: 'items', id: request.id, itemIds: [owned] });
    expect(await listing).toEqual([owned]);
    owner.ws.close();
  });

  it('a closed bus takes no port, and a device dialling it keeps trying', async () => {
    const server = await startBusServer();
    const closedBus = server.bus;
    await server.close();
    const { port1, port2 } = new MessageChannel();
    const portClosed = new Promise<void>((resolve) => port2.once('close', () => resolve()));
    port2.start();
    expect(closedBus.acceptPort(port1)).toBe(false);
    await portClosed;

    const device = newDevice();
    const runtime = await startPortDevice(closedBus, device);
    await until(() => runtime.dials() >= 3, 'the device dials again');
    expect(runtime.state).toBe('connecting');
    await runtime.stop();
    expect(runtime.state).toBe('stopped');
  });

  it('a real storage-device process prints its ready line, and stops on SIGTERM', async () => {
    const device = newDevice();
    const folder = join(tempDir(), 'nested', 'device');
    const config = join(tempDir(), 'bundle.json');
    writeFileSync(config, JSON.stringify(bundleFor(shared.url, device)));
    const child = spawn(
      process.execPath,
      [STORAGE_DEVICE_MAIN, '--config', config, '--dir', folder],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PRIVICORE_LOG_LEVEL: 'info' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | string>((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      await until(() => lines.length > 0, `the ready line (stderr: ${stderr})`, 30_000);
      expect(JSON.parse(lines[0]!)).toEqual({ event: 'ready', deviceIdentifier: device.deviceId });
      expect(shared.bus.isOnline(device.deviceId)).toBe(true);
      const ref = { itemId: randomUUID(), index: 0 };
      await shared.bus.putChunk(device.deviceId, ref, Buffer.from('via a process'));
      expect(await shared.bus.getChunk(device.deviceId, ref)).toEqual(Buffer.from('via a process'));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(lines).toHaveLength(1);
    expect(stderr).not.toContain(device.token);
    expect(stderr).toContain('"msg":"connected to the device bus"');
  });

  it('the process exits 2 with one line for bad arguments and bad bundles, 1 when refused', async () => {
    const run = (args: string[]) => {
      const child = spawn(process.execPath, [STORAGE_DEVICE_MAIN, ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr, stdout })),
      );
    };
    const noDir = await run(['--config', 'bundle.json']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr.trim().split('\n')).toEqual([expect.stringContaining('--dir is required')]);
    const unknown = await run(['--bogus']);
    expect(unknown.code).toBe(2);

    const amqp = join(tempDir(), 'amqp.json');
    writeFileSync(
      amqp,
      JSON.stringify({
        ...bundleFor(shared.url, newDevice()),
        bus: { kind: 'amqp', url: 'amqp://mq', exchange: 'e', queue: 'q', routingKey: 'r' },
      }),
    );
    const badBundle = await run(['--config', amqp, '--dir', tempDir()]);
    expect(badBundle.code).toBe(2);
    // An amqp bus without the device's broker credentials cannot be reached.
    expect(badBundle.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('bus.url must be an amqp(s) URL with the device’s user and password'),
    ]);

    const refused = join(tempDir(), 'refused.json');
    writeFileSync(
      refused,
      JSON.stringify(bundleFor(shared.url, { token: 'T-unknown', deviceId: randomUUID() })),
    );
    const unauthorized = await run(['--config', refused, '--dir', tempDir()]);
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stdout).toBe('');
    expect(unauthorized.stderr).toContain('the engine refused the device token');
  });
});
