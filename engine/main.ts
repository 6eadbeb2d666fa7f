import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from './log.ts';
import { printReadyLine } from './ready-line.ts';
import { startEngine, type AmqpOptions } from './server.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import type { TlsSetting } from './tls/engine-tls.ts';

/**
 * The standalone engine process:
 *   npm run engine -- --data-dir DIR [--host 127.0.0.1] [--port 9009] [--public-url URL]
 *                     [--tls self-signed | --tls-cert FILE --tls-key FILE]
 *                     [--trust-proxy PROXY_ADDRESS]
 *                     [--database-url postgres://…] [--amqp-url amqp://…] [--node-id NAME] …
 *   npm run engine -- backup --data-dir DIR --to FILE
 *   npm run engine -- restore --from FILE --data-dir DIR
 * Serving prints exactly one JSON line on stdout when ready; logs go to stderr. Exit codes: 0
 * after SIGTERM/SIGINT or a finished backup/restore, 1 when it cannot run, 2 for bad arguments.
 *
 * The database and broker URLs carry passwords, and a process's arguments are visible to every
 * user of the machine: PRIVICORE_DATABASE_URL and PRIVICORE_AMQP_URL in the environment serve as
 * well.
 */
const usage = [
  'usage: npm run engine -- --data-dir DIR [--host 127.0.0.1] [--port 9009] [--public-url URL]',
  '                         [--tls self-signed | --tls-cert FILE --tls-key FILE]',
  '                         [--trust-proxy PROXY_ADDRESS]',
  '  several nodes (docs/deploy.md):',
  '  [--database-url postgres://USER:PASSWORD@HOST/DB]   state in PostgreSQL (env PRIVICORE_DATABASE_URL)',
  '  [--amqp-url amqp://USER:PASSWORD@HOST/VHOST]        device bus on RabbitMQ (env PRIVICORE_AMQP_URL)',
  '  [--amqp-management-url http://USER:PASSWORD@HOST:15672] [--amqp-device-url amqp://HOST/VHOST]',
  '  [--amqp-prefix privicore] [--node-id NAME] [--node-lease-ms 10000]',
  '       npm run engine -- backup --data-dir DIR --to FILE',
  '       npm run engine -- restore --from FILE --data-dir DIR',
].join('\n');

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

function parse<T>(
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
  args: string[],
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as T;
  } catch (error) {
    fail((error as Error).message);
  }
}

const argv = process.argv.slice(2);
const command = argv[0] === 'backup' || argv[0] === 'restore' ? argv[0] : 'serve';
if (command === 'serve') await serve(argv);
else await copy(command, argv.slice(1));

async function copy(which: 'backup' | 'restore', args: string[]): Promise<void> {
  const values = parse<{ 'data-dir'?: string; to?: string; from?: string; help?: boolean }>(
    {
      'data-dir': { type: 'string' },
      ...(which === 'backup' ? { to: { type: 'string' } } : { from: { type: 'string' } }),
      help: { type: 'boolean', short: 'h' },
    },
    args,
  );
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (!values['data-dir']) fail(`${which}: --data-dir is required`);
  const { BackupError, backupDataDir, restoreDataDir } = await import('./store/sqlite-backup.ts');
  try {
    if (which === 'backup') {
      if (!values.to) fail('backup: --to FILE is required');
      const made = await backupDataDir(values['data-dir'], values.to);
      process.stdout.write(`${JSON.stringify({ event: 'backup', ...made })}\n`);
    } else {
      if (!values.from) fail('restore: --from FILE is required');
      const { acquireLock, inUse } = await import('./lock-file.ts');
      const { mkdirSync } = await import('node:fs');
      const { join } = await import('node:path');
      mkdirSync(values['data-dir'], { recursive: true, mode: 0o700 });
      // No engine may run on the folder while it is filled.
      const dataDir = values['data-dir'];
      const release = acquireLock(join(dataDir, 'engine.lock'), (owner) => inUse(dataDir, owner));
      try {
        const restored = restoreDataDir(values.from, values['data-dir']);
        process.stdout.write(`${JSON.stringify({ event: 'restore', ...restored })}\n`);
      } finally {
        release();
      }
    }
  } catch (error) {
    const known = error instanceof BackupError;
    process.stderr.write(
      `The ${which} failed: ${(error as Error).message}${known ? '' : ` (${(error as Error).name})`}\n`,
    );
    process.exit(1);
  }
}

