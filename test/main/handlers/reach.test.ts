// Reach through main's real handlers: the built-in engine opened to the local network (TLS with
// its own certificate) and closed again with the session carrying on; a storage device for
// another computer whose configuration carries the pin and connects with it; a remote https
// engine with a self-signed certificate, refused until its fingerprint is confirmed (and refused
// naming both fingerprints when it does not match); a pairing code whose pin does not match the
// engine's certificate, which joins nothing.

import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultError } from '../../../bridge/vault-api.ts';
import { parseDeviceBundle } from '../../../engine/devices/device-bundle.ts';
import {
  embeddedEngineOptions,
  inProcessEngineHandle,
  type EngineStart,
} from '../../../main/engine-handle.ts';
import { compiledHost, compiledStorageDevice } from '../../support/compiled.ts';
import { startDesktop, type Desktop } from '../../support/desktop.ts';
import { startTestEngine, tempDir } from '../../support/engine.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { eventually } from '../../support/storage-devices.ts';
import { createLogger } from '../../../engine/log.ts';

const opened: Desktop[] = [];
const stoppers: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const machine of opened) await machine.close();
  for (const stop of stoppers) await stop();
});

/** An installation with a built-in engine of its own, in its own folder. */
async function installation(): Promise<Desktop> {
  const dir = tempDir('privicore-reach-engine-');
  const desktop = await startDesktop({
    engine: async (start: EngineStart) =>
      inProcessEngineHandle(
        await compiledHost.startEmbeddedEngine({
          dataDir: dir,
          logLevel: 'silent',
          ...embeddedEngineOptions(start),
        }),
      ),
    reachPort: 0,
  });
  opened.push(desktop);
  return desktop;
}

async function failure(call: Promise<unknown>): Promise<VaultError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

