import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { acquireLock, inUse } from './lock-file.ts';
import type { AccountsOptions } from './amqp/broker-accounts.ts';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Server as SecureServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import { verifySlotProof } from './bus/slot-proof.ts';
import { createWsDeviceBus } from './bus/ws-device-bus.ts';
import { ClusterHub } from './channel/cluster-hub.ts';
import { SocketHub } from './channel/socket-hub.ts';
import { soloLink } from './cluster/cluster-link.ts';
import { NodeRun } from './cluster/node-run.ts';
import { createWsChannel } from './channel/ws-channel.ts';
import { systemClock, type Clock } from './clock.ts';
import { CommandRunner, type CommandSpec } from './commands/command-runner.ts';
import type { EngineBus, EngineContext } from './context.ts';
import { loadEngineSecrets, type EngineSecrets } from './crypto/engine-secrets.ts';
import { ATTEMPT_RETENTION_MS } from './domain/attempt-limits.ts';
import { resolveCaller } from './domain/authorization.ts';
import { dataTokenCommands, discardExpiredReservations } from './domain/data-token.ts';
import { recoverInterruptedUploads, transferCommands } from './domain/data-transfer.ts';
import { createCommandGate } from './domain/command-gate.ts';
import { authenticateDevice, deviceCommands } from './domain/device.ts';
import { directoryCommands } from './domain/directory.ts';
import { oauthCommands } from './domain/oauth.ts';
import { policyCommands } from './domain/policy.ts';
import { authenticatorCommands } from './domain/verified-authenticator.ts';
import { castVoteOverBus, votingCommands } from './domain/voting.ts';
import { votingConfigurationCommands } from './domain/voting-configuration.ts';
import { sendOpenBallots, sendOpenBallotsOverBus, votingDeadlines } from './domain/voting-pool.ts';
import { changePasswordCommand, registerProfileCommand } from './domain/profile.ts';
import { registerPublicKeyCommand } from './domain/public-key.ts';
import { deviceConnected, deviceDisconnected, storageCommands } from './domain/storage.ts';
import { buildApp } from './http/app.ts';
import { endWithError, upgradeProblem } from './http/raw-error-response.ts';
import { mayReach, notAllowedMessage } from './http/token-access.ts';
import { createLogger, type Logger } from './log.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { loadEngineTls, type EngineTls, type TlsSetting } from './tls/engine-tls.ts';
import { createTransferServices } from './transfer/transfer-services.ts';

export interface EngineOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The public API URL handed out in links, when it differs from the listening address. */
  publicUrl?: string;
  /**
   * The host name or address handed out in links, with the port the engine listens on (an
   * engine on 0.0.0.0 handing out this computer's LAN address). publicUrl wins over it.
   */
  publicHost?: string;
  /**
   * The address of a reverse proxy in front (e.g. 127.0.0.1): requests from it name the client
   * in X-Forwarded-For, which the per-address limits then count. Absent: the peer's address.
   */
  trustProxy?: string;
  /**
   * Serve https and wss on the one origin: with the data folder's self-signed certificate
   * (tls/self-signed.ts) or with certificate and key files. Absent: plain http.
   */
  tls?: TlsSetting;
  /** Channel and device-bus ping interval (contract: 30 s); tests shorten it. */
  pingIntervalMs?: number;
  /** Contract §9: a storage device silent this long is skipped (60 s). */
  deviceTimeoutMs?: number;
  /** Contract §9: how long request-data waits for a holder to come online (60 s). */
  holderWaitMs?: number;
  /** The engine's clock; tests move it forward to expire reservations. */
  now?: () => number;
  /**
   * The clock voting deadlines are armed on (contract §10); tests pass one they advance by
   * hand. Its `now` wins over the `now` option.
   */
  clock?: Clock;
  log?: Logger;
  /**
   * postgres://… to keep state in PostgreSQL, shared by several engine nodes (DESIGN "Scale");
   * default: SQLite in the data folder.
   */
  databaseUrl?: string;
  /** The device bus and the nodes' fan-out on RabbitMQ (contract §9 bus kind `amqp`). */
  amqp?: AmqpOptions;
  /** This node's name in logs and in the database; default: host name and process id. */
  nodeId?: string;
  /** Node heartbeat interval (default 2 s) and how long a silent node counts as alive (10 s). */
  nodeHeartbeatMs?: number;
  nodeLeaseMs?: number;
}

