import { createHmac, randomInt } from 'node:crypto';
import type { BrokerAccounts } from '../amqp/broker-accounts.ts';
import type { AmqpNames } from '../amqp/amqp-names.ts';
import type { Delivery, NodeBroker } from '../amqp/node-broker.ts';
import type { ClusterLink } from '../cluster/cluster-link.ts';
import type { Logger } from '../log.ts';
import { decodeDeviceMessage, frameMessage } from './amqp-frames.ts';
import {
  CLOSE_MALFORMED,
  CLOSE_UNAUTHORIZED,
  FrameError,
  MAX_FRAME_BYTES,
  answersRequest,
  frameOverhead,
  type BallotFrame,
  type DeviceReply,
  type EngineFrame,
  type EngineRequest,
} from './bus-frames.ts';
import { BusError, type ChunkRef, type ConnectedDevice, type DeviceBus } from './device-bus.ts';
import type { VoteHandler } from './ws-device-bus.ts';

/*
 * The device bus of kind `amqp` (contract §9) on RabbitMQ, for several engine nodes. Frames are
 * bus-frames.ts's, one per AMQP message; the topology is amqp-names.ts's.
 *
 * A device runtime consumes its own queue (exclusively) and greets with a hello frame to the
 * `engine` exchange; whichever node takes the hello from the shared requests queue checks the
 * device token, welcomes the device and tells the other nodes, so every node knows it is online.
 * The broker vouches for who sent what: a device publishes with `userId` set to its broker user,
 * which RabbitMQ checks against the login, and its user may publish to the `engine` exchange and
 * read its own queue only (broker-accounts.ts). A device is offline the moment the broker reports
 * its consumer gone (rabbitmq_event_exchange), or when it is removed or its token revoked.
 *
 * Requests go to the device's queue with the asking node run's reply key; the device answers
 * there. Request ids are drawn from a per-run random base, so two nodes' ids do not meet in one
 * device. Besides frames, the engine sends two control messages (AMQP `type`): `close` (headers
 * `code`, `reason`: the embedded bus's close codes) and `greet` (a node started: greet again).
 */

export interface AmqpDeviceBusOptions {
  broker: NodeBroker;
  names: AmqpNames;
  link: ClusterLink;
  accounts: BrokerAccounts;
  log: Logger;
  /** The broker vhost, to pick our consumer events out of all of the broker's. */
  vhost: string;
  /** amqp(s)://host:port/vhost as devices reach the broker, without credentials. */
  deviceUrl: string;
  /** Derives each device's broker password (the engine's seal key: every node derives the same). */
  secret: Buffer;
  authenticate(
    deviceToken: string,
  ): Promise<{ deviceId: string; profileId: string; tokenHash?: string } | undefined>;
  /** Contract §9: a device silent for 60 s is skipped. */
  requestTimeoutMs?: number;
}

export interface AmqpBundleBus {
  kind: 'amqp';
  url: string;
  exchange: string;
  queue: string;
  routingKey: string;
}

export interface AmqpDeviceBus extends DeviceBus {
  deliverBallot(deviceId: string, ballot: Omit<BallotFrame, 'op'>): boolean;
  onVote(handler: VoteHandler): void;
  connectedDevices(): ConnectedDevice[];
  closeDevice(deviceId: string, reason?: string): void;
  closeToken(tokenHash: string): void;
  /** Grants the device its broker user and queue; the bundle's `bus`. */
  bundleBus(deviceId: string): Promise<AmqpBundleBus>;
  /** Sets up on the broker and asks running devices to greet this node; after the broker started. */
  start(): Promise<void>;
  /** The broker's deliveries for the bus. */
  handlers: {
    reply(message: Delivery): void;
    request(message: Delivery): Promise<void>;
    consumerEvent(kind: 'created' | 'deleted', headers: Record<string, unknown>): void;
    returned(correlationId: string | undefined): void;
    up(): void;
    down(): void;
  };
}