describe('the built-in engine opened to other computers', () => {
  let a: Desktop;
  beforeAll(async () => {
    a = await installation();
    await a.call('session:signUp', { username: uniqueName('reach'), password: PASSWORD });
  });

  it('is off by default; on, it serves https with a pin at this computer’s addresses, and the session carries on; off again, loopback only', async () => {
    expect(await a.call('reach:get')).toMatchObject({
      available: true,
      open: false,
      urls: [],
      tlsPin: null,
    });
    const file = join(a.dir, 'before.bin');
    await writeFile(file, randomBytes(10_000));
    const upload = await a.call('files:upload', { paths: [file], context: '/' });
    expect((await a.transferEnded(upload.transfers[0]!.id)).state).toBe('done');

    const open = await a.call('reach:setOpen', { open: true });
    expect(open.open).toBe(true);
    expect(open.tlsPin).toMatch(/^sha256:[\w-]{43}$/);
    const apiUrl = (await a.call('engine:status')).apiUrl!;
    expect(apiUrl).toMatch(/^https:\/\//);
    const port = new URL(apiUrl).port;
    expect(open.port).toBe(Number(port));
    for (const url of open.urls) expect(url).toMatch(new RegExp(`^https://[\\d.]+:${port}$`));
    expect(a.events.some((entry) => entry.event === 'reach:changed')).toBe(true);
    // Same session, new address: the file is still listed, through the pinned connection.
    expect((await a.call('session:get')).status).toBe('signed-in');
    expect((await a.call('files:list', LIST)).items.map((item) => item.fileName)).toEqual([
      'before',
    ]);
    // The pairing code now names an engine other computers reach, with its pin.
    const qr = await a.call('pairing:createQr');
    expect(qr.localOnly).toBe(false);
    expect(qr.qrPayload).toContain(`&pin=${open.tlsPin}`);
    await a.call('pairing:close');

    const closed = await a.call('reach:setOpen', { open: false });
    expect(closed).toMatchObject({ open: false, urls: [], tlsPin: null });
    expect((await a.call('engine:status')).apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect((await a.call('files:list', LIST)).count).toBe(1);
    expect((await a.call('pairing:createQr')).localOnly).toBe(true);
    await a.call('pairing:close');
  });

  it('makes a storage device for another computer only while open; its configuration carries the pin, and it connects with it', async () => {
    a.platform.nextDeviceBundleTarget = join(a.dir, 'nas.json');
    const refused = await failure(a.call('storage:addRemote', { name: 'NAS' }));
    expect(refused.reason).toBe('storage.remote_needs_reach');

    const { tlsPin } = await a.call('reach:setOpen', { open: true });
    const target = join(a.dir, 'nas.json');
    a.platform.nextDeviceBundleTarget = target;
    const added = await a.call('storage:addRemote', { name: 'NAS' });
    expect(added).toMatchObject({ name: 'NAS', bundlePath: target });
    expect(added!.command).toBe('npm run storage-device -- --config nas.json --dir FOLDER');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    const bundle = parseDeviceBundle(await readFile(target, 'utf8'));
    expect(bundle.engine.tlsPin).toBe(tlsPin);
    expect(bundle.bus.url).toMatch(/^wss:\/\//);

    const device = await compiledStorageDevice.startStorageDevice({
      bundle,
      dir: tempDir('privicore-reach-nas-'),
      log: createLogger('silent'),
    });
    stoppers.push(() => device.stop());
    await eventually(() => device.connected, 'the remote storage device connected');
    const listed = await a.call('storage:list');
    expect(
      listed.devices.find((entry) => entry.deviceIdentifier === bundle.deviceIdentifier),
    ).toMatchObject({ name: 'NAS', online: true, local: false });
    await a.call('reach:setOpen', { open: false });
  });

  it('is refused with an engine on another computer', async () => {
    const engine = await startTestEngine();
    stoppers.push(() => engine.close());
    const remote = await startDesktop({
      engine: () => Promise.reject(new Error('no built-in engine here')),
      remoteEngine: engine.apiUrl,
    });
    opened.push(remote);
    expect((await remote.call('reach:get')).available).toBe(false);
    expect((await failure(remote.call('reach:setOpen', { open: true }))).reason).toBe(
      'reach.not_embedded',
    );
  });
});

describe('a remote engine with a self-signed certificate', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine({ tls: { kind: 'self-signed' } });
    stoppers.push(() => engine.close());
  });

  it('is refused with its fingerprint until confirmed; a wrong fingerprint is refused naming both', async () => {
    const b = await installation();
    const untrusted = await failure(
      b.call('session:useEngine', { mode: 'remote', apiUrl: engine.apiUrl }),
    );
    expect(untrusted.reason).toBe('client.tls_untrusted');
    expect(untrusted.details).toEqual({ fingerprint: engine.tlsPin });
    expect(untrusted.message).toContain(engine.tlsPin);

    const wrong = `sha256:${randomBytes(32).toString('base64url')}`;
    const mismatch = await failure(
      b.call('session:useEngine', { mode: 'remote', apiUrl: engine.apiUrl, tlsPin: wrong }),
    );
    expect(mismatch.reason).toBe('client.tls_pin_mismatch');
    expect(mismatch.message).toContain(wrong);
    expect(mismatch.message).toContain(engine.tlsPin);

    const used = await b.call('session:useEngine', {
      mode: 'remote',
      apiUrl: engine.apiUrl,
      tlsPin: engine.tlsPin!,
    });
    expect(used.engine).toEqual({ mode: 'remote', apiUrl: engine.apiUrl });
    const settings = JSON.parse(await readFile(join(b.dir, 'settings.json'), 'utf8')) as {
      engine: unknown;
    };
    expect(settings.engine).toEqual({
      mode: 'remote',
      apiUrl: engine.apiUrl,
      tlsPin: engine.tlsPin,
    });
    await b.call('session:signUp', { username: uniqueName('tofu'), password: PASSWORD });
    expect((await b.call('session:get')).status).toBe('signed-in');
  });
});

describe('a pairing code whose pin is not the engine’s certificate', () => {
  it('joins nothing and names both fingerprints', async () => {
    const a = await installation();
    await a.call('session:signUp', { username: uniqueName('owner'), password: PASSWORD });
    const { tlsPin } = await a.call('reach:setOpen', { open: true });
    const { qrPayload } = await a.call('pairing:createQr');
    const wrong = `sha256:${randomBytes(32).toString('base64url')}`;
    const forged = qrPayload.replace(`&pin=${tlsPin}`, `&pin=${wrong}`);
    expect(forged).not.toBe(qrPayload);
    const before = (await a.call('devices:list')).length;

    const b = await installation();
    const refused = await failure(
      b.call('pairing:redeem', { payload: forged, deviceName: 'Laptop B' }),
    );
    expect(refused.reason).toBe('client.tls_pin_mismatch');
    expect(refused.message).toContain(wrong);
    expect(refused.message).toContain(tlsPin!);
    expect((await b.call('session:get')).status).toBe('signed-out');
    // The code was never redeemed: the owner's profile has no new device, and the code still works.
    expect(await a.call('devices:list')).toHaveLength(before);
    const joined = await b.call('pairing:redeem', { payload: qrPayload, deviceName: 'Laptop B' });
    expect(joined.session.status).toBe('signed-in');
    await a.call('pairing:close');
  });
});

const LIST = { page: 1, perPage: 50, sort: 'createdAt', order: 'desc' } as const;
