// Several engine nodes on one PostgreSQL and one RabbitMQ (issue 14): any node takes any
// request, a socket on one node hears what another accepted, bytes uploaded through one node
// come back identical through another, a node killed mid-stream loses no accepted command, a
// vote opened on one node is decided through another and its deadline applies once, and a
// device's broker credentials reach its own queue only. Runs in the `postgres` project only
// (scripts/with-backends.sh).
import amqp from 'amqplib';
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmqpBus } from '../../engine/devices/device-bundle.ts';
import { newServerBackend, useServerBackend, type ServerBackend } from '../support/backend.ts';
import { TestChannel } from '../support/channel.ts';
import { finalize, requestDownload, reserve } from '../support/data-tokens.ts';
import { spawnEngine, startTestEngine, tempDir, type EngineProcess } from '../support/engine.ts';
import {
  activePolicy,
  addAuthenticator,
  ballotFor,
  castVote,
  heldPools,
  joinedChannel,
  type TestAuthenticator,
} from '../support/governance.ts';
import { wire, type Wire } from '../support/http.ts';
import { ManualClock } from '../support/manual-clock.ts';
import {
  PASSWORD,
  awaitStatus,
  commandId,
  createProfile,
  uniqueName,
  type TestProfile,
} from '../support/profiles.ts';
import {
  addStorageDevice,
  awaitStorage,
  requestDevice,
  StorageDeviceProcess,
} from '../support/storage-devices.ts';
import {
  decryptStream,
  encryptStream,
  generatedBytes,
  hashing,
  postStream,
} from '../support/stream-crypto.ts';

type InProcessEngine = Awaited<ReturnType<typeof startTestEngine>>;