interface Presence {
  device: ConnectedDevice;
  tokenHash: string | undefined;
  flush: boolean;
  /** The broker's tag of the device's consumer: one connection of the device runtime. */
  tag: string;
  /** Items this node put deferred to this connection that no flush has covered yet. */
  unsynced: Set<string>;
}

interface Pending {
  deviceId: string;
  op: EngineRequest['op'];
  resolve(reply: { header: DeviceReply; payload: Buffer }): void;
  reject(error: BusError): void;
  timer: NodeJS.Timeout;
}

type RequestBody = {
  [Op in EngineRequest['op']]: Omit<Extract<EngineRequest, { op: Op }>, 'id'>;
}[EngineRequest['op']];

/** Consumer tags the broker reported gone, remembered so a late hello of theirs is ignored. */
const DEAD_TAGS_KEPT = 10_000;
const PASSWORD_LABEL = 'privicore-vault/amqp-device/1';

export function createAmqpDeviceBus(options: AmqpDeviceBusOptions): AmqpDeviceBus {
  const { broker, names, link, log } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const replyTo = names.replyKey(link.self);
  const presence = new Map<string, Presence>();
  const lostUnsynced = new Map<string, Set<string>>();
  const deadTags = new Set<string>();
  const pending = new Map<number, Pending>();
  const connectListeners: ((device: ConnectedDevice) => void)[] = [];
  const disconnectListeners: ((device: ConnectedDevice) => void)[] = [];
  let voteHandler: VoteHandler | undefined;
  // Ids of this run: a random base far apart from other runs', counting up.
  let nextId = randomInt(1, 2 ** 20) * 2 ** 32;
  let closed = false;

  function notify(listeners: ((device: ConnectedDevice) => void)[], device: ConnectedDevice) {
    for (const listener of listeners) {
      try {
        listener({ ...device });
      } catch (err) {
        log.error({ err, deviceId: device.deviceId }, 'device bus listener failed');
      }
    }
  }

  function attach(entry: Presence): boolean {
    if (deadTags.has(entry.tag)) return false;
    const previous = presence.get(entry.device.deviceId);
    if (previous?.tag === entry.tag) return false;
    if (previous) detach(entry.device.deviceId, 'replaced by a newer connection');
    presence.set(entry.device.deviceId, entry);
    return true;
  }

  /** Takes a device offline here: its requests fail, what it took unsynced may be lost. */
  function detach(deviceId: string, why: string, tag?: string): void {
    const entry = presence.get(deviceId);
    if (!entry || (tag !== undefined && entry.tag !== tag)) return;
    presence.delete(deviceId);
    if (entry.unsynced.size > 0) {
      const lost = lostUnsynced.get(deviceId) ?? new Set<string>();
      for (const itemId of entry.unsynced) lost.add(itemId);
      lostUnsynced.set(deviceId, lost);
    }
    for (const [id, request] of pending) {
      if (request.deviceId !== deviceId) continue;
      clearTimeout(request.timer);
      pending.delete(id);
      request.reject(new BusError('offline', `device ${deviceId} went offline (${why})`));
    }
    log.info({ deviceId, why }, 'device left the bus');
    notify(disconnectListeners, entry.device);
  }

  function rememberDead(tag: string): void {
    deadTags.add(tag);
    if (deadTags.size > DEAD_TAGS_KEPT) deadTags.delete(deadTags.values().next().value!);
  }

  /** A frame for one device's queue (amqp-frames.ts). */
  function toDevice(
    deviceId: string,
    frame: EngineFrame,
    payload?: Buffer,
    extra: Record<string, unknown> = {},
  ) {
    // Made only when the connection has room, so a chunk waiting its turn is not held twice.
    return broker.publish(names.deviceExchange, deviceId, () => frameMessage(frame, payload), {
      persistent: false,
      ...extra,
    });
  }

  function sendClose(deviceId: string, code: number, reason: string): void {
    void broker
      .publish(names.deviceExchange, deviceId, Buffer.alloc(0), {
        persistent: false,
        type: 'close',
        headers: { code, reason },
      })
      .catch((err: unknown) => log.warn({ err, deviceId }, 'could not tell a device to close'));
  }

  function online(deviceId: string): Presence {
    const entry = presence.get(deviceId);
    if (!entry) throw new BusError('offline', `device ${deviceId} is not connected`);
    return entry;
  }

  function request(
    entry: Presence,
    frame: RequestBody,
    payload?: Buffer,
  ): Promise<{ header: DeviceReply; payload: Buffer }> {
    const id = nextId++;
    const header = { ...frame, id } as EngineRequest;
    const deviceId = entry.device.deviceId;
    if (payload && frameOverhead(header) + payload.length > MAX_FRAME_BYTES) {
      return Promise.reject(
        new BusError(
          'rejected',
          `a chunk of ${payload.length} bytes does not fit a ${MAX_FRAME_BYTES}-byte bus frame`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new BusError(
            'timeout',
            `device ${deviceId} did not answer ${header.op} within ${requestTimeoutMs} ms`,
          ),
        );
      }, requestTimeoutMs);
      timer.unref();
      pending.set(id, { deviceId, op: header.op, resolve, reject, timer });
      toDevice(deviceId, header, payload, {
        replyTo,
        correlationId: String(id),
        mandatory: true,
        // A request nobody took in time is moot: the broker drops it rather than serving it late.
        expiration: String(requestTimeoutMs),
      }).then(
        (sent) => {
          if (!sent) fail(id, new BusError('offline', 'the engine is not connected to the broker'));
        },
        (err: unknown) => fail(id, new BusError('io', `publishing to ${deviceId}: ${String(err)}`)),
      );
    });
  }

  function fail(id: number, error: BusError): void {
    const request = pending.get(id);
    if (!request) return;
    clearTimeout(request.timer);
    pending.delete(id);
    request.reject(error);
  }

  /** The device a delivery came from, as the broker vouches for it. */
  function senderOf(message: Delivery): string | undefined {
    const user = message.properties.userId as string | undefined;
    return user === undefined ? undefined : names.deviceOfUser(user);
  }

  async function hello(deviceId: string, message: Delivery, token: string, flush: boolean) {
    const tag = message.properties.messageId as string | undefined;
    if (!tag) return;
    let device: Awaited<ReturnType<AmqpDeviceBusOptions['authenticate']>>;
    try {
      device = await options.authenticate(token);
    } catch (err) {
      log.error({ err, deviceId }, 'device bus authentication failed');
      return;
    }
    // The token must be this device's own: the broker user says who is greeting.
    if (!device || device.deviceId !== deviceId) {
      log.info({ deviceId }, 'device bus hello refused: device token not valid');
      sendClose(deviceId, CLOSE_UNAUTHORIZED, 'device token not valid');
      return;
    }
    const entry: Presence = {
      device: { deviceId, profileId: device.profileId },
      tokenHash: device.tokenHash,
      flush,
      tag,
      unsynced: new Set(),
    };
    if (deadTags.has(tag)) return;
    const fresh = attach(entry);
    // Also when this node knew already: the greeting may answer a node that just started.
    link.broadcast('bus.online', {
      device: entry.device,
      tokenHash: entry.tokenHash,
      flush,
      tag,
    });
    if (!fresh) return;
    await toDevice(deviceId, { op: 'welcome', deviceIdentifier: deviceId });
    log.info({ deviceId, profileId: device.profileId }, 'device joined the bus');
    notify(connectListeners, entry.device);
  }

  async function vote(deviceId: string, ref: number, ballotId: string, choice: 'yes' | 'no') {
    const entry = presence.get(deviceId);
    // Votes come from welcomed devices only, as on the embedded bus.
    if (!entry) return;
    let verdict;
    try {
      verdict = voteHandler
        ? await voteHandler({ ...entry.device }, { ballotId, vote: choice })
        : { accepted: false as const, reason: 'voting.ballot_not_found' };
    } catch (err) {
      log.error({ err, deviceId }, 'bus vote failed');
      verdict = { accepted: false as const, reason: 'server.error' };
    }
    const frame: EngineFrame = {
      op: 'voted',
      ref,
      ...(verdict.accepted ? {} : { reason: verdict.reason }),
    };
    await toDevice(deviceId, frame);
  }

  link.on('bus.online', (body) => {
    const { device, tokenHash, flush, tag } = body as {
      device: ConnectedDevice;
      tokenHash?: string;
      flush: boolean;
      tag: string;
    };
    attach({ device, tokenHash, flush, tag, unsynced: new Set() });
  });
  link.on('bus.offline', (body) => {
    const { deviceId, why } = body as { deviceId: string; why: string };
    detach(deviceId, why);
  });

  const bus: AmqpDeviceBus = {
    isOnline: (deviceId) => presence.has(deviceId),

    putChunk(deviceId, ref, envelope, putOptions) {
      let entry: Presence;
      try {
        entry = online(deviceId);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const defer = putOptions?.deferSync === true && entry.flush;
      if (defer) entry.unsynced.add(ref.itemId);
      return request(
        entry,
        { op: 'put', itemId: ref.itemId, index: ref.index, ...(defer ? { defer: true } : {}) },
        envelope,
      ).then(() => undefined);
    },

    async flushItem(deviceId, itemId) {
      const entry = online(deviceId);
      if (lostUnsynced.get(deviceId)?.delete(itemId)) {
        throw new BusError(
          'offline',
          `device ${deviceId} reconnected since it took unsynced chunks of ${itemId}`,
        );
      }
      if (!entry.flush) return;
      await request(entry, { op: 'flush', itemId });
      entry.unsynced.delete(itemId);
    },

    async getChunk(deviceId: string, ref: ChunkRef) {
      const reply = await request(online(deviceId), {
        op: 'get',
        itemId: ref.itemId,
        index: ref.index,
      });
      return reply.header.op === 'data' ? reply.payload : undefined;
    },

    async deleteItem(deviceId, itemId) {
      const entry = online(deviceId);
      await request(entry, { op: 'delete', itemId });
      entry.unsynced.delete(itemId);
      lostUnsynced.get(deviceId)?.delete(itemId);
    },

    async listItems(deviceId) {
      const reply = await request(online(deviceId), { op: 'list' });
      return reply.header.op === 'items' ? reply.header.itemIds : [];
    },

    onConnect(listener) {
      connectListeners.push(listener);
    },
    onDisconnect(listener) {
      disconnectListeners.push(listener);
    },
    onVote(handler) {
      voteHandler = handler;
    },

    deliverBallot(deviceId, ballot) {
      if (!presence.has(deviceId)) return false;
      void toDevice(deviceId, { op: 'ballot', ...ballot }).catch((err: unknown) =>
        log.error({ err, deviceId }, 'ballot send failed'),
      );
      return true;
    },

    connectedDevices: () => [...presence.values()].map((entry) => ({ ...entry.device })),

    closeDevice(deviceId, reason = 'device removed or its token revoked') {
      detach(deviceId, reason);
      link.broadcast('bus.offline', { deviceId, why: reason });
      sendClose(deviceId, CLOSE_UNAUTHORIZED, reason);
      // A removed device keeps no way in: its user goes (the broker closes its connections) and
      // so does its queue, with whatever still waited there.
      void options.accounts
        .revokeDevice(deviceId)
        .then(() => broker.deleteDevice(deviceId))
        .catch((err: unknown) =>
          log.error({ err, deviceId }, 'could not remove the device from the broker'),
        );
    },

    closeToken(tokenHash) {
      for (const entry of [...presence.values()]) {
        if (entry.tokenHash !== tokenHash) continue;
        const { deviceId } = entry.device;
        detach(deviceId, 'device token revoked');
        link.broadcast('bus.offline', { deviceId, why: 'device token revoked' });
        sendClose(deviceId, CLOSE_UNAUTHORIZED, 'device token revoked');
      }
    },

    async bundleBus(deviceId) {
      const user = names.deviceUser(deviceId);
      const password = createHmac('sha256', options.secret)
        .update(`${PASSWORD_LABEL}\0${deviceId}`)
        .digest('base64url');
      await options.accounts.grantDevice(deviceId, password);
      await broker.declareDevice(deviceId);
      const url = new URL(options.deviceUrl);
      url.username = encodeURIComponent(user);
      url.password = password;
      return {
        kind: 'amqp',
        url: url.toString(),
        exchange: names.engineExchange,
        queue: names.deviceQueue(deviceId),
        routingKey: names.deviceRoutingKey,
      };
    },

    async start() {
      await greet();
    },

    handlers: {
      reply(message) {
        const deviceId = senderOf(message);
        if (!deviceId) return;
        let decoded;
        try {
          decoded = decodeDeviceMessage(message.content, message.properties.headers);
        } catch (error) {
          log.warn({ deviceId, err: error }, 'malformed device bus reply');
          sendClose(deviceId, CLOSE_MALFORMED, (error as Error).message);
          return;
        }
        const { header, payload } = decoded;
        if (!('id' in header)) return;
        const request = pending.get(header.id);
        // Late (timed out), or not ours to answer: a device answers only what it was asked.
        if (!request || request.deviceId !== deviceId) {
          log.debug({ deviceId, id: header.id, op: header.op }, 'unmatched device bus reply');
          return;
        }
        pending.delete(header.id);
        clearTimeout(request.timer);
        if (header.op === 'error') {
          request.reject(
            new BusError('io', `device ${deviceId} failed ${request.op}: ${header.message}`),
          );
          return;
        }
        if (!answersRequest(request.op, header.op as DeviceReply['op'])) {
          request.reject(
            new BusError('io', `device ${deviceId} answered ${request.op} with ${header.op}`),
          );
          sendClose(deviceId, CLOSE_MALFORMED, `${header.op} does not answer ${request.op}`);
          detach(deviceId, 'protocol violation');
          link.broadcast('bus.offline', { deviceId, why: 'protocol violation' });
          return;
        }
        request.resolve({ header: header as DeviceReply, payload });
      },

      async request(message) {
        if (closed) return;
        const deviceId = senderOf(message);
        if (!deviceId) return;
        let header;
        try {
          ({ header } = decodeDeviceMessage(message.content, message.properties.headers));
        } catch (error) {
          if (!(error instanceof FrameError)) throw error;
          log.warn({ deviceId, err: error }, 'malformed device bus frame');
          sendClose(deviceId, CLOSE_MALFORMED, error.message);
          return;
        }
        if (header.op === 'hello')
          await hello(deviceId, message, header.deviceToken, header.flush === true);
        else if (header.op === 'vote')
          await vote(deviceId, header.ref, header.ballotId, header.vote);
        else log.debug({ deviceId, op: header.op }, 'device frame ignored on the requests queue');
      },

      consumerEvent(kind, headers) {
        if (kind !== 'deleted' || headers.vhost !== options.vhost) return;
        const deviceId = names.deviceOfQueue(String(headers.queue ?? ''));
        const tag = headers.consumer_tag;
        if (!deviceId || typeof tag !== 'string') return;
        rememberDead(tag);
        detach(deviceId, 'its broker connection closed', tag);
      },

      returned(correlationId) {
        const id = Number(correlationId);
        const request = pending.get(id);
        if (request)
          fail(
            id,
            new BusError('offline', `device ${request.deviceId} has no queue on the broker`),
          );
      },

      up() {
        void greet().catch((err: unknown) => log.error({ err }, 'could not greet the devices'));
      },

      down() {
        for (const deviceId of [...presence.keys()]) detach(deviceId, 'the engine lost the broker');
      },
    },

    async close() {
      closed = true;
      for (const deviceId of [...presence.keys()]) detach(deviceId, 'engine shutting down');
    },
  };

  /** Asks every device runtime to greet again: a node that (re)connects learns who is online. */
  async function greet(): Promise<void> {
    await broker.publish(names.broadcastExchange, '', Buffer.alloc(0), {
      type: 'greet',
      persistent: false,
      expiration: String(requestTimeoutMs),
    });
  }

  return bus;
}
