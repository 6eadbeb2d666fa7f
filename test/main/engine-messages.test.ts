// The message protocol between main and the embedded engine's utility process, both ends real
// (EngineRequests/engineHandleOver in main, runEngineRequest over engine/host.ts), joined by an
// in-memory port that copies every message the way a process boundary does.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStorageDevices } from '../../client/endpoints/storage.ts';
import {
  EngineRequests,
  engineHandleOver,
  runEngineRequest,
  type EngineMessage,
  type EngineRequestMessage,
} from '../../main/engine-messages.ts';
import type { EngineHandle } from '../../main/engine-handle.ts';
import { startVaultEngine, signUpVaultUser, type VaultUser } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let user: VaultUser;
let handle: EngineHandle;
let requests: EngineRequests;
const sent: EngineRequestMessage[] = [];

beforeAll(async () => {
  engine = await startVaultEngine();
  user = await signUpVaultUser(engine, { storage: false });
  // The engine process's side: run the request, post the reply back (copied, as across processes).
  const toMain = (message: EngineMessage) =>
    queueMicrotask(() => requests.settle(structuredClone(message)));
  requests = new EngineRequests((message) => {
    const request = structuredClone(message);
    sent.push(request);
    if (request.type === 'stop') return toMain({ id: request.id, ok: true });
    runEngineRequest(engine, request).then(
      (value) => toMain({ id: request.id, ok: true, value }),
      (error: unknown) => toMain({ id: request.id, ok: false, message: (error as Error).message }),
    );
  });
  handle = engineHandleOver({ apiUrl: engine.apiUrl, wsUrl: engine.wsUrl }, requests);
});

afterAll(async () => {
  user.session.close();
  await engine.close();
});

describe('engine messages', () => {
  it('ensures, adds, lists and forgets local storage across the port', async () => {
    const token = user.session.authorizationToken;
    await handle.ensureLocalStorage(token);
    expect(await handle.localStorage(user.profileId)).toHaveLength(3);

    const dir = join(engine.dir, 'added');
    const added = await handle.addLocalStorage(token, dir, { name: 'Added folder' });
    expect(added).toMatchObject({
      profileId: user.profileId,
      name: 'Added folder',
      dir,
      state: 'connected',
    });
    expect(
      (await listStorageDevices(user.session.http)).map((device) => device.deviceIdentifier),
    ).toContain(added.deviceIdentifier);
    expect((await handle.localStorage()).map((device) => device.deviceIdentifier)).toContain(
      added.deviceIdentifier,
    );

    expect(await handle.forgetLocalStorage(added.deviceIdentifier)).toBe(true);
    expect(await handle.forgetLocalStorage(added.deviceIdentifier)).toBe(false);
    expect(await handle.localStorage(user.profileId)).toHaveLength(3);
    expect(sent.map((message) => message.type)).toEqual([
      'ensureLocalStorage',
      'localStorage',
      'addLocalStorage',
      'localStorage',
      'forgetLocalStorage',
      'forgetLocalStorage',
      'localStorage',
    ]);
    expect(new Set(sent.map((message) => message.id)).size).toBe(sent.length);
  });

  it('carries a failure back as an error, and fails every open request when the engine goes', async () => {
    await expect(
      handle.addLocalStorage('T-not-a-token', join(engine.dir, 'never')),
    ).rejects.toThrow(/token/i);
    const lost = new EngineRequests(() => undefined);
    const waiting = engineHandleOver(
      { apiUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/ws' },
      lost,
    ).localStorage();
    lost.failAll(new Error('The engine process exited (code 1).'));
    await expect(waiting).rejects.toThrow('The engine process exited (code 1).');
  });
});