async function serve(args: string[]): Promise<void> {
  const values = parse<
    {
      'data-dir'?: string;
      host?: string;
      port?: string;
      'public-url'?: string;
      tls?: string;
      'tls-cert'?: string;
      'tls-key'?: string;
      'trust-proxy'?: string;
      help?: boolean;
    } & ClusterFlags
  >(
    {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'public-url': { type: 'string' },
      tls: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'database-url': { type: 'string' },
      'amqp-url': { type: 'string' },
      'amqp-management-url': { type: 'string' },
      'amqp-device-url': { type: 'string' },
      'amqp-prefix': { type: 'string' },
      'node-id': { type: 'string' },
      'node-lease-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    args,
  );
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (!values['data-dir']) fail('--data-dir is required');
  if (values['trust-proxy'] !== undefined && !isIP(values['trust-proxy']))
    fail(`--trust-proxy takes the proxy's IP address, got "${values['trust-proxy']}"`);
  const port = values.port === undefined ? 9009 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be 0–65535, got "${values.port}"`);
  const tls = tlsSetting(values);
  const host = values.host ?? '127.0.0.1';
  const cluster = clusterSetting(values);

  const log = createLogger();
  try {
    const engine = await startEngine({
      dataDir: values['data-dir'],
      host,
      port,
      publicUrl: values['public-url'],
      ...(tls ? { tls } : {}),
      ...(values['trust-proxy'] ? { trustProxy: values['trust-proxy'] } : {}),
      ...cluster,
      log,
    });
    if (!tls && !isLoopback(host))
      process.stderr.write(
        `Warning: the engine listens on ${host} over plain http: passwords and tokens would cross the network unencrypted. Add --tls self-signed (or --tls-cert/--tls-key), or put a TLS reverse proxy in front and listen on 127.0.0.1.\n`,
      );
    printReadyLine({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
      nodeId: engine.ctx.node.nodeId,
    });
    stopOnSignals(log, () => engine.close());
  } catch (error) {
    log.error({ err: error }, 'engine failed to start');
    process.stderr.write(`The engine could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

function tlsSetting(values: {
  tls?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}): TlsSetting | undefined {
  const files = values['tls-cert'] !== undefined || values['tls-key'] !== undefined;
  if (values.tls !== undefined && values.tls !== 'self-signed')
    fail(`--tls takes "self-signed" (or use --tls-cert FILE --tls-key FILE), got "${values.tls}"`);
  if (values.tls !== undefined && files)
    fail('--tls self-signed and --tls-cert/--tls-key do not go together; choose one.');
  if (files) {
    if (!values['tls-cert'] || !values['tls-key'])
      fail('--tls-cert and --tls-key go together: give both.');
    return { kind: 'files', certFile: values['tls-cert'], keyFile: values['tls-key'] };
  }
  return values.tls ? { kind: 'self-signed' } : undefined;
}

interface ClusterFlags {
  'database-url'?: string;
  'amqp-url'?: string;
  'amqp-management-url'?: string;
  'amqp-device-url'?: string;
  'amqp-prefix'?: string;
  'node-id'?: string;
  'node-lease-ms'?: string;
}

/** --database-url, --amqp-url and the node options (several engine nodes, docs/deploy.md). */
function clusterSetting(values: ClusterFlags): {
  databaseUrl?: string;
  amqp?: AmqpOptions;
  nodeId?: string;
  nodeLeaseMs?: number;
  nodeHeartbeatMs?: number;
} {
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
  const leaseMs =
    values['node-lease-ms'] === undefined ? undefined : Number(values['node-lease-ms']);
  if (leaseMs !== undefined && (!Number.isInteger(leaseMs) || leaseMs < 1_000 || leaseMs > 600_000))
    fail(`--node-lease-ms must be 1000–600000, got "${values['node-lease-ms']}"`);
  return {
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(amqpUrl
      ? {
          amqp: {
            url: amqpUrl,
            ...(managementUrl ? { managementUrl } : {}),
            ...(deviceUrl ? { deviceUrl } : {}),
            ...(values['amqp-prefix'] ? { prefix: values['amqp-prefix'] } : {}),
          },
        }
      : {}),
    ...(nodeId ? { nodeId } : {}),
    ...(leaseMs
      ? { nodeLeaseMs: leaseMs, nodeHeartbeatMs: Math.max(200, Math.floor(leaseMs / 5)) }
      : {}),
  };
}

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

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
