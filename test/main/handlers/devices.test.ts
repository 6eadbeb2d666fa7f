// Device approvals between two installations of the desktop app on one engine (two computers of
// one user), through main's real handlers: B signs in without the data key and asks to join; A
// hears of it on its channel (event, notification, badge); both show the same code, both people
// confirm it, A approves, and the keys reach B wrapped to B's own key; B then opens A's file.
// A key planted in B's record by anyone else is refused. Also rejecting, renaming and removing.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes as random } from 'node:crypto';
import { wrapDataKey } from '../../../client/crypto/key-wrap.ts';
import { generateProfileKeyPair } from '../../../client/crypto/profile-key.ts';
import { META } from '../../../client/device-meta.ts';
import { configureMeta, retrieveProfileDevices } from '../../../client/endpoints/device.ts';
import { loadProfileSecrets } from '../../../client/secrets/profile-secrets.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
const opened: Desktop[] = [];
const username = uniqueName('owner');
const secret = randomBytes(200_000);
let token: string;

async function desktop(): Promise<Desktop> {
  const machine = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  opened.push(machine);
  return machine;
}

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await desktop();
  await a.call('session:signUp', { username, password: PASSWORD });
  const file = join(a.dir, 'plans.bin');
  await writeFile(file, secret);
  const { transfers } = await a.call('files:upload', { paths: [file], context: '/' });
  const stored = await a.transferEnded(transfers[0]!.id);
  expect(stored.state).toBe('done');
  token = stored.token!;
});

afterAll(async () => {
  for (const machine of opened) await machine.close();
  await engine.close();
});

