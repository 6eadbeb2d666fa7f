// QR pairing between installations of the desktop app, through main's real handlers: A shows a
// code (text and a PNG that decodes to it); a fresh, signed-out installation B redeems it, joins
// A's engine as a remote engine, becomes a device of A's profile, and receives the data key that
// A shares on DEVICE-PAIRED without being asked; B then opens A's file, also after a restart.
// An installation whose built-in engine is the one the code names stays on it.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  it('A shows a code; a fresh installation redeems it, joins A’s engine and gets the key A shares', async () => {
    const qr = await a.call('pairing:createQr');
    expect(qr.qrPayload).toMatch(
      new RegExp(
        `^privicore://authorize\\?token=Q-[A-Za-z0-9_-]+&engine=${encodeURIComponent(engine.apiUrl).replace(/[.]/g, '\\.')}$`,
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

    // A shares the key on DEVICE-PAIRED by itself; B picks it up.
    expect(await a.event('devices:changed', (change) => change.change === 'paired')).toEqual({
      deviceIdentifier,
      change: 'paired',
    });
    expect((await keyShared).deviceIdentifier).toBe(deviceIdentifier);
    expect(await b.event('vault:keyStatus', (status) => status.state === 'ready')).toEqual({
      state: 'ready',
      deviceIdentifier,
      notice: null,
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
    expect(await c.event('vault:keyStatus', (status) => status.state === 'ready')).toMatchObject({
      state: 'ready',
    });
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

    const qr = await a.call('pairing:createQr');
    await d.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'First' });
    await d.call('session:signOut');
    await expect(
      d.call('pairing:redeem', { payload: qr.qrPayload, deviceName: 'Second' }),
    ).rejects.toMatchObject({
      message:
        'That pairing code was already used or has expired (codes last 5 minutes). Show a new one on the other device.',
      reason: 'qr.invalid',
    });

    const nowhere = `privicore://authorize?token=Q-${'a'.repeat(43)}&engine=${encodeURIComponent('http://127.0.0.1:9')}`;
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
