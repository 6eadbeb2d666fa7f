// engine/bus/port-socket.ts: a bus connection over a real MessageChannel (and, for a peer that
// dies, a real worker thread). It must behave as the WebSocket both ends of the bus treat it as:
// whole frames that the sender may reuse, pings answered, close codes and reasons carried, and a
// peer that goes away or breaks the rules ends the connection instead of hanging it.

import { once } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { PortSocket } from '../../../../engine/bus/port-socket.ts';

const MAX = 1024 * 1024;

function pair(): { engine: PortSocket; device: PortSocket; raw: MessageChannel } {
  const raw = new MessageChannel();
  const device = new PortSocket(undefined, MAX);
  device.attach(raw.port2);
  return { engine: new PortSocket(raw.port1, MAX), device, raw };
}

function closeOf(socket: PortSocket): Promise<{ code: number; reason: string }> {
  // Not events.once: that rejects on an 'error' first, and fail() emits one before its close.
  return new Promise((resolve) =>
    socket.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );
}

function nextMessage(socket: PortSocket): Promise<Buffer> {
  return once(socket, 'message').then(([data]) => data as Buffer);
}

describe('PortSocket', () => {
  it('opens on attach, and carries whole frames both ways that the sender may reuse at once', async () => {
    const raw = new MessageChannel();
    const device = new PortSocket(undefined, MAX);
    expect(device.readyState).toBe(0);
    const opened = once(device, 'open');
    device.attach(raw.port2);
    await opened;
    expect(device.readyState).toBe(1);
    const engine = new PortSocket(raw.port1, MAX);

    // One mebibyte frame sent twice from the same buffer, which is overwritten after each send.
    const frame = Buffer.alloc(MAX, 0xab);
    const received: Buffer[] = [];
    device.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(true);
      received.push(data);
    });
    engine.send(frame);
    frame.fill(0x01);
    engine.send(frame);
    frame.fill(0x02);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(2);
    expect(received[0]!.equals(Buffer.alloc(MAX, 0xab))).toBe(true);
    expect(received[1]!.equals(Buffer.alloc(MAX, 0x01))).toBe(true);
    // The sender's buffer is still its own (not moved away to the other side).
    expect(frame.length).toBe(MAX);

    // A small Buffer lives in Node's shared pool: sending it must not hand the pool away.
    const small = Buffer.from('hello');
    const pooled = Buffer.from('neighbour in the pool');
    const back = nextMessage(engine);
    device.send(small);
    expect((await back).toString()).toBe('hello');
    expect(pooled.toString()).toBe('neighbour in the pool');

    engine.terminate();
  });

  it('a released frame’s buffer goes back with the next message and carries the next large frame', async () => {
    const { engine, device } = pair();
    const first = nextMessage(device);
    engine.send(Buffer.alloc(200 * 1024, 0x11));
    const put = await first;
    const capacity = put.buffer.byteLength;
    expect(capacity).toBeGreaterThanOrEqual(200 * 1024);
    // The device is done with it: the buffer leaves with its reply, and its views here are empty.
    device.release(put);
    const reply = nextMessage(engine);
    device.send(Buffer.from('ok'));
    expect((await reply).toString()).toBe('ok');
    expect(put.length).toBe(0);

    // The next large frame travels in that buffer, its own bytes only.
    const second = nextMessage(device);
    engine.send(Buffer.alloc(150 * 1024, 0x22));
    const next = await second;
    // A new buffer for 150 KiB would be smaller than the one the first frame came in.
    expect(next.buffer.byteLength).toBe(capacity);
    expect(next.length).toBe(150 * 1024);
    expect(next.equals(Buffer.alloc(150 * 1024, 0x22))).toBe(true);

    // What did not come from a port, or is small, is not taken.
    const own = Buffer.alloc(100 * 1024);
    device.release(own);
    const small = nextMessage(device);
    engine.send(Buffer.from('tiny'));
    const tiny = await small;
    device.release(tiny);
    const again = nextMessage(engine);
    device.send(Buffer.from('ok'));
    await again;
    expect(own.length).toBe(100 * 1024);
    expect(tiny.toString()).toBe('tiny');
    engine.terminate();
  });

  it('lets go of spare buffers five seconds after the last came back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { engine, device } = pair();
      const first = nextMessage(device);
      engine.send(Buffer.alloc(300 * 1024, 0x33));
      const put = await first;
      const capacity = put.buffer.byteLength;
      device.release(put);
      const reply = nextMessage(engine);
      device.send(Buffer.from('ok'));
      await reply;
      // Five quiet seconds: the spare is gone, and the next frame comes in a new buffer (a
      // 200 KiB frame would have fitted in the 300 KiB one).
      vi.advanceTimersByTime(5_001);
      const second = nextMessage(device);
      engine.send(Buffer.alloc(200 * 1024, 0x44));
      const next = await second;
      expect(next.buffer.byteLength).not.toBe(capacity);
      expect(next.equals(Buffer.alloc(200 * 1024, 0x44))).toBe(true);
      engine.terminate();
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers a ping with a pong, and tells the pinged side', async () => {
    const { engine, device } = pair();
    const pinged = once(device, 'ping');
    const ponged = once(engine, 'pong');
    engine.ping();
    await Promise.all([pinged, ponged]);
    engine.terminate();
  });

  it('carries a close code and reason to the other side, and both end closed', async () => {
    const { engine, device } = pair();
    const deviceClosed = closeOf(device);
    const engineClosed = closeOf(engine);
    engine.close(4401, 'device token not valid');
    expect(engine.readyState).toBe(2);
    expect(await deviceClosed).toEqual({ code: 4401, reason: 'device token not valid' });
    expect(await engineClosed).toEqual({ code: 4401, reason: 'device token not valid' });
    expect([engine.readyState, device.readyState]).toEqual([3, 3]);
    // Nothing is sent once closed, and closing again is nothing.
    engine.send(Buffer.from('late'));
    engine.close(1000, 'again');
  });

  it('terminate ends both sides with 1006', async () => {
    const { engine, device } = pair();
    const deviceClosed = closeOf(device);
    const engineClosed = closeOf(engine);
    device.terminate();
    expect(await deviceClosed).toEqual({ code: 1006, reason: '' });
    expect(await engineClosed).toEqual({ code: 1006, reason: '' });
  });

  it('a dial that gets no port fails with an error and 1006; a port that comes too late is closed', async () => {
    const device = new PortSocket(undefined, MAX);
    const errored = once(device, 'error');
    const closed = closeOf(device);
    device.fail(new Error('the engine does not take device connections now'));
    expect(((await errored)[0] as Error).message).toMatch(/does not take/);
    expect(await closed).toEqual({ code: 1006, reason: '' });

    const raw = new MessageChannel();
    const late = new PortSocket(undefined, MAX);
    late.terminate();
    await closeOf(late);
    const other = new PortSocket(raw.port1, MAX);
    const otherClosed = closeOf(other);
    late.attach(raw.port2);
    expect(await otherClosed).toEqual({ code: 1006, reason: '' });
  });

  it('closes 1002 on a message that is not a frame, ping, pong or close', async () => {
    for (const junk of [
      'text',
      null,
      { kind: 'frame', bytes: 'not bytes' },
      { kind: 'close', code: 'x', reason: '' },
      { kind: 'frame', bytes: new Uint8Array(1), spare: ['not a buffer'] },
      { kind: 'frame', bytes: new Uint8Array(1), spare: new ArrayBuffer(8) },
      { kind: 'shutdown' },
    ]) {
      const raw = new MessageChannel();
      const engine = new PortSocket(raw.port1, MAX);
      const closed = closeOf(engine);
      raw.port2.postMessage(junk);
      // The peer's end answers the close by closing the port, as PortSocket does.
      raw.port2.on('message', () => raw.port2.close());
      expect(await closed).toEqual({ code: 1002, reason: 'malformed port message' });
    }
  });

  it('closes 1009 on a frame larger than its limit, without delivering it', async () => {
    const raw = new MessageChannel();
    const small = new PortSocket(raw.port1, 1024);
    const big = new PortSocket(raw.port2, MAX);
    const delivered: Buffer[] = [];
    small.on('message', (data: Buffer) => delivered.push(data));
    const closed = closeOf(small);
    big.send(Buffer.alloc(1025));
    expect(await closed).toEqual({ code: 1009, reason: 'Max payload size exceeded' });
    expect(delivered).toEqual([]);
  });

  it('ends with 1006 when the thread at the other end exits', async () => {
    const raw = new MessageChannel();
    const engine = new PortSocket(raw.port1, MAX);
    const closed = closeOf(engine);
    // The worker says it is there, and exits (without closing its port) when pinged back.
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       workerData.port.on('message', () => process.exit(0));
       workerData.port.postMessage({ kind: 'ping' });`,
      { eval: true, workerData: { port: raw.port2 }, transferList: [raw.port2] },
    );
    await once(engine, 'ping');
    engine.ping();
    expect(await closed).toEqual({ code: 1006, reason: '' });
    await once(worker, 'exit');
  });
});