/** One engine as `count` nodes on fresh servers; every node holds the first one's secrets. */
async function startNodes(
  count: number,
  options: { clock?: ManualClock; backend?: ServerBackend; secretsFrom?: string } = {},
): Promise<{ nodes: InProcessEngine[]; backend: ServerBackend; dataDirs: string[] }> {
  const backend = options.backend ?? (await newServerBackend());
  const nodes: InProcessEngine[] = [];
  const dataDirs: string[] = [];
  for (let index = 0; index < count; index++) {
    const dataDir = tempDir();
    const secretsFrom = options.secretsFrom ?? dataDirs[0];
    if (secretsFrom)
      copyFileSync(join(secretsFrom, 'engine-secrets.json'), join(dataDir, 'engine-secrets.json'));
    dataDirs.push(dataDir);
    nodes.push(
      await startTestEngine({
        dataDir,
        databaseUrl: backend.databaseUrl,
        amqp: backend.amqp,
        nodeId: `node${index + 1}`,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    );
  }
  return { nodes, backend, dataDirs };
}

describe('three nodes, three storage devices on the amqp bus', () => {
  let nodes: InProcessEngine[] = [];
  let dataDirs: string[] = [];
  let apis: Wire[];
  let profile: TestProfile;
  const devices: StorageDeviceProcess[] = [];
  const bundles: { deviceId: string; bus: AmqpBus }[] = [];

  beforeAll(async () => {
    ({ nodes, dataDirs } = await startNodes(3));
    apis = nodes.map((node) => wire(node.apiUrl));
    profile = await createProfile(apis[0]!);
    // Each device is added through another node, and each lands on the broker.
    for (const [index, api] of apis.entries()) {
      const { deviceId, bundle } = await addStorageDevice(api, profile.token, `NAS ${index + 1}`);
      expect(bundle.bus.kind).toBe('amqp');
      bundles.push({ deviceId, bus: bundle.bus as AmqpBus });
      devices.push(await StorageDeviceProcess.spawn(bundle));
    }
    for (const api of apis)
      for (const { deviceId } of bundles)
        await awaitStorage(api, profile.token, deviceId, (d) => d.online);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(devices.map((device) => device.kill()));
    for (const node of nodes) await node.close();
    await Promise.all(
      [...dataDirs, ...devices.map((device) => device.dir)].map((dir) =>
        rm(dir, { recursive: true, force: true }),
      ),
    );
  });

  it('a client joined on node 2 gets the acks of the commands it sends to node 1', async () => {
    const channel = await TestChannel.open(nodes[1]!.wsUrl);
    try {
      expect((await channel.join(profile.token)).status).toBe(200);
      const sent: string[] = [];
      for (let index = 0; index < 5; index++) {
        const response = await apis[0]!.post(
          '/device/request-unique-identifier',
          { deviceName: `Tablet ${index}` },
          profile.token,
        );
        expect(response.status).toBe(202);
        sent.push(commandId(response));
      }
      for (const id of sent) {
        const outcome = await channel.commandOutcome(id, 30_000);
        expect(outcome.data).toMatchObject({ id, command_status: 2 });
      }
      // Each exactly once, though three nodes share the channel traffic.
      for (const id of sent)
        expect(
          channel.frames.filter((f) => f.data?.id === id && f.data.command_status === 2),
        ).toHaveLength(1);
    } finally {
      channel.close();
    }
  });

  it('a 100 MiB upload through node 1 is downloaded byte-identical through node 3', async () => {
    const size = 100 * 1024 * 1024;
    const key = randomBytes(32);
    const plain = hashing(generatedBytes(size));
    const cipher = hashing(encryptStream(key, plain.stream));
    const reservation = await reserve(apis[0]!, profile.token, { ttl: '60' });
    expect(new URL(reservation.stream).origin).toBe(new URL(nodes[0]!.apiUrl).origin);
    const upload = await postStream(reservation.stream, cipher.stream);
    expect(upload.status).toBe(202);
    expect(await awaitStatus(apis[0]!, upload.headers['x-dpt-cab-id'] as string, 300_000)).toBe(
      'succeeded',
    );
    const dataToken = await finalize(apis[0]!, profile.token, reservation.token, {
      fileName: 'big',
      size: String(size),
    });

    const channel = await TestChannel.open(nodes[2]!.wsUrl);
    try {
      await channel.join(profile.token);
      const url = await requestDownload(apis[2]!, channel, profile.token, dataToken);
      expect(new URL(url).origin).toBe(new URL(nodes[2]!.apiUrl).origin);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${cipher.digest()}"`);
      const body = (async function* () {
        for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>)
          yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      })();
      expect(await decryptStream(key, body)).toEqual({ sha256: plain.digest(), size });
    } finally {
      channel.close();
    }
  }, 600_000);

  it("a device's broker credentials cannot consume another device's queue", async () => {
    const [mine, other] = bundles as [(typeof bundles)[0], (typeof bundles)[0]];
    const connection = await amqp.connect(mine.bus.url);
    try {
      // The credentials are real: the device's own queue is there for them...
      const own = await connection.createChannel();
      expect((await own.checkQueue(mine.bus.queue)).queue).toBe(mine.bus.queue);
      await own.close();
      // ...and another device's queue is refused by the broker, for reading and for consuming.
      for (const attempt of [
        (channel: amqp.Channel) => channel.consume(other.bus.queue, () => undefined),
        (channel: amqp.Channel) => channel.get(other.bus.queue),
        (channel: amqp.Channel) => channel.purgeQueue(other.bus.queue),
      ]) {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await expect(attempt(channel)).rejects.toThrow(/ACCESS_REFUSED|403/);
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
    // And the credentials are the device's alone: another device's password is not this one's.
    const forged = new URL(other.bus.url);
    forged.password = new URL(mine.bus.url).password;
    await expect(amqp.connect(forged.toString())).rejects.toThrow(/ACCESS_REFUSED|403/);
  });
});

describe('a vote across nodes', () => {
  const clock = new ManualClock();
  let nodes: InProcessEngine[] = [];
  let dataDirs: string[] = [];
  let apis: Wire[];
  let owner: TestProfile;
  let phone: TestAuthenticator;
  let laptop: TestAuthenticator;

  beforeAll(async () => {
    ({ nodes, dataDirs } = await startNodes(3, { clock }));
    apis = nodes.map((node) => wire(node.apiUrl));
    owner = await createProfile(apis[0]!);
    phone = await addAuthenticator(apis[0]!, owner.token, 'Phone');
    laptop = await addAuthenticator(apis[1]!, owner.token, 'Laptop');
    await activePolicy(apis[0]!, owner.token, {
      policyTemplateId: 'device-governance',
      applyingEventIds: ['device.approval_requested'],
    });
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes) await node.close();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const finals = (channel: TestChannel, id: string) =>
    channel.frames.filter(
      (f) => f.data?.type === 'X-DPT-CAB-ID' && f.data.id === id && f.data.command_status !== 1,
    );

  it('opened through node 1, decided by ballots cast through node 3', async () => {
    const profileChannel = await joinedChannel(nodes[1]!.wsUrl, owner.token);
    const phoneChannel = await joinedChannel(nodes[2]!.wsUrl, phone.deviceToken);
    const laptopChannel = await joinedChannel(nodes[2]!.wsUrl, laptop.deviceToken);
    try {
      const pending = await requestDevice(apis[0]!, owner.token, 'Tablet');
      const approve = await apis[0]!.post(
        '/device/approve-device',
        { deviceIdentifier: pending },
        owner.token,
      );
      const id = commandId(approve);
      const [pool] = await heldPools(profileChannel, id);
      for (const [device, channel] of [
        [phone, phoneChannel],
        [laptop, laptopChannel],
      ] as const) {
        const ballot = await ballotFor(channel, pool!.poolId);
        expect((await castVote(apis[2]!, device.deviceToken, ballot.ballotId, 'yes')).status).toBe(
          200,
        );
      }
      expect((await profileChannel.commandOutcome(id, 30_000)).data).toMatchObject({
        command_status: 2,
      });
      expect(finals(profileChannel, id)).toHaveLength(1);
    } finally {
      for (const channel of [profileChannel, phoneChannel, laptopChannel]) channel.close();
    }
  });

  it('its deadline fires once though every node arms it', async () => {
    const profileChannel = await joinedChannel(nodes[1]!.wsUrl, owner.token);
    try {
      const pending = await requestDevice(apis[0]!, owner.token, 'Watch');
      const id = commandId(
        await apis[0]!.post('/device/approve-device', { deviceIdentifier: pending }, owner.token),
      );
      const [pool] = await heldPools(profileChannel, id);
      // Nobody votes; the round (5 minutes) ends on every node's timer at once.
      clock.advance(10 * 60_000);
      const outcome = await profileChannel.commandOutcome(id, 30_000);
      expect(outcome.data).toMatchObject({ command_status: 3, body: 'policy.vote_expired' });
      for (const api of apis)
        expect((await api.get(`/request-status/${id}`)).headers.get('x-dpt-cab-reason')).toBe(
          'policy.vote_expired',
        );
      // A later message would have arrived by the time every node answered the status above;
      // one more round trip through each node's channel settles what is in flight.
      for (const node of nodes) {
        const probe = await joinedChannel(node.wsUrl, owner.token);
        probe.close();
      }
      expect(finals(profileChannel, id)).toHaveLength(1);
      expect(
        profileChannel.frames.filter(
          (f) => f.data?.type === 'POOL-RESOLVED' && f.data.id === pool!.poolId,
        ),
      ).toHaveLength(1);
    } finally {
      profileChannel.close();
    }
  });
});

describe('a node killed in the middle of a command stream', () => {
  it('every accepted command still ends, exactly once', async () => {
    const backend = await newServerBackend();
    const first = tempDir();
    useServerBackend(first, backend);
    // Node 1 is a real process (it gets SIGKILL); its lease is short so the others take over soon.
    let killed: EngineProcess | undefined = await spawnEngine(first, [
      '--node-id',
      'node1',
      '--node-lease-ms',
      '1000',
    ]);
    const { nodes, dataDirs } = await startNodes(2, { backend, secretsFrom: first });
    try {
      const api1 = wire(killed.apiUrl);
      const channel = await joinedChannel(nodes[1]!.wsUrl, (await createProfile(api1)).token);
      channel.close();
      // Many register-profile commands through node 1, the kill landing among them.
      const accepted: { id: string; username: string }[] = [];
      const sending = (async () => {
        for (let index = 0; index < 200; index++) {
          const username = uniqueName('stream');
          const response = await api1
            .post('/profile/register-profile', { username, password: PASSWORD })
            .catch(() => undefined);
          if (!response) return;
          if (response.status === 202) accepted.push({ id: commandId(response), username });
        }
      })();
      while (accepted.length < 20) await new Promise((resolve) => setImmediate(resolve));
      killed.child.kill('SIGKILL');
      await killed.exited;
      killed = undefined;
      await sending;
      expect(accepted.length).toBeGreaterThanOrEqual(20);

      // Every accepted command ends (another node finishes it), each profile exists once.
      const api2 = wire(nodes[0]!.apiUrl);
      for (const { id, username } of accepted) {
        expect(await awaitStatus(api2, id, 60_000)).toBe('succeeded');
        const auth = await api2.post('/profile/authenticate', { username, password: PASSWORD });
        expect(auth.status).toBe(200);
      }
      // Once: run again it would meet a taken username and end 3; it ended 2, and stays so.
      const api3 = wire(nodes[1]!.apiUrl);
      for (const { id } of accepted) expect(await awaitStatus(api3, id)).toBe('succeeded');
    } finally {
      if (killed) {
        killed.child.kill('SIGKILL');
        await killed.exited;
      }
      for (const node of nodes) await node.close();
      await Promise.all(
        [first, ...dataDirs].map((dir) => rm(dir, { recursive: true, force: true })),
      );
    }
  }, 180_000);
});
