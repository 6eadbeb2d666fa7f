import { checkSignedPublicKey } from '../crypto/signed-key.ts';
import { isId } from '../ids.ts';
import { normalizePin } from '../tls/tls-pin.ts';

/** Contract §9 bus kind `embedded`: the engine's own WebSocket endpoint. */
export interface EmbeddedBus {
  kind: 'embedded';
  url: string;
  exchange: null;
  queue: null;
  routingKey: null;
}

/**
 * Contract §9 bus kind `amqp`: RabbitMQ at `url` (with the device's own broker credentials),
 * publishing to `exchange` with `routingKey` and consuming `queue` (devices/amqp-bus-socket.ts).
 */
export interface AmqpBus {
  kind: 'amqp';
  url: string;
  exchange: string;
  queue: string;
  routingKey: string;
}

/**
 * The configuration bundle of contract §8 (device.download-device-configuration): the one type
 * for the engine that issues it, the device runtime that starts from it (either bus kind) and the
 * client that reads a device's keys from it (a type import, so no engine code reaches the client).
 */
export interface DeviceBundle<Bus extends EmbeddedBus | AmqpBus = EmbeddedBus | AmqpBus> {
  deviceIdentifier: string;
  /**
   * `tlsPin`: the engine's TLS pin (engine/tls/tls-pin.ts). With it, the device connects only to
   * a certificate with that key, and sends its token on nothing else.
   */
  engine: { apiUrl: string; wsUrl: string; tlsPin?: string };
  bus: Bus;
  deviceToken: string;
  deviceTokenExpiresAt: string;
  /** `private` only for engine-generated keys. */
  keys: { public: string; private?: string };
}

export class BundleError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid device configuration bundle: ${problems.join('; ')}.`);
    this.name = 'BundleError';
  }
}

/** Parses bundle JSON text (or an already parsed value); throws BundleError listing every problem. */
export function parseDeviceBundle(input: string | unknown): DeviceBundle {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new BundleError([`it is not JSON (${(error as Error).message})`]);
    }
  }
  if (!isObject(value)) throw new BundleError(['it must be a JSON object']);

  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };

  check(isId(value.deviceIdentifier), 'deviceIdentifier must be a lowercase UUID');

  const engine = value.engine;
  if (isObject(engine)) {
    check(isUrl(engine.apiUrl, ['http:', 'https:']), 'engine.apiUrl must be an http(s) URL');
    check(isUrl(engine.wsUrl, ['ws:', 'wss:']), 'engine.wsUrl must be a ws(s) URL');
    check(
      engine.tlsPin === undefined ||
        engine.tlsPin === null ||
        (typeof engine.tlsPin === 'string' && normalizePin(engine.tlsPin) !== undefined),
      'engine.tlsPin must be a TLS pin (sha256:…) when present',
    );
  } else problems.push('engine must be an object with apiUrl and wsUrl');

  const bus = value.bus;
  if (isObject(bus)) {
    if (bus.kind === 'amqp') {
      check(
        isUrl(bus.url, ['amqp:', 'amqps:']) && hasCredentials(bus.url as string),
        'bus.url must be an amqp(s) URL with the device’s user and password for the amqp bus',
      );
      for (const field of ['exchange', 'queue', 'routingKey'] as const) {
        check(
          typeof bus[field] === 'string' && /^[\x21-\x7e]{1,255}$/.test(bus[field] as string),
          `bus.${field} must be a name of 1–255 printable characters for the amqp bus`,
        );
      }
    } else if (bus.kind === 'embedded') {
      check(isUrl(bus.url, ['ws:', 'wss:']), 'bus.url must be a ws(s) URL for the embedded bus');
      for (const field of ['exchange', 'queue', 'routingKey'] as const) {
        check(
          bus[field] === null || bus[field] === undefined,
          `bus.${field} must be null for the embedded bus`,
        );
      }
    } else
      problems.push(
        `bus.kind must be "embedded" or "amqp", got ${JSON.stringify(bus.kind) ?? 'nothing'}`,
      );
  } else problems.push('bus must be an object with kind and url');

  check(
    typeof value.deviceToken === 'string' && /^[\x21-\x7e]{1,1024}$/.test(value.deviceToken),
    'deviceToken must be a non-empty token string',
  );
  check(
    typeof value.deviceTokenExpiresAt === 'string' &&
      !Number.isNaN(Date.parse(value.deviceTokenExpiresAt)),
    'deviceTokenExpiresAt must be an ISO-8601 timestamp',
  );

  const keys = value.keys;
  if (isObject(keys)) {
    const publicProblem =
      typeof keys.public === 'string' ? checkSignedPublicKey(keys.public) : 'is missing';
    if (publicProblem) problems.push(`keys.public ${publicProblem}`);
    check(
      keys.private === undefined ||
        keys.private === null ||
        (typeof keys.private === 'string' && /^[0-9a-f]{64}$/.test(keys.private)),
      'keys.private must be 64 lowercase hexadecimal characters when present',
    );
  } else problems.push('keys must be an object with the public key');

  if (problems.length > 0) throw new BundleError(problems);

  const okEngine = engine as { apiUrl: string; wsUrl: string; tlsPin?: string | null };
  const tlsPin = typeof okEngine.tlsPin === 'string' ? normalizePin(okEngine.tlsPin) : undefined;
  if (tlsPin && !(bus as { url: string }).url.startsWith('wss:'))
    throw new BundleError([
      'engine.tlsPin needs a wss:// bus URL: a pin has nothing to check on ws://',
    ]);
  const okKeys = keys as { public: string; private?: string | null };
  const okBus = bus as {
    kind: string;
    url: string;
    exchange: string;
    queue: string;
    routingKey: string;
  };
  return {
    deviceIdentifier: value.deviceIdentifier as string,
    engine: {
      apiUrl: okEngine.apiUrl,
      wsUrl: okEngine.wsUrl,
      ...(tlsPin ? { tlsPin } : {}),
    },
    bus:
      okBus.kind === 'amqp'
        ? {
            kind: 'amqp',
            url: okBus.url,
            exchange: okBus.exchange,
            queue: okBus.queue,
            routingKey: okBus.routingKey,
          }
        : { kind: 'embedded', url: okBus.url, exchange: null, queue: null, routingKey: null },
    deviceToken: value.deviceToken as string,
    deviceTokenExpiresAt: value.deviceTokenExpiresAt as string,
    keys:
      typeof okKeys.private === 'string'
        ? { public: okKeys.public, private: okKeys.private }
        : { public: okKeys.public },
  };
}

function isUrl(value: unknown, protocols: string[]): value is string {
  if (typeof value !== 'string') return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function hasCredentials(url: string): boolean {
  const parsed = new URL(url);
  return parsed.username !== '' && parsed.password !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A bus URL as logs may show it: where, never with what. An amqp bundle's URL carries the
 * device's broker user and password (bus-socket.ts), which a log line must not repeat.
 */
export function busUrlForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
