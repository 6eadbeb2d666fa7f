import { describe, expect, it } from 'vitest';
import { generateSignedKeyPair } from '../../../../engine/crypto/signed-key.ts';
import { BundleError, parseDeviceBundle } from '../../../../engine/devices/device-bundle.ts';

const keys = generateSignedKeyPair();
const TOKEN = 'T-Gm2vS8kQ0000000000000000000000000000000000a';

function bundle(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deviceIdentifier: '0193a5c3-0000-7000-8000-000000000001',
    engine: { apiUrl: 'https://engine.example:9009', wsUrl: 'wss://engine.example:9009/ws' },
    bus: {
      kind: 'embedded',
      url: 'wss://engine.example:9009/device-bus',
      exchange: null,
      queue: null,
      routingKey: null,
    },
    deviceToken: TOKEN,
    deviceTokenExpiresAt: '2026-12-26T21:40:00+00:00',
    keys: { public: keys.public, private: keys.private },
    ...overrides,
  };
}

function problemsOf(input: unknown): string[] {
  try {
    parseDeviceBundle(input);
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return (error as BundleError).problems;
  }
  throw new Error('the bundle was accepted');
}

describe('parseDeviceBundle', () => {
  it('accepts the contract §8 example shape, as text or value', () => {
    const parsed = parseDeviceBundle(JSON.stringify(bundle()));
    expect(parsed).toEqual(bundle());
    expect(parseDeviceBundle(bundle({ keys: { public: keys.public } })).keys).toEqual({
      public: keys.public,
    });
  });

  it('names each problem', () => {
    const problems = problemsOf(
      bundle({
        deviceIdentifier: 'nope',
        engine: { apiUrl: 'ftp://x', wsUrl: 'https://x' },
        deviceToken: '',
        deviceTokenExpiresAt: 'someday',
        keys: { public: 'abc', private: 'XYZ' },
      }),
    );
    expect(problems).toEqual([
      'deviceIdentifier must be a lowercase UUID',
      'engine.apiUrl must be an http(s) URL',
      'engine.wsUrl must be a ws(s) URL',
      'deviceToken must be a non-empty token string',
      'deviceTokenExpiresAt must be an ISO-8601 timestamp',
      'keys.public must be 200 hexadecimal characters',
      'keys.private must be 64 lowercase hexadecimal characters when present',
    ]);
  });

  it('takes an amqp bus with the device’s broker credentials, exchange, queue and routing key', () => {
    const amqp = {
      kind: 'amqp',
      url: 'amqps://privicore-device-1:secret@mq.example/%2F',
      exchange: 'privicore.engine',
      queue: 'privicore.device.1',
      routingKey: 'device',
    };
    expect(parseDeviceBundle(bundle({ bus: amqp })).bus).toEqual(amqp);
    expect(
      problemsOf(
        bundle({
          bus: { kind: 'amqp', url: 'amqps://mq.example', exchange: '', queue: 7 },
        }),
      ),
    ).toEqual([
      'bus.url must be an amqp(s) URL with the device’s user and password for the amqp bus',
      'bus.exchange must be a name of 1–255 printable characters for the amqp bus',
      'bus.queue must be a name of 1–255 printable characters for the amqp bus',
      'bus.routingKey must be a name of 1–255 printable characters for the amqp bus',
    ]);
  });

  it('rejects a bus without a WebSocket URL, unknown kinds, non-JSON and non-objects', () => {
    expect(problemsOf(bundle({ bus: { kind: 'embedded', url: 'http://x/device-bus' } }))).toEqual([
      'bus.url must be a ws(s) URL for the embedded bus',
    ]);
    expect(problemsOf(bundle({ bus: { kind: 'carrier-pigeon' } }))).toEqual([
      'bus.kind must be "embedded" or "amqp", got "carrier-pigeon"',
    ]);
    expect(problemsOf('{not json')[0]).toMatch(/^it is not JSON/);
    expect(problemsOf('[]')).toEqual(['it must be a JSON object']);
  });

  it('never repeats the token in its message', () => {
    // A bundle refused for its token and for another field: neither message shows the token.
    for (const input of [
      bundle({ deviceIdentifier: 1 }),
      bundle({ deviceToken: `${TOKEN} with spaces` }),
    ]) {
      const problems = problemsOf(input);
      expect(problems.length).toBeGreaterThan(0);
      expect(() => parseDeviceBundle(input)).toThrow(BundleError);
      expect(() => parseDeviceBundle(input)).not.toThrow(TOKEN.slice(2));
      expect(problems.join(' ')).not.toContain(TOKEN.slice(2));
    }
  });
});
