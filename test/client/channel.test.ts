// The session channel against a real engine: outcomes that arrive before anyone waits, a socket
// killed mid-command (with the outcome lost on the wire), and rejection reasons.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awaitCommand } from '../../client/await-command.ts';
import { approveDevice, requestUniqueIdentifier } from '../../client/endpoints/device.ts';
import {
  reserveTokenSpace,
  retrieveTemporaryDataToken,
} from '../../client/endpoints/data-token.ts';
import { requestStatus } from '../../client/endpoints/utility.ts';
import { HttpClient } from '../../client/http.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let proxy: TcpProxy;
let user: VaultUser;
let direct: HttpClient;

beforeAll(async () => {
  engine = await startVaultEngine();
  proxy = await TcpProxy.forUrl(engine.wsUrl);
  // Only the channel goes through the proxy; HTTP goes straight to the engine.
  user = await signUpVaultUser(engine, {
    wsUrl: proxy.rewrite(engine.wsUrl),
    channel: { reconnectMinDelayMs: 20, reconnectMaxDelayMs: 200 },
  });
  direct = new HttpClient({ apiUrl: engine.apiUrl });
});

beforeEach(() => proxy.restore());

afterAll(async () => {
  user.session.close();
  direct.close();
  await proxy.close();
  await engine.close();
});

async function untilFinished(commandId: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if ((await requestStatus(direct, commandId)).status !== 1) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${commandId} never finished`);
}

/** Resolves once the channel has joined again, past `epochAbove`. */
function untilJoined(epochAbove: number): Promise<void> {
  const { channel } = user.session;
  return new Promise((resolve) => {
    const check = () => {
      if (channel.state !== 'joined' || channel.epoch <= epochAbove) return;
      stop();
      resolve();
    };
    const stop = channel.on('state', check);
    check();
  });
}

describe('SessionChannel', () => {
  it('keeps an ack that arrives before the caller waits', async () => {
    const { session } = user;
    // The ack is heard by the channel (only as a raw message) before anyone waits for it.
    const seen = new Set<string>();
    const wanted: { id?: string } = {};
    let heard!: () => void;
    const ackHeard = new Promise<void>((resolve) => (heard = resolve));
    const stop = session.channel.on('message', (data) => {
      if (data['type'] !== 'X-DPT-CAB-ID') return;
      seen.add(String(data['id']));
      if (data['id'] === wanted.id) heard();
    });
    const accepted = await reserveTokenSpace(session.http, { context: '/early' });
    wanted.id = accepted.commandId;
    if (seen.has(wanted.id)) heard();
    await ackHeard;
    stop();
    // Only now does anyone wait: the remembered message answers, with its body.
    const outcome = await session.channel.waitCommand(accepted.commandId, { timeoutMs: 1_000 });
    expect(outcome).toMatchObject({
      status: 2,
      via: 'message',
      body: await retrieveTemporaryDataToken(session.http, accepted.commandId),
    });
    expect(await awaitCommand(session.channel, accepted, { timeoutMs: 1_000 })).toEqual(
      await retrieveTemporaryDataToken(session.http, accepted.commandId),
    );
  });

  it('a dropped socket: the outcome buffered by the engine arrives after the re-join', async () => {
    const { session } = user;
    const epoch = session.channel.epoch;
    const pending = session.run(() =>
      requestUniqueIdentifier(session.http, { deviceName: 'During a drop' }),
    );
    proxy.drop();
    const { deviceIdentifier } = await pending;
    expect(deviceIdentifier).toMatch(/^[0-9a-f-]{36}$/);
    await untilJoined(epoch);
    expect(session.channel.epoch).toBeGreaterThan(epoch);
  });

  it('a socket killed mid-command with its ack lost on the wire: reconciled through request-status', async () => {
    const { session } = user;
    const epoch = session.channel.epoch;
    proxy.blackhole();
    const heard: unknown[] = [];
    const stop = session.channel.on('message', (data) => heard.push(data['id']));
    const accepted = await reserveTokenSpace(session.http, { context: '/lost' });
    const waiting = awaitCommand(session.channel, accepted, { timeoutMs: 20_000, since: epoch });
    // The engine finishes and writes the ack into the black hole: it thinks it was delivered.
    const before = proxy.swallowed;
    await untilFinished(accepted.commandId);
    await proxy.swallowedMoreThan(before);
    proxy.restore();
    proxy.drop();
    const result = await waiting;
    stop();
    // The status-2 message never arrived; the result came back through retrieve-temporary-data-token.
    expect(heard).not.toContain(accepted.commandId);
    expect(result).toEqual(await retrieveTemporaryDataToken(session.http, accepted.commandId));
    expect(session.channel.epoch).toBeGreaterThan(epoch);
  });

  it('a rejection lost on the wire still surfaces its reason (X-DPT-CAB-REASON)', async () => {
    const { session } = user;
    const { deviceIdentifier } = await session.run(() =>
      requestUniqueIdentifier(session.http, { deviceName: 'Approved twice' }),
    );
    await session.run(() => approveDevice(session.http, { deviceIdentifier }));
    proxy.blackhole();
    const epoch = session.channel.epoch;
    const accepted = await approveDevice(session.http, { deviceIdentifier });
    const waiting = awaitCommand(session.channel, accepted, { timeoutMs: 20_000, since: epoch });
    await untilFinished(accepted.commandId);
    proxy.restore();
    proxy.drop();
    await expect(waiting).rejects.toMatchObject({
      name: 'PrivicoreError',
      reason: 'device.not_pending',
      commandId: accepted.commandId,
    });
  });

  it('rejections over a healthy channel carry the reason and the command id', async () => {
    const { session } = user;
    const { deviceIdentifier } = await session.run(() =>
      requestUniqueIdentifier(session.http, { deviceName: 'Twice' }),
    );
    await session.run(() => approveDevice(session.http, { deviceIdentifier }));
    const error = await session
      .run(() => approveDevice(session.http, { deviceIdentifier }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivicoreError);
    expect(error).toMatchObject({
      status: 0,
      reason: 'device.not_pending',
      commandId: expect.any(String),
    });
  });

  it('a download whose URL message is lost in a drop is requested again', async () => {
    const { session } = user;
    const file = join(engine.dir, 'lost-url.bin');
    const data = randomBytes(200_000);
    await writeFile(file, data);
    const { token } = await session.storeFile(file, { context: '/lost-url' });
    const before = proxy.swallowed;
    proxy.blackhole();
    const target = join(engine.dir, 'lost-url.out');
    const retrieving = session.retrieveFile(token, target);
    // Once the first request's messages fell into the black hole, cut the connection.
    await proxy.swallowedMoreThan(before);
    proxy.restore();
    proxy.drop();
    await retrieving;
    expect((await readFile(target)).equals(data)).toBe(true);
  });

  it('waiting for an id the engine does not know ends with command.not_found, not a hang', async () => {
    const { session } = user;
    await expect(
      session.channel.waitCommand('0193a5c2-0000-7000-8000-000000000000', { timeoutMs: 200 }),
    ).rejects.toMatchObject({
      status: 404,
      reason: 'command.not_found',
    });
  });
});
