// QR pairing between installations of the desktop app, through main's real handlers: A shows a
// code (text and a PNG that decodes to it); a fresh, signed-out installation B redeems it, joins
// A's engine as a remote engine and becomes a device of A's profile. A checks B's proof of the
// code, asks its person with the code B shows too, and only on "give" shares the keys; B then
// opens A's file, also after a restart. A device that joined with a code A did not show gets
// nothing, and neither does one after the panel closed or one the person turned away.
// An installation whose built-in engine is the one the code names stays on it.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTokenQr } from '../../../client/endpoints/profile.ts';
import { retrieveProfileDevices } from '../../../client/endpoints/device.ts';
import { META } from '../../../client/device-meta.ts';
import type { EngineHandle } from '../../../main/engine-handle.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { startTestEngine } from '../../support/engine.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let otherEngine: Awaited<ReturnType<typeof startTestEngine>>;
let a: Desktop;
const opened: Desktop[] = [];
const secret = randomBytes(120_000);
let token: string;

/** A fresh installation whose built-in engine is a bare one of its own (no storage). */
async function freshInstallation(): Promise<Desktop> {
  const handle: EngineHandle = {
    apiUrl: otherEngine.apiUrl,
    wsUrl: otherEngine.wsUrl,
    ensureLocalStorage: async () => undefined,
    addLocalStorage: async () => {
      throw new Error('no local storage here');
    },
    localStorage: async () => [],
    forgetLocalStorage: async () => false,
    stop: async () => undefined,
  };
  const machine = await startDesktop({ engine: async () => handle });
  opened.push(machine);
  return machine;
}