export interface AmqpOptions {
  /** amqp(s)://user:password@host:port/vhost of a broker user allowed to manage users. */
  url: string;
  /** The management API (default: port 15672 on the broker host, same credentials). */
  managementUrl?: string;
  /** rabbitmqctl to manage device users with when the management API does not answer. */
  rabbitmqctl?: AccountsOptions['rabbitmqctl'];
  /** amqp(s)://host:port/vhost as devices reach the broker; default: `url` without credentials. */
  deviceUrl?: string;
  /** Prefix of the engine's exchanges, queues and users on the broker; default `privicore`. */
  prefix?: string;
}

export interface RunningEngine {
  apiUrl: string;
  wsUrl: string;
  /** Where it listens; differs from apiUrl only behind a publicUrl (a proxy in front). */
  listenUrl: string;
  /** With TLS: the pin of the certificate served (`sha256:…`), which clients check. */
  tlsPin: string | undefined;
  ctx: EngineContext;
  /**
   * Calls the engine's own HTTP API in-process (fastify's inject): the same routes, checks and
   * answers as over the network, without a socket or TLS. engine/host.ts provisions through it.
   */
  inject: FastifyInstance['inject'];
  /**
   * Connects a storage device on the embedded engine's device thread to the bus over a
   * MessagePort instead of the loopback WebSocket (port-socket.ts). False when this engine's
   * devices use RabbitMQ, or the bus is closing: the port is closed and the device keeps its URL.
   */
  connectDevicePort(port: MessagePort): boolean;
  close(): Promise<void>;
}

/** Every command kind a restarted engine may find at status 1. */
export function commandSpecs(ctx: EngineContext): CommandSpec<never, never>[] {
  return [
    registerProfileCommand,
    changePasswordCommand(ctx),
    registerPublicKeyCommand,
    ...Object.values(deviceCommands(ctx)),
    ...Object.values(storageCommands(ctx)),
    ...Object.values(dataTokenCommands(ctx)),
    ...Object.values(transferCommands(ctx)),
    ...Object.values(directoryCommands(ctx)),
    ...Object.values(oauthCommands(ctx)),
    ...Object.values(authenticatorCommands(ctx)),
    ...Object.values(votingConfigurationCommands(ctx)),
    ...Object.values(policyCommands(ctx)),
    ...Object.values(votingCommands(ctx)),
  ] as unknown as CommandSpec<never, never>[];
}

const COMMAND_RETENTION_MS = 48 * 3600_000;
/** How often the certificate is looked at again: renewed (self-signed) or reloaded (files). */
const TLS_CHECK_MS = 3600_000;
const DEAD_TOKEN_RETENTION_MS = 24 * 3600_000;
const MAINTENANCE_MS = 60_000;

/** Forgets what can never matter again, and gives back expired reservations. */
async function maintain(ctx: EngineContext): Promise<void> {
  const { store, log } = ctx;
  const at = ctx.now();
  const steps: [string, () => Promise<unknown>][] = [
    ['commands', () => store.commands.pruneCompletedBefore(at - COMMAND_RETENTION_MS)],
    ['attempts', () => store.authFailures.pruneBefore(at - ATTEMPT_RETENTION_MS)],
    // A dead token row only answers "invalid", as an unknown one would; a day's grace keeps logs readable.
    ['tokens', () => store.tokens.pruneDeadBefore(at - DEAD_TOKEN_RETENTION_MS)],
    // A rotated refresh token is kept until it would have expired, to notice its reuse.
    ['refresh-tokens', () => store.oauthRefreshTokens.pruneExpiredBefore(at)],
    ['reservations', () => discardExpiredReservations(ctx)],
  ];
  for (const [what, step] of steps)
    await step().catch((err: unknown) => log.warn({ err, what }, 'maintenance step failed'));
}

/**
 * Every node of one engine must hold the same engine-secrets.json (the seal key wraps what the
 * others stored): the first node records a fingerprint of it, and a node with other secrets
 * refuses to start rather than write data the others cannot read.
 */
async function checkSecretsMatch(store: Store, secrets: EngineSecrets): Promise<void> {
  const fingerprint = createHmac('sha256', secrets.sealKey)
    .update(`privicore-vault/secrets-fingerprint/1\0${secrets.signedKey.public}`)
    .digest('hex');
  const recorded = await store.settings.setIfAbsent('engine-secrets-fingerprint', fingerprint);
  if (recorded !== fingerprint)
    throw new Error(
      "this node's engine-secrets.json differs from the one the database was started with; copy engine-secrets.json from a running node into this node's data folder",
    );
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates; one that existed keeps whatever it had.
  chmodSync(options.dataDir, 0o700);
  const releaseLock = acquireLock(join(options.dataDir, 'engine.lock'), (owner) =>
    inUse(options.dataDir, owner),
  );
  try {
    return await runEngine(options, releaseLock);
  } catch (error) {
    releaseLock();
    throw error;
  }
}

