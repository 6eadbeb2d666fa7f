import { parseArgs } from 'node:util';
import { createLogger } from './log.ts';
import { startEngine, type AmqpOptions } from './server.ts';
import { stopOnSignals } from './stop-on-signals.ts';

/**
 * The standalone engine process:
 *   npm run engine -- --data-dir DIR [--host 127.0.0.1] [--port 9009] [--public-url URL]
 *     [--database-url postgres://…] [--amqp-url amqp://…] [--node-id NAME] …
 * Prints exactly one JSON line on stdout when ready; logs go to stderr.
 *
 * The URLs carry passwords, and a process's arguments are visible to every user of the machine:
 * PRIVICORE_DATABASE_URL and PRIVICORE_AMQP_URL in the environment serve as well.
 */
const usage = `usage: npm run engine -- --data-dir DIR [--host 127.0.0.1] [--port 9009] [--public-url URL]
  several nodes (docs/deploy.md):
  [--database-url postgres://USER:PASSWORD@HOST/DB]   state in PostgreSQL (env PRIVICORE_DATABASE_URL)
  [--amqp-url amqp://USER:PASSWORD@HOST/VHOST]        device bus on RabbitMQ (env PRIVICORE_AMQP_URL)
  [--amqp-management-url http://USER:PASSWORD@HOST:15672] [--amqp-device-url amqp://HOST/VHOST]
  [--amqp-prefix privicore] [--node-id NAME] [--node-lease-ms 10000]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: {
  'data-dir'?: string;
  host?: string;
  port?: string;
  'public-url'?: string;
  'database-url'?: string;
  'amqp-url'?: string;
  'amqp-management-url'?: string;
  'amqp-device-url'?: string;
  'amqp-prefix'?: string;
  'node-id'?: string;
  'node-lease-ms'?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'public-url': { type: 'string' },
      'database-url': { type: 'string' },
      'amqp-url': { type: 'string' },
      'amqp-management-url': { type: 'string' },
      'amqp-device-url': { type: 'string' },
      'amqp-prefix': { type: 'string' },
      'node-id': { type: 'string' },
      'node-lease-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!values['data-dir']) fail('--data-dir is required');
const port = values.port === undefined ? 9009 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0–65535, got "${values.port}"`);

function url(name: string, given: string | undefined, protocols: string[]): string | undefined {
  if (given === undefined || given === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(given);
  } catch {
    fail(`${name} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol))
    fail(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return given;
}

const databaseUrl = url(
  '--database-url',
  values['database-url'] ?? process.env['PRIVICORE_DATABASE_URL'],
  ['postgres:', 'postgresql:'],
);
const amqpUrl = url('--amqp-url', values['amqp-url'] ?? process.env['PRIVICORE_AMQP_URL'], [
  'amqp:',
  'amqps:',
]);
const managementUrl = url('--amqp-management-url', values['amqp-management-url'], [
  'http:',
  'https:',
]);
const deviceUrl = url('--amqp-device-url', values['amqp-device-url'], ['amqp:', 'amqps:']);
if (!amqpUrl && (managementUrl || deviceUrl || values['amqp-prefix']))
  fail('--amqp-management-url, --amqp-device-url and --amqp-prefix need --amqp-url');
const nodeId = values['node-id'];
if (nodeId !== undefined && !/^[\w.-]{1,64}$/.test(nodeId))
  fail('--node-id must be 1–64 letters, digits, dots, dashes or underscores');
const leaseMs = values['node-lease-ms'] === undefined ? undefined : Number(values['node-lease-ms']);
if (leaseMs !== undefined && (!Number.isInteger(leaseMs) || leaseMs < 1_000 || leaseMs > 600_000))
  fail(`--node-lease-ms must be 1000–600000, got "${values['node-lease-ms']}"`);

const amqp: AmqpOptions | undefined = amqpUrl
  ? {
      url: amqpUrl,
      ...(managementUrl ? { managementUrl } : {}),
      ...(deviceUrl ? { deviceUrl } : {}),
      ...(values['amqp-prefix'] ? { prefix: values['amqp-prefix'] } : {}),
    }
  : undefined;

const log = createLogger();
try {
  const engine = await startEngine({
    dataDir: values['data-dir'],
    host: values.host ?? '127.0.0.1',
    port,
    publicUrl: values['public-url'],
    log,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(amqp ? { amqp } : {}),
    ...(nodeId ? { nodeId } : {}),
    ...(leaseMs
      ? { nodeLeaseMs: leaseMs, nodeHeartbeatMs: Math.max(200, Math.floor(leaseMs / 5)) }
      : {}),
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', apiUrl: engine.apiUrl, wsUrl: engine.wsUrl, nodeId: engine.ctx.node.nodeId })}\n`,
  );
  stopOnSignals(log, () => engine.close());
} catch (error) {
  log.error({ err: error }, 'engine failed to start');
  process.stderr.write(`The engine could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