function decodeQr(dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

beforeAll(async () => {
  engine = await startVaultEngine();
  otherEngine = await startTestEngine();
  a = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  opened.push(a);
  await a.call('session:signUp', { username: uniqueName('owner'), password: PASSWORD });
  const file = join(a.dir, 'photo.jpg');
  await writeFile(file, secret);
  const stored = await a.transferEnded(
    (await a.call('files:upload', { paths: [file], context: '/' })).transfers[0]!.id,
  );
  token = stored.token!;
});

afterAll(async () => {
  for (const machine of opened) await machine.close();
  await otherEngine.close();
  await engine.close();
});

describe('QR pairing', () => {
  it('A shows a code; a fresh installation redeems it, joins A’s engine and gets the keys once A’s person says so', async () => {
    const qr = await a.call('pairing:createQr');
    expect(qr.qrPayload).toMatch(
      new RegExp(
        `^privicore://authorize\\?token=Q-[A-Za-z0-9_-]+&engine=${encodeURIComponent(engine.apiUrl).replace(/[.]/g, '\\.')}&secret=[A-Za-z0-9_-]{22}&fp=[A-Za-z0-9_-]{22}$`,
      ),
    );
    expect(Date.parse(qr.expiresAt)).toBeGreaterThan(Date.now());
    expect(qr.localOnly).toBe(true);
    expect(qr.qrImage).toMatch(/^data:image\/png;base64,/);
    expect(decodeQr(qr.qrImage)).toBe(qr.qrPayload);

    const b = await freshInstallation();
    expect((await b.call('session:get')).status).toBe('signed-out');
    const keyShared = a.event('devices:changed', (change) => change.change === 'key-shared');
    const result = await b.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'Tablet' });
    const profileId = (await a.call('account:get')).profileId;
    expect(result.session).toMatchObject({
      status: 'signed-in',
      username: null,
      profileId,
      engine: { mode: 'remote', apiUrl: engine.apiUrl },
    });
    const deviceIdentifier = result.keyStatus.deviceIdentifier!;
    expect(
      result.keyStatus.state === 'waiting-for-approval' || result.keyStatus.state === 'ready',
    ).toBe(true);

    // B shows a code; A's person is asked, with the same code, and nothing is shared yet.
    expect(result.keyStatus).toMatchObject({
      state: 'waiting-for-approval',
      code: expect.stringMatching(/^\d{3} \d{3}$/),
    });
    expect(await a.event('devices:changed', (change) => change.change === 'paired')).toEqual({
      deviceIdentifier,
      change: 'paired',
    });
    const joined = await a.event(
      'pairing:joined',
      (join) => join.deviceIdentifier === deviceIdentifier,
    );
    expect(joined).toEqual({
      deviceIdentifier,
      deviceName: 'Tablet',
      pairedAt: expect.any(String),
      code: result.keyStatus.code,
    });
    const record = (await retrieveProfileDevices(a.app.session().http)).find(
      (device) => device.deviceIdentifier === deviceIdentifier,
    );
    expect(record?.meta[META.wrappedDataKey]).toBeUndefined();

    await a.call('pairing:answer', { deviceIdentifier, give: true });
    expect((await keyShared).deviceIdentifier).toBe(deviceIdentifier);
    expect(await b.event('vault:keyStatus', (status) => status.state === 'ready')).toEqual({
      state: 'ready',
      deviceIdentifier,
      notice: null,
      code: null,
    });
    // Answered once: a second answer finds nothing to answer.
    await expect(a.call('pairing:answer', { deviceIdentifier, give: true })).rejects.toMatchObject({
      reason: 'pairing.no_such_join',
    });
    expect(await b.call('account:get')).toEqual({
      profileId,
      username: null,
      engineUrl: engine.apiUrl,
      engineMode: 'remote',
      expiresAt: expect.any(String),
      deviceIdentifier,
    });
    expect((await b.call('devices:list')).find((device) => device.isThisDevice)).toMatchObject({
      deviceIdentifier,
      name: 'Tablet',
      status: 'approved',
      keyShared: true,
    });

    const target = join(b.dir, 'photo.jpg');
    expect(
      (
        await b.transferEnded(
          (await b.call('files:download', { token, fileName: 'photo.jpg', target }))!.id,
        )
      ).state,
    ).toBe('done');
    expect((await readFile(target)).equals(secret)).toBe(true);

    // Restarted, B is still that device, with the key, on A's engine.
    const again = await b.restart();
    opened.push(again);
    expect(await again.call('session:get')).toMatchObject({
      status: 'signed-in',
      profileId,
      username: null,
    });
    expect(await again.call('vault:keyStatus')).toEqual({
      state: 'ready',
      deviceIdentifier,
      notice: null,
      code: null,
    });
    const target2 = join(again.dir, 'photo again.jpg');
    expect(
      (
        await again.transferEnded(
          (await again.call('files:download', { token, fileName: 'photo.jpg', target: target2 }))!
            .id,
        )
      ).state,
    ).toBe('done');

    await expect(
      again.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'Tablet' }),
    ).rejects.toThrow(
      'This computer is signed in already. Sign out first to join a vault by pairing.',
    );
  });

  it('an installation whose built-in engine the code names stays on it', async () => {
    const qr = await a.call('pairing:createQr');
    const c = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
    opened.push(c);
    const result = await c.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'Desk' });
    expect(result.session.engine).toEqual({ mode: 'embedded', apiUrl: engine.apiUrl });
    const id = result.keyStatus.deviceIdentifier!;
    await a.event('pairing:joined', (join) => join.deviceIdentifier === id);
    await a.call('pairing:answer', { deviceIdentifier: id, give: true });
    expect(await c.event('vault:keyStatus', (status) => status.state === 'ready')).toMatchObject({
      state: 'ready',
    });
  });

  it('attack: a device that joined with a code A did not show gets nothing, panel open or not', async () => {
    await a.call('pairing:createQr');
    // A code of the profile made elsewhere (a stolen profile token): no secret of A's panel.
    const foreign = await generateTokenQr(a.app.session().http);
    const x = await freshInstallation();
    const forged = `${foreign.qrPayload}&secret=${'A'.repeat(22)}&fp=${new URL(
      (await a.call('pairing:createQr')).qrPayload.replace('privicore://', 'https://x/'),
    ).searchParams.get('fp')!}`;
    const intruder = await x.call('pairing:redeem', { payload: forged, deviceName: 'Intruder' });
    const id = intruder.keyStatus.deviceIdentifier!;
    expect(await a.event('pairing:stranger', (s) => s.deviceIdentifier === id)).toEqual({
      deviceIdentifier: id,
      deviceName: 'Intruder',
    });
    expect(
      a.events.some(
        (e) =>
          e.event === 'pairing:joined' &&
          (e.payload as { deviceIdentifier: string }).deviceIdentifier === id,
      ),
    ).toBe(false);
    await expect(
      a.call('pairing:answer', { deviceIdentifier: id, give: true }),
    ).rejects.toMatchObject({
      reason: 'pairing.no_such_join',
    });
    const record = (await retrieveProfileDevices(a.app.session().http)).find(
      (device) => device.deviceIdentifier === id,
    );
    expect(record?.meta[META.wrappedDataKey]).toBeUndefined();

    // The panel closed: a code it showed verifies nothing more.
    const shown = await a.call('pairing:createQr');
    await a.call('pairing:close');
    const late = await freshInstallation();
    const lateJoin = await late.call('pairing:redeem', {
      payload: shown.qrPayload,
      deviceName: 'Late',
    });
    await a.event(
      'devices:changed',
      (change) =>
        change.change === 'paired' &&
        change.deviceIdentifier === lateJoin.keyStatus.deviceIdentifier,
    );
    await expect(
      a.call('pairing:answer', {
        deviceIdentifier: lateJoin.keyStatus.deviceIdentifier!,
        give: true,
      }),
    ).rejects.toMatchObject({ reason: 'pairing.closed' });
  });

  it('turning a device away removes it and ends its session', async () => {
    const qr = await a.call('pairing:createQr');
    const e = await freshInstallation();
    const joined = await e.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'Unknown' });
    const id = joined.keyStatus.deviceIdentifier!;
    await a.event('pairing:joined', (join) => join.deviceIdentifier === id);
    await a.call('pairing:answer', { deviceIdentifier: id, give: false });
    expect((await a.call('devices:list')).some((d) => d.deviceIdentifier === id)).toBe(false);
    expect(
      await e.event('session:changed', (state) => state.status === 'signed-out'),
    ).toMatchObject({ status: 'signed-out' });
    await a.call('pairing:close');
  });

  it('refuses bad, foreign, used and unreachable codes in plain words', async () => {
    const d = await freshInstallation();
    await expect(
      d.call('pairing:redeem', { payload: 'https://example.com/?token=Q-abc', deviceName: 'D' }),
    ).rejects.toMatchObject({
      message: "That isn't a Privicore pairing code (those start with privicore://authorize).",
      reason: 'pairing.not-a-pairing-code',
    });
    await expect(
      d.call('pairing:redeem', {
        payload: `privicore://authorize?token=T-abc&engine=${encodeURIComponent(engine.apiUrl)}`,
        deviceName: 'D',
      }),
    ).rejects.toMatchObject({
      reason: 'pairing.bad-token',
    });
    // A code without the secret and fingerprint (an older app's) cannot be verified: refused.
    await expect(
      d.call('pairing:redeem', {
        payload: `privicore://authorize?token=Q-abc&engine=${encodeURIComponent(engine.apiUrl)}`,
        deviceName: 'D',
      }),
    ).rejects.toMatchObject({ reason: 'pairing.missing-secret' });
    // A remote engine over plain http would carry the device token in clear text.
    await expect(
      d.call('pairing:redeem', {
        payload: `privicore://authorize?token=Q-abc&engine=${encodeURIComponent('http://engine.example:9009')}&secret=${'A'.repeat(22)}&fp=${'A'.repeat(22)}`,
        deviceName: 'D',
      }),
    ).rejects.toMatchObject({ reason: 'pairing.insecure-engine' });

    const qr = await a.call('pairing:createQr');
    await d.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'First' });
    await d.call('session:signOut');
    await a.call('pairing:close');
    await expect(
      d.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'Second' }),
    ).rejects.toMatchObject({
      message:
        'That pairing code was already used or has expired (codes last 5 minutes). Show a new one on the other device.',
      reason: 'qr.invalid',
    });

    const nowhere = `privicore://authorize?token=Q-${'a'.repeat(43)}&engine=${encodeURIComponent('http://127.0.0.1:9')}&secret=${'A'.repeat(22)}&fp=${'A'.repeat(22)}`;
    await expect(
      d.call('pairing:redeem', { payload: nowhere, deviceName: 'D' }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /^Can't reach the engine at http:\/\/127\.0\.0\.1:9 that the pairing code names\./,
      ),
    });
    expect((await d.call('session:get')).status).toBe('signed-out');
    await expect(d.call('pairing:createQr')).rejects.toThrow('You are signed out. Sign in again.');
  });

  it('reads a pasted QR image from the clipboard', async () => {
    expect(await a.call('pairing:clipboardImage')).toBeNull();
    const qr = await a.call('pairing:createQr');
    a.platform.clipboardImage = qr.qrImage;
    expect(decodeQr((await a.call('pairing:clipboardImage'))!)).toBe(qr.qrPayload);
  });
});