async function runEngine(options: EngineOptions, releaseLock: () => void): Promise<RunningEngine> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock(options.now);
  const now = () => clock.now();
  const secrets = loadEngineSecrets(options.dataDir);
  const { store, kind } = await openStore({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    log,
  });
  const cleanup: (() => Promise<void>)[] = [() => store.close()];
  try {
    return await runEngineOn(options, releaseLock, {
      log,
      clock,
      now,
      secrets,
      store,
      kind,
      cleanup,
    });
  } catch (error) {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
    throw error;
  }
}

async function runEngineOn(
  options: EngineOptions,
  releaseLock: () => void,
  base: {
    log: Logger;
    clock: Clock;
    now: () => number;
    secrets: EngineSecrets;
    store: Store;
    kind: 'sqlite' | 'postgres';
    cleanup: (() => Promise<void>)[];
  },
): Promise<RunningEngine> {
  const { clock, now, secrets, store, cleanup } = base;
  const host = options.host ?? '127.0.0.1';
  let tls: EngineTls | undefined = options.tls
    ? await loadEngineTls(options.tls, options.dataDir, now())
    : undefined;
  await checkSecretsMatch(store, secrets);
  const node = new NodeRun({
    store,
    log: base.log,
    now,
    nodeId: options.nodeId ?? `${hostname()}-${process.pid}`,
    exclusiveDatabase: base.kind === 'sqlite',
    heartbeatMs: options.nodeHeartbeatMs,
    leaseMs: options.nodeLeaseMs,
  });
  const log = base.log.child({ node: node.nodeId });
  await node.start();
  cleanup.push(() => node.stop());
  const urls: { apiUrl: string; wsUrl: string; tlsPin?: string } = { apiUrl: '', wsUrl: '' };
  const authenticate = async (deviceToken: string) => {
    const caller = await authenticateDevice(store, deviceToken, now());
    if (!caller?.device || !mayReach(caller, 'device-bus.connect')) return undefined;
    return {
      deviceId: caller.device.id,
      profileId: caller.profile.id,
      tokenHash: caller.token.hash,
    };
  };
  const local = new SocketHub(now);
  let hub: SocketHub | ClusterHub = local;
  let wsBus: ReturnType<typeof createWsDeviceBus> | undefined;
  let bus: EngineBus & {
    onVote: ReturnType<typeof createWsDeviceBus>['onVote'];
    close(): Promise<void>;
  };
  let link = soloLink(node.incarnation);
  let started: (() => Promise<void>) | undefined;
  if (options.amqp) {
    // RabbitMQ's client and the amqp bus load only for a node that uses them: a single engine
    // (and the CLI's embedded one) starts and idles without them.
    const [
      { amqpClusterLink },
      { amqpNames },
      { chooseBrokerAccounts },
      { NodeBroker },
      { createAmqpDeviceBus },
    ] = await Promise.all([
      import('./amqp/amqp-cluster-link.ts'),
      import('./amqp/amqp-names.ts'),
      import('./amqp/broker-accounts.ts'),
      import('./amqp/node-broker.ts'),
      import('./bus/amqp-device-bus.ts'),
    ]);
    const amqpUrl = new URL(options.amqp.url);
    const names = amqpNames(options.amqp.prefix);
    const vhost = decodeURIComponent(amqpUrl.pathname.slice(1)) || '/';
    const broker = new NodeBroker({
      url: options.amqp.url,
      names,
      incarnation: node.incarnation,
      log,
    });
    const clusterLink = amqpClusterLink(broker, names, node.incarnation, log);
    link = clusterLink;
    const accounts = await chooseBrokerAccounts({
      names,
      vhost,
      log,
      amqpUrl: options.amqp.url,
      managementUrl: options.amqp.managementUrl,
      rabbitmqctl: options.amqp.rabbitmqctl,
    });
    log.info({ via: accounts.kind }, 'managing device users on the broker');
    const deviceUrl = new URL(options.amqp.deviceUrl ?? options.amqp.url);
    deviceUrl.username = '';
    deviceUrl.password = '';
    const amqpBus = createAmqpDeviceBus({
      broker,
      names,
      link,
      accounts,
      log,
      vhost,
      deviceUrl: deviceUrl.toString(),
      secret: secrets.sealKey,
      authenticate,
      requestTimeoutMs: options.deviceTimeoutMs,
    });
    const clusterHub = new ClusterHub(local, link);
    hub = clusterHub;
    bus = amqpBus;
    await broker.start({
      reply: amqpBus.handlers.reply,
      request: amqpBus.handlers.request,
      cluster: clusterLink.deliver,
      consumerEvent: amqpBus.handlers.consumerEvent,
      returned: (message) => amqpBus.handlers.returned(message.properties.correlationId as string),
      up: amqpBus.handlers.up,
      down: amqpBus.handlers.down,
    });
    cleanup.push(() => broker.close());
    node.onSweep('sockets', async () =>
      clusterHub.keepNodes(new Set((await store.nodes.live()).map((run) => run.incarnation))),
    );
    started = async () => {
      clusterHub.start();
      await amqpBus.start();
    };
    // Closing the broker connection comes after the bus (in close()).
    cleanup.pop();
    const closeBus = amqpBus.close;
    amqpBus.close = async () => {
      await closeBus();
      await broker.close();
    };
  } else {
    wsBus = createWsDeviceBus({
      log,
      authenticate,
      slotProof: {
        enginePublicKey: secrets.signedKey.public,
        async verify(deviceId, nonce, proof) {
          const device = await store.devices.byId(deviceId);
          return (
            device !== undefined &&
            verifySlotProof(secrets.signedKey.private, device.publicKey, deviceId, nonce, proof)
          );
        },
      },
      requestTimeoutMs: options.deviceTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
    });
    bus = Object.assign(wsBus, {
      bundleBus: async () => ({
        kind: 'embedded' as const,
        url: `${urls.apiUrl.replace(/^http/, 'ws')}/device-bus`,
        exchange: null,
        queue: null,
        routingKey: null,
      }),
    });
  }
  const commands = new CommandRunner(store, hub, log, now, node.incarnation);
  const transfer = createTransferServices({
    store,
    bus,
    sealKey: secrets.sealKey,
    log,
    now,
    holderWaitMs: options.holderWaitMs,
    exclusive: (name, work) => node.exclusive(name, work),
  });
  const ctx: EngineContext = {
    store,
    hub,
    commands,
    secrets,
    log,
    urls,
    now,
    clock,
    bus,
    transfer,
    node,
  };
  commands.setGate(createCommandGate(ctx));
  bus.onVote((device, { ballotId, vote }) => castVoteOverBus(ctx, device, ballotId, vote));
  bus.onConnect((device) => {
    void deviceConnected(ctx, device).catch((err: unknown) =>
      log.error({ err }, 'device connect handling failed'),
    );
    // Contract §2: an authenticator in the device runtime gets its open ballots on connect.
    void sendOpenBallotsOverBus(ctx, device.deviceId).catch((err: unknown) =>
      log.error({ err }, 'sending open ballots failed'),
    );
  });
  bus.onDisconnect(
    (device) =>
      void deviceDisconnected(ctx, device).catch((err: unknown) =>
        log.warn({ err }, 'device disconnect handling failed'),
      ),
  );
  const app = buildApp(ctx, {
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });
  const channel = createWsChannel({
    hub,
    log,
    pingIntervalMs: options.pingIntervalMs,
    onJoined: async (socket) => {
      if (!socket.deviceId) return;
      await store.devices.seen(socket.deviceId, now());
      await sendOpenBallots(ctx, socket);
    },
    onLeft: (socket) => {
      if (!socket.deviceId) return;
      void store.devices
        .seen(socket.deviceId, now())
        .catch((err: unknown) => log.warn({ err }, 'recording a device leave failed'));
    },
    resolveToken: async (token) => {
      try {
        const caller = await resolveCaller(store, token, now());
        if (!mayReach(caller, 'websocket.join-channel')) {
          return {
            refused: {
              status: 403,
              reason: 'auth.token_kind_not_allowed',
              message: notAllowedMessage(caller, 'The channel'),
            },
          };
        }
        return {
          tokenHash: caller.token.hash,
          profileId: caller.profile.id,
          deviceId: caller.token.deviceId,
          grantId: caller.oauth?.grantId ?? null,
          expiresAt: caller.token.expiresAt,
        };
      } catch {
        return undefined;
      }
    },
  });

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0]!.replace(/\/+$/, '');
    const problem = upgradeProblem(request.headers);
    if (problem && (path === '/ws' || path === '/device-bus')) {
      endWithError(socket, { status: 400, reason: 'request.malformed', message: problem });
      return;
    }
    if (path === '/ws') {
      channel.handleUpgrade(request, socket, head, (ws) => channel.emit('connection', ws, request));
      return;
    }
    // On RabbitMQ (amqp) devices reach the broker, not the engine: there is no bus endpoint.
    if (path === '/device-bus' && wsBus) {
      wsBus.handleUpgrade(request, socket, head);
      return;
    }
    endWithError(socket, {
      status: 404,
      reason: 'route.not_found',
      message: `No WebSocket endpoint at ${path || '/'}.`,
    });
  });

  await app.listen({ host, port: options.port ?? 9009 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const forUrl = (name: string) => (name.includes(':') ? `[${name}]` : name);
  const hostForUrl = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const scheme = tls ? 'https' : 'http';
  const listenUrl = `${scheme}://${forUrl(hostForUrl)}:${port}`;
  const advertised = options.publicHost
    ? `${scheme}://${forUrl(options.publicHost)}:${port}`
    : listenUrl;
  urls.apiUrl = (options.publicUrl ?? advertised).replace(/\/+$/, '');
  urls.wsUrl = `${urls.apiUrl.replace(/^http/, 'ws')}/ws`;
  if (tls?.kind === 'self-signed') urls.tlsPin = tls.pin;

  commands.register(commandSpecs(ctx));
  // What ended runs left (this process before a restart, or a node that died) is taken over
  // now and after every heartbeat: started commands, interrupted uploads, and voting deadlines
  // (which every node arms, and the store lets apply once).
  node.onSweep('commands', () => commands.resume());
  node.onSweep('uploads', () => recoverInterruptedUploads(ctx));
  node.onSweep('deadlines', () => votingDeadlines(ctx).start());
  await node.beat();
  await started?.();

  // Pruning is one node's job per period: whichever takes the turn.
  const maintenance = setInterval(() => {
    void node
      .takeTurn('maintenance', MAINTENANCE_MS)
      .then((mine) => {
        if (mine) return maintain(ctx);
      })
      .catch((err: unknown) => log.warn({ err }, 'maintenance failed'));
  }, MAINTENANCE_MS);
  maintenance.unref();

  // A self-signed certificate near its end is renewed (same key, same pin); certificate files
  // replaced on disk (a Let's Encrypt renewal) are taken up, without a restart either way.
  const checkTls = async (): Promise<void> => {
    if (!options.tls || !tls) return;
    try {
      const next = await loadEngineTls(options.tls, options.dataDir, now());
      if (next.cert === tls.cert && next.key === tls.key) return;
      (app.server as unknown as SecureServer).setSecureContext({ key: next.key, cert: next.cert });
      if (next.pin !== tls.pin)
        log.warn(
          { tlsPin: next.pin, previousTlsPin: tls.pin },
          'the TLS certificate has a new key: clients that pinned the old one will refuse it',
        );
      else log.info({ notAfter: next.notAfter.toISOString() }, 'TLS certificate renewed');
      tls = next;
    } catch (err) {
      log.error({ err }, 'the TLS certificate could not be renewed or reloaded');
    }
  };
  const tlsCheck = setInterval(() => void checkTls(), TLS_CHECK_MS);
  tlsCheck.unref();

  let closing: Promise<void> | undefined;
  return {
    apiUrl: urls.apiUrl,
    wsUrl: urls.wsUrl,
    listenUrl,
    tlsPin: tls?.pin,
    ctx,
    inject: app.inject.bind(app),
    connectDevicePort(port) {
      if (wsBus) return wsBus.acceptPort(port);
      port.close();
      return false;
    },
    close() {
      closing ??= (async () => {
        clearInterval(maintenance);
        clearInterval(tlsCheck);
        await votingDeadlines(ctx).close();
        for (const client of channel.clients) client.close(1001, 'engine shutting down');
        // Devices first: transfers waiting on them fail fast instead of holding up the rest.
        await bus.close();
        await app.close();
        channel.close();
        await commands.drain();
        await transfer.sync.drain();
        // Leaving last: what this run still owned goes to the other nodes at once.
        await node.stop();
        await store.close();
        releaseLock();
      })();
      return closing;
    },
  };
}
