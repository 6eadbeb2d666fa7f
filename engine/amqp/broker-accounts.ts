import { spawn } from 'node:child_process';
import type { Logger } from '../log.ts';
import { literalPattern, type AmqpNames } from './amqp-names.ts';

/**
 * Each storage device (or authenticator) on the `amqp` bus is its own broker user, allowed to
 * read its own queue and to publish to the engine's exchange and nothing else, so it cannot read
 * another device's or another profile's traffic (contract §9). The engine manages these users
 * through whichever of RabbitMQ's two administration interfaces it can reach, chosen at start
 * (chooseBrokerAccounts):
 *
 *   management-api  the HTTP API of the rabbitmq_management plugin — works from any host
 *   rabbitmqctl     the CLI on the broker's own host (it needs the broker node's Erlang cookie)
 */
export interface BrokerAccounts {
  readonly kind: 'management-api' | 'rabbitmqctl';
  /** Creates the device's user, or sets its password again, with its permissions. */
  grantDevice(deviceId: string, password: string): Promise<void>;
  /** Deletes the device's user; the broker closes its connections. Absent is fine. */
  revokeDevice(deviceId: string): Promise<void>;
}

export interface AccountsOptions {
  names: AmqpNames;
  vhost: string;
  log: Logger;
  /** http(s)://user:password@host:15672 of the management API. */
  managementUrl?: string;
  /** The CLI and the broker node it administers, with the environment it needs (HOME). */
  rabbitmqctl?: { command: string; node?: string; env?: Record<string, string> };
}

function permissionsOf(names: AmqpNames, deviceId: string) {
  return {
    configure: '^$',
    write: `^${literalPattern(names.engineExchange)}$`,
    read: `^${literalPattern(names.deviceQueue(deviceId))}$`,
  };
}

export class BrokerAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerAdminError';
  }
}

/** The management HTTP API (https://www.rabbitmq.com/management.html#http-api). */
export function managementApiAccounts(options: AccountsOptions & { managementUrl: string }) {
  const url = new URL(options.managementUrl);
  const authorization = `Basic ${Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64')}`;
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  const vhost = encodeURIComponent(options.vhost);

  async function call(method: string, path: string, body?: unknown, absentOk = false) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.ok || (absentOk && response.status === 404)) return response;
    throw new BrokerAdminError(
      `the RabbitMQ management API answered ${method} ${path} with ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
  }

  const accounts: BrokerAccounts & { check(): Promise<void> } = {
    kind: 'management-api',
    async check() {
      const who = (await (await call('GET', '/api/whoami')).json()) as { tags?: unknown };
      const tags = Array.isArray(who.tags) ? who.tags : String(who.tags ?? '').split(',');
      if (!tags.includes('administrator'))
        throw new BrokerAdminError(
          'the management API user needs the administrator tag to manage device users',
        );
    },
    async grantDevice(deviceId, password) {
      const user = encodeURIComponent(options.names.deviceUser(deviceId));
      await call('PUT', `/api/users/${user}`, { password, tags: '' });
      await call(
        'PUT',
        `/api/permissions/${vhost}/${user}`,
        permissionsOf(options.names, deviceId),
      );
    },
    async revokeDevice(deviceId) {
      const user = encodeURIComponent(options.names.deviceUser(deviceId));
      await call('DELETE', `/api/users/${user}`, undefined, true);
    },
  };
  return accounts;
}

/** rabbitmqctl's exit code for "already exists" and "does not exist". */
const CTL_EXISTS = 70;
const CTL_MISSING = 67;

/** The CLI (https://www.rabbitmq.com/rabbitmqctl.8.html); passwords go on stdin, never argv. */
export function rabbitmqctlAccounts(
  options: AccountsOptions & { rabbitmqctl: NonNullable<AccountsOptions['rabbitmqctl']> },
) {
  const { command, node, env } = options.rabbitmqctl;

  function run(args: string[], stdin?: string): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...(node ? ['-n', node] : []), ...args], {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, output }));
      child.stdin.end(stdin ?? '');
    });
  }

  async function must(args: string[], stdin?: string, allowed: number[] = []): Promise<number> {
    const { code, output } = await run(args, stdin);
    if (code !== 0 && !allowed.includes(code))
      throw new BrokerAdminError(
        `rabbitmqctl ${args[0]} failed (${code}): ${output.trim().split('\n').slice(-2).join(' ')}`,
      );
    return code;
  }

  const accounts: BrokerAccounts & { check(): Promise<void> } = {
    kind: 'rabbitmqctl',
    async check() {
      await must(['list_users', '--quiet']);
    },
    async grantDevice(deviceId, password) {
      const user = options.names.deviceUser(deviceId);
      if ((await must(['add_user', user], password, [CTL_EXISTS])) === CTL_EXISTS)
        await must(['change_password', user], password);
      const p = permissionsOf(options.names, deviceId);
      await must(['set_permissions', '-p', options.vhost, user, p.configure, p.write, p.read]);
    },
    async revokeDevice(deviceId) {
      await must(['delete_user', options.names.deviceUser(deviceId)], undefined, [CTL_MISSING]);
    },
  };
  return accounts;
}

/**
 * The management API when it answers (the given URL, else port 15672 on the broker's host with
 * the engine's broker credentials), else rabbitmqctl when it reaches the broker; an error saying
 * how to enable either otherwise.
 */
export async function chooseBrokerAccounts(
  options: AccountsOptions & { amqpUrl: string },
): Promise<BrokerAccounts> {
  const tried: string[] = [];
  const amqp = new URL(options.amqpUrl);
  const managementUrl =
    options.managementUrl ?? `http://${amqp.username}:${amqp.password}@${amqp.hostname}:15672`;
  try {
    const api = managementApiAccounts({ ...options, managementUrl });
    await api.check();
    return api;
  } catch (error) {
    tried.push(`management API at ${new URL(managementUrl).host}: ${(error as Error).message}`);
    if (options.managementUrl !== undefined && !options.rabbitmqctl) throw accountsError(tried);
  }
  const ctl = rabbitmqctlAccounts({
    ...options,
    rabbitmqctl: options.rabbitmqctl ?? { command: 'rabbitmqctl' },
  });
  try {
    await ctl.check();
    return ctl;
  } catch (error) {
    tried.push(`rabbitmqctl: ${(error as Error).message}`);
  }
  throw accountsError(tried);
}

function accountsError(tried: string[]): Error {
  return new BrokerAdminError(
    `cannot manage the broker's device users (tried ${tried.join('; ')}). Enable the management plugin (rabbitmq-plugins enable rabbitmq_management) and give --amqp-management-url, or run the engine where rabbitmqctl reaches the broker.`,
  );
}
