// A machine without the data key gets it, against a real engine: by asking to join
// (access-request.ts) or by redeeming a pairing code (redeem-pairing.ts), then waiting
// (await-data-key.ts) until an owner's device wraps the key to it — or finds its request turned down.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAccess } from '../../client/access-request.ts';
import { logIn, resumeSession } from '../../client/account.ts';
import { awaitDataKey } from '../../client/await-data-key.ts';
import { grantDataKey } from '../../client/device-key-grant.ts';
import { approveDevice, rejectDevice } from '../../client/endpoints/device.ts';
import { generateTokenQr } from '../../client/endpoints/profile.ts';
import { parsePairingPayload } from '../../client/pairing-payload.ts';
import { isPrivicoreError } from '../../client/privicore-error.ts';
import { redeemPairing } from '../../client/redeem-pairing.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { startTestEngine } from '../support/engine.ts';
import { MemorySecretStore } from '../support/memory-secrets.ts';
import { signUpVaultUser, type VaultUser } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let owner: VaultUser;

beforeAll(async () => {
  engine = await startTestEngine();
  owner = await signUpVaultUser(engine, { storage: false });
});

afterAll(async () => {
  owner.session.close();
  await engine.close();
});

async function secondMachine() {
  const secrets = new MemorySecretStore();
  const signed = await logIn({
    apiUrl: engine.apiUrl,
    wsUrl: engine.wsUrl,
    secrets,
    username: owner.username,
    password: owner.password,
  });
  expect(signed.missing).toEqual(['private-key', 'data-key']);
  return { secrets, session: signed.session };
}

describe('waiting for the data key', () => {
  it('asks to join, and receives the key once the owner approves and shares it', async () => {
    const machine = await secondMachine();
    try {
      const request = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Second laptop',
      );
      expect((await loadProfileSecrets(machine.secrets, owner.profileId)).devicePrivateKey).toBe(
        request.devicePrivateKey,
      );
      const waiting = awaitDataKey(machine.session, request);
      await owner.session.run(() =>
        approveDevice(owner.session.http, { deviceIdentifier: request.deviceIdentifier }),
      );
      expect(
        await grantDataKey(owner.session, request.deviceIdentifier, owner.session.dataKey!),
      ).toBe('shared');
      const result = await waiting;
      expect(result.state).toBe('received');
      expect(result.state === 'received' && result.dataKey.equals(owner.session.dataKey!)).toBe(
        true,
      );
    } finally {
      machine.session.close();
    }
  });

  it('ends with device-gone when the request is rejected, and cancelled when aborted', async () => {
    const machine = await secondMachine();
    try {
      const request = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Stranger',
      );
      const waiting = awaitDataKey(machine.session, request);
      await owner.session.run(() =>
        rejectDevice(owner.session.http, { deviceIdentifier: request.deviceIdentifier }),
      );
      expect(await waiting).toEqual({ state: 'device-gone' });

      const again = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Stranger again',
      );
      const abort = new AbortController();
      const cancelled = awaitDataKey(machine.session, { ...again, signal: abort.signal });
      abort.abort();
      expect(await cancelled).toEqual({ state: 'cancelled' });
    } finally {
      machine.session.close();
    }
  });

  it('redeems a pairing code as a new device and receives the key the owner shares on DEVICE-PAIRED', async () => {
    const qr = await generateTokenQr(owner.session.http);
    const paired = new Promise<string>((resolve) => {
      const off = owner.session.channel.on('device-paired', (event) => {
        off();
        resolve(event.deviceIdentifier);
      });
    });
    const secrets = new MemorySecretStore();
    const redeemed = await redeemPairing({
      payload: parsePairingPayload(qr.qrPayload),
      deviceName: 'Tablet',
      secrets,
    });
    expect(redeemed.profileId).toBe(owner.profileId);
    expect(await loadProfileSecrets(secrets, owner.profileId)).toEqual({
      authorizationToken: redeemed.authorizationToken,
      devicePrivateKey: redeemed.devicePrivateKey,
    });
    expect(await paired).toBe(redeemed.deviceIdentifier);
    await grantDataKey(owner.session, redeemed.deviceIdentifier, owner.session.dataKey!);

    const session = await resumeSession({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      secrets,
      profileId: redeemed.profileId,
    });
    try {
      const result = await awaitDataKey(session, redeemed);
      expect(result.state === 'received' && result.dataKey.equals(owner.session.dataKey!)).toBe(
        true,
      );
    } finally {
      session.close();
    }

    // A code works once; the second try says so plainly, keeping the contract's reason key.
    const again = await redeemPairing({
      payload: parsePairingPayload(qr.qrPayload),
      deviceName: 'Tablet 2',
      secrets: new MemorySecretStore(),
    }).catch((error: unknown) => error);
    expect(isPrivicoreError(again, 'qr.invalid')).toBe(true);
    expect((again as Error).message).toBe(
      'That pairing code was already used or has expired (codes last 5 minutes). Show a new one on the other device.',
    );
  });
});