describe('devices', () => {
  it('adding local storage asks nobody: the built-in engine approves its own devices', async () => {
    const added = await a.call('storage:addLocal', {
      dir: join(a.dir, 'extra storage'),
      name: 'Extra folder',
    });
    expect(added).toMatchObject({ name: 'Extra folder', local: true });
    // The engine's DEVICE-PENDING for it is judged after the device is approved: not a question.
    await a.event(
      'devices:changed',
      (change) =>
        change.change === 'pending' && change.deviceIdentifier === added!.deviceIdentifier,
    );
    expect(a.events.some((entry) => entry.event === 'devices:pending')).toBe(false);
    expect(a.platform.notifications).toEqual([]);
    expect(await a.call('app:state')).toEqual({
      pendingApprovals: 0,
      openBallots: 0,
      transfersPaused: false,
    });
  });

  it('B asks to join; A is told, approves; the key reaches B and B opens A’s file', async () => {
    const b = await desktop();
    await b.call('session:signIn', { username, password: PASSWORD });
    expect(await b.call('vault:keyStatus')).toEqual({
      state: 'missing',
      deviceIdentifier: null,
      notice: null,
      code: null,
    });

    // Without the key, B cannot open anything yet.
    const early = await b.transferEnded(
      (await b.call('files:download', {
        token,
        fileName: 'plans.bin',
        target: join(b.dir, 'early.bin'),
      }))!.id,
    );
    expect(early).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/doesn't have the key for this vault/),
    });

    const asked = await b.call('vault:requestAccess', { deviceName: 'Second laptop' });
    expect(asked).toEqual({
      state: 'waiting-for-approval',
      deviceIdentifier: expect.stringMatching(/^[0-9a-f-]{36}$/),
      notice: null,
      code: null,
    });
    const id = asked.deviceIdentifier!;
    expect(await b.call('vault:requestAccess', { deviceName: 'Second laptop' })).toEqual(asked);

    // A hears of it on its channel: the bridge event, a notification and the count.
    expect(await a.event('devices:pending', (pending) => pending.deviceIdentifier === id)).toEqual({
      deviceIdentifier: id,
      deviceName: 'Second laptop',
      requestedAt: expect.any(String),
    });
    const notice = await a.platform.nextNotification();
    expect(notice).toMatchObject({
      title: 'Approve a new device?',
      body: 'Second laptop wants to join your vault',
    });
    expect(await a.call('app:state')).toEqual({
      pendingApprovals: 1,
      openBallots: 0,
      transfersPaused: false,
    });
    expect(a.platform.badgeCounts.at(-1)).toBe(1);
    await a.event('app:state', (state) => state.pendingApprovals === 1);
    notice.click();
    expect(await a.event('app:navigate')).toEqual({ screen: 'devices' });

    // B's own request is no question for B.
    await b.event(
      'devices:changed',
      (change) => change.change === 'pending' && change.deviceIdentifier === id,
    );
    expect(b.events.some((entry) => entry.event === 'devices:pending')).toBe(false);
    expect(b.platform.notifications).toEqual([]);

    const listed = (await a.call('devices:list')).find((device) => device.deviceIdentifier === id);
    expect(listed).toEqual({
      deviceIdentifier: id,
      name: 'Second laptop',
      status: 'pending',
      role: null,
      createdAt: expect.any(String),
      approvedAt: null,
      isThisDevice: false,
      keyShared: false,
      foreignKey: false,
    });
    expect(
      (await b.call('devices:list')).find((device) => device.deviceIdentifier === id)?.isThisDevice,
    ).toBe(true);

    // Nothing is approved before the codes were compared.
    await expect(a.call('devices:approve', { deviceIdentifier: id })).rejects.toMatchObject({
      reason: 'approval.not_reviewed',
    });
    // A answers; B reveals; both show the same code.
    const review = await a.call('devices:review', { deviceIdentifier: id });
    expect(review).toEqual({
      state: 'ready',
      deviceIdentifier: id,
      deviceName: 'Second laptop',
      requestedAt: expect.any(String),
      code: expect.stringMatching(/^\d{3} \d{3}$/),
    });
    const comparing = await b.event('vault:keyStatus', (status) => status.state === 'compare-code');
    expect(comparing).toEqual({
      state: 'compare-code',
      deviceIdentifier: id,
      notice: null,
      code: review.state === 'ready' ? review.code : 'none',
    });
    expect(await b.call('vault:confirmCode', { matches: true })).toMatchObject({
      state: 'waiting-for-approval',
      code: comparing.code,
    });

    // Attack (b): a key made without the profile's private key is planted in B's record by a
    // token of the profile. B refuses it, says so, and keeps waiting.
    const bKey = (await retrieveProfileDevices(a.app.session().http)).find(
      (device) => device.deviceIdentifier === id,
    )!.meta[META.pairingKey]!;
    const planted = wrapDataKey(
      { dataKey: random(32), profilePrivateKey: generateProfileKeyPair().privateKey },
      bKey,
    );
    await b.app.session().run(() =>
      configureMeta(b.app.session().http, {
        deviceIdentifier: id,
        meta: { [META.wrappedDataKey]: planted },
      }),
    );
    expect(
      await b.event('vault:keyStatus', (status) => status.notice?.includes('refused') === true),
    ).toMatchObject({ state: 'waiting-for-approval', deviceIdentifier: id });
    expect(
      (await a.call('devices:list')).find((device) => device.deviceIdentifier === id),
    ).toMatchObject({ keyShared: false, foreignKey: true });

    expect(await a.call('devices:approve', { deviceIdentifier: id })).toEqual({
      deviceIdentifier: id,
      dataKeyShared: true,
      note: null,
    });
    expect(await b.event('vault:keyStatus', (status) => status.state === 'ready')).toEqual({
      state: 'ready',
      deviceIdentifier: id,
      notice: null,
      code: null,
    });
    expect(
      (
        await loadProfileSecrets(b.secrets, (await b.call('account:get')).profileId)
      ).dataKey?.equals(
        (await loadProfileSecrets(a.secrets, (await a.call('account:get')).profileId)).dataKey!,
      ),
    ).toBe(true);
    expect(await a.call('app:state')).toEqual({
      pendingApprovals: 0,
      openBallots: 0,
      transfersPaused: false,
    });
    expect(a.platform.badgeCounts.at(-1)).toBe(0);
    expect(
      (await a.call('devices:list')).find((device) => device.deviceIdentifier === id),
    ).toMatchObject({ status: 'approved', keyShared: true, approvedAt: expect.any(String) });

    const target = join(b.dir, 'plans copy.bin');
    const fetched = await b.transferEnded(
      (await b.call('files:download', { token, fileName: 'plans.bin', target }))!.id,
    );
    expect(fetched.state).toBe('done');
    expect((await readFile(target)).equals(secret)).toBe(true);

    // Renamed and removed from A; the list follows.
    await a.call('devices:rename', { deviceIdentifier: id, name: 'Kitchen laptop' });
    expect(
      (await b.call('devices:list')).find((device) => device.deviceIdentifier === id)?.name,
    ).toBe('Kitchen laptop');
    await a.call('devices:remove', { deviceIdentifier: id });
    expect((await a.call('devices:list')).some((device) => device.deviceIdentifier === id)).toBe(
      false,
    );
    expect(await a.event('devices:changed', (change) => change.change === 'removed')).toEqual({
      deviceIdentifier: id,
      change: 'removed',
    });
    await b.call('session:signOut');
  });

  it('a rejected request leaves the other computer without the key, and tells it so', async () => {
    const c = await desktop();
    await c.call('session:signIn', { username, password: PASSWORD });
    const asked = await c.call('vault:requestAccess', { deviceName: 'Stranger' });
    const id = asked.deviceIdentifier!;
    expect(asked.code).toBeNull();
    await a.event('devices:pending', (pending) => pending.deviceIdentifier === id);
    expect((await a.call('app:state')).pendingApprovals).toBe(1);

    await a.call('devices:reject', { deviceIdentifier: id });
    expect(
      await c.event(
        'vault:keyStatus',
        (status) => status.state === 'missing' && status.notice !== null,
      ),
    ).toEqual({
      state: 'missing',
      deviceIdentifier: null,
      notice: expect.stringMatching(/^Your request to join this vault was declined/),
      code: null,
    });
    expect((await c.call('account:get')).deviceIdentifier).toBeNull();
    expect((await a.call('app:state')).pendingApprovals).toBe(0);
    expect((await a.call('devices:list')).some((device) => device.deviceIdentifier === id)).toBe(
      false,
    );
    expect(await a.call('devices:review', { deviceIdentifier: id })).toMatchObject({
      state: 'device-gone',
      deviceIdentifier: id,
    });
    await c.call('session:signOut');
  });

  it('codes that differ withdraw the request on the asking side; nothing is shared', async () => {
    const d = await desktop();
    await d.call('session:signIn', { username, password: PASSWORD });
    const id = (await d.call('vault:requestAccess', { deviceName: 'Doubtful' })).deviceIdentifier!;
    const review = await a.call('devices:review', { deviceIdentifier: id });
    expect(review.state).toBe('ready');
    await d.event('vault:keyStatus', (status) => status.state === 'compare-code');
    expect(await d.call('vault:confirmCode', { matches: false })).toEqual({
      state: 'missing',
      deviceIdentifier: null,
      notice: expect.stringMatching(/^The codes didn't match/),
      code: null,
    });
    expect((await a.call('devices:list')).some((device) => device.deviceIdentifier === id)).toBe(
      false,
    );
    await expect(a.call('devices:approve', { deviceIdentifier: id })).rejects.toThrow();
    await d.call('session:signOut');
  });

  it('validates every input strictly', async () => {
    for (const [channel, input] of [
      ['devices:approve', { deviceIdentifier: 'not-an-id' }],
      ['devices:approve', { deviceIdentifier: '0193a5c3-0000-7000-8000-000000000000', extra: 1 }],
      ['devices:rename', { deviceIdentifier: '0193a5c3-0000-7000-8000-000000000000', name: '' }],
      [
        'devices:rename',
        { deviceIdentifier: '0193a5c3-0000-7000-8000-000000000000', name: 'bell\u0007' },
      ],
      [
        'devices:rename',
        { deviceIdentifier: '0193a5c3-0000-7000-8000-000000000000', name: 'x'.repeat(256) },
      ],
      ['vault:requestAccess', { deviceName: '' }],
      ['vault:confirmCode', { matches: 'yes' }],
      ['devices:review', { deviceIdentifier: 'nope' }],
      ['pairing:answer', { deviceIdentifier: '0193a5c3-0000-7000-8000-000000000000' }],
      ['devices:list', { all: true }],
    ] as const) {
      const reply = await a.reply(channel, input);
      expect(reply, `${channel} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { reason: 'bridge.invalid_input' },
      });
    }
  });
});
