// The engine's two configurations (DESIGN "Scale"): SQLite with the embedded device bus, and
// PostgreSQL with RabbitMQ. The engine tests run on both from the same files: vitest's
// `postgres` project sets PRIVICORE_TEST_BACKEND=postgres, and scripts/with-backends.sh provides
// the servers (PRIVICORE_TEST_DATABASE_URL, PRIVICORE_TEST_AMQP_URL, …).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import type { AmqpOptions, EngineOptions } from '../../engine/server.ts';
import { openPostgresStore } from '../../engine/store/postgres.ts';
import { openSqliteStore } from '../../engine/store/sqlite.ts';
import type { Store } from '../../engine/store/store.ts';

export type Backend = 'sqlite' | 'postgres';

export const BACKEND: Backend =
  process.env['PRIVICORE_TEST_BACKEND'] === 'postgres' ? 'postgres' : 'sqlite';

/** One engine's place on the shared servers: its own database and its own broker prefix. */
export interface ServerBackend {
  databaseUrl: string;
  amqp: AmqpOptions;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the PostgreSQL tests through scripts/with-backends.sh (npm test does)`,
    );
  return value;
}

/** A fresh, empty database on the test server. */
export async function createDatabase(): Promise<string> {
  const admin = required('PRIVICORE_TEST_DATABASE_URL');
  const name = `privicore_t_${randomBytes(8).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A broker prefix no other engine of the test run uses. */
export function amqpPrefix(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

export function amqpOptions(prefix = amqpPrefix()): AmqpOptions {
  return {
    url: required('PRIVICORE_TEST_AMQP_URL'),
    managementUrl: required('PRIVICORE_TEST_AMQP_MANAGEMENT_URL'),
    prefix,
  };
}

export async function newServerBackend(): Promise<ServerBackend> {
  return { databaseUrl: await createDatabase(), amqp: amqpOptions() };
}

/** Engines started on a data folder again (a restart) find the same database and prefix. */
const byDataDir = new Map<string, Promise<ServerBackend>>();

export function serverBackendFor(dataDir: string): Promise<ServerBackend> {
  let backend = byDataDir.get(dataDir);
  if (!backend) {
    backend = newServerBackend();
    byDataDir.set(dataDir, backend);
  }
  return backend;
}

/** Puts an engine's data folder on given servers: several nodes of one engine (test/scale). */
export function useServerBackend(dataDir: string, backend: ServerBackend): void {
  byDataDir.set(dataDir, Promise.resolve(backend));
}

/**
 * What startEngine needs beyond `options` on this run's backend: nothing on SQLite; on
 * PostgreSQL the data folder's database and prefix and a node id that stays the same across
 * restarts (a node restarted under its id takes over its previous run's work at once).
 */
export async function backendOptions(
  dataDir: string,
  options: Partial<EngineOptions> = {},
): Promise<Partial<EngineOptions>> {
  if (BACKEND === 'sqlite' || options.databaseUrl !== undefined || options.amqp !== undefined)
    return {};
  const backend = await serverBackendFor(dataDir);
  return { databaseUrl: backend.databaseUrl, amqp: backend.amqp, nodeId: 'test-node' };
}

/** The same for the engine process (engine/main.ts): environment and arguments. */
export async function backendProcessOptions(
  dataDir: string,
): Promise<{ env: Record<string, string>; args: string[] }> {
  if (BACKEND === 'sqlite') return { env: {}, args: [] };
  return processOptionsFor(await serverBackendFor(dataDir));
}

/** The engine process's environment and arguments for given servers, whatever this run's backend. */
export function processOptionsFor(backend: ServerBackend): {
  env: Record<string, string>;
  args: string[];
} {
  return {
    env: { PRIVICORE_DATABASE_URL: backend.databaseUrl, PRIVICORE_AMQP_URL: backend.amqp.url },
    args: [
      '--amqp-management-url',
      backend.amqp.managementUrl!,
      '--amqp-prefix',
      backend.amqp.prefix!,
      '--node-id',
      'test-node',
    ],
  };
}

/** The store of an engine's data folder on this run's backend, opened as a test reads it. */
export async function openTestStore(dataDir: string): Promise<Store> {
  if (BACKEND === 'sqlite') return openSqliteStore(dataDir);
  return openPostgresStore({ url: (await serverBackendFor(dataDir)).databaseUrl });
}

/** The database files the engine keeps in its data folder: SQLite's; none on PostgreSQL. */
export const LOCAL_DATABASE_FILES: readonly string[] =
  BACKEND === 'sqlite' ? ['engine.sqlite', 'engine.sqlite-wal', 'engine.sqlite-shm'] : [];

/**
 * The `bus` a configuration bundle of this engine carries (contract §9): the embedded bus's
 * WebSocket URL, or on RabbitMQ the device's own user, queue and the engine's exchange.
 */
export async function expectedBundleBus(
  engine: { apiUrl: string; dataDir: string },
  deviceId: string,
): Promise<unknown> {
  if (BACKEND === 'sqlite')
    return {
      kind: 'embedded',
      url: `${engine.apiUrl.replace(/^http/, 'ws')}/device-bus`,
      exchange: null,
      queue: null,
      routingKey: null,
    };
  const { amqp } = await serverBackendFor(engine.dataDir);
  const broker = new URL(amqp.url);
  const user = `${amqp.prefix}-device-${deviceId}`;
  return {
    kind: 'amqp',
    url: expect.stringMatching(
      new RegExp(
        `^amqp://${user}:[A-Za-z0-9_-]{43}@${broker.host.replace(/\./g, '\\.')}${broker.pathname}$`,
      ),
    ),
    exchange: `${amqp.prefix}.engine`,
    queue: `${amqp.prefix}.device.${deviceId}`,
    routingKey: 'device',
  };
}
