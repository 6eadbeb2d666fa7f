// The device runtimes' logs never carry the broker password an amqp bundle's bus URL holds: a
// storage device or authenticator that cannot reach its broker says where it is trying, not with
// what. The attack: read the logs of a runtime whose broker is down and look for the password.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSignedKeyPair } from '../../../../engine/crypto/signed-key.ts';
import { startAuthenticator } from '../../../../engine/devices/authenticator.ts';
import { parseDeviceBundle } from '../../../../engine/devices/device-bundle.ts';
import { startStorageDevice } from '../../../../engine/devices/storage-device.ts';

const PASSWORD = 'Zq9-broker-password-that-must-stay-secret';
const keys = generateSignedKeyPair();
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function amqpBundle() {
  return parseDeviceBundle({
    deviceIdentifier: '0193a5c3-0000-7000-8000-000000000001',
    engine: { apiUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/ws' },
    bus: {
      kind: 'amqp',
      // Port 1: nothing listens, so every attempt fails and the runtime says so.
      url: `amqp://privicore-device-1:${PASSWORD}@127.0.0.1:1/%2F`,
      exchange: 'privicore.engine',
      queue: 'privicore.device.1',
      routingKey: 'device',
    },
    deviceToken: 'T-Gm2vS8kQ0000000000000000000000000000000000a',
    deviceTokenExpiresAt: '2099-12-26T21:40:00+00:00',
    keys: { public: keys.public, private: keys.private },
  });
}

function capture(): { log: pino.Logger; lines: string[]; logged: Promise<void> } {
  const lines: string[] = [];
  let resolve!: () => void;
  const logged = new Promise<void>((r) => (resolve = r));
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString('utf8');
      lines.push(line);
      if (line.includes('unreachable')) resolve();
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines, logged };
}

describe('a device runtime whose broker is unreachable', () => {
  it('storage device: names the broker in its logs, never the password', async () => {
    const { log, lines, logged } = capture();
    const dir = await mkdtemp(join(tmpdir(), 'privicore-bus-url-logs-'));
    dirs.push(dir);
    const device = await startStorageDevice({ bundle: amqpBundle(), dir, log, reconnectMinMs: 10 });
    await logged;
    await device.stop();
    const text = lines.join('');
    expect(text).toContain('127.0.0.1:1');
    expect(text).not.toContain(PASSWORD);
  });

  it('authenticator: names the broker in its logs, never the password', async () => {
    const { log, lines, logged } = capture();
    const authenticator = startAuthenticator({ bundle: amqpBundle(), log, reconnectMinMs: 10 });
    await logged;
    await authenticator.stop();
    const text = lines.join('');
    expect(text).toContain('127.0.0.1:1');
    expect(text).not.toContain(PASSWORD);
  });
});
