// A machine without the keys gets them against a real engine, from the owner's real client code:
// by asking to join (access-request.ts ↔ approval-review.ts: the same code on both sides) or by
// redeeming a pairing code (redeem-pairing.ts ↔ pairing-host.ts: a proof of the code's secret),
// then waiting (await-data-key.ts) for keys from the profile key it trusts — and nothing else.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awaitApprovalCode,
  requestAccess,
  trustApprovedProfileKey,
  withdrawAccessRequest,
} from '../../client/access-request.ts';
import { logIn, resumeSession } from '../../client/account.ts';
import { approveReviewed, reviewJoinRequest } from '../../client/approval-review.ts';
import { awaitDataKey } from '../../client/await-data-key.ts';
import { profileKeyFingerprint } from '../../client/crypto/pairing-codes.ts';
import { wrapDataKey } from '../../client/crypto/key-wrap.ts';
import {
  generateProfileKeyPair,
  signedPublicKeyFromPrivate,
} from '../../client/crypto/profile-key.ts';
import { META } from '../../client/device-meta.ts';
import { configureMeta, retrieveProfileDevices } from '../../client/endpoints/device.ts';
import { parsePairingPayload } from '../../client/pairing-payload.ts';
import { PairingHost } from '../../client/pairing-host.ts';
import { isPrivicoreError } from '../../client/privicore-error.ts';
import { redeemPairing } from '../../client/redeem-pairing.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { startTestEngine } from '../support/engine.ts';
import { MemorySecretStore } from '../support/memory-secrets.ts';
import { signUpVaultUser, type VaultUser } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let owner: VaultUser;
const FAST = { intervalMs: 100 };

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

describe('asking to join', () => {
  it('shows the same code on both sides; once both confirm, the keys arrive', async () => {
    const machine = await secondMachine();
    try {
      const request = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Second laptop',
      );
      const held = await loadProfileSecrets(machine.secrets, owner.profileId);
      expect(held.devicePrivateKey).toBe(request.devicePrivateKey);
      expect(held.joinNonce).toBe(request.joinNonce);

      const [asked, reviewed] = await Promise.all([
        awaitApprovalCode(machine.session, request, FAST),
        reviewJoinRequest(owner.session, request.deviceIdentifier, FAST),
      ]);
      expect(asked.state).toBe('code');
      expect(reviewed.state).toBe('ready');
      if (asked.state !== 'code' || reviewed.state !== 'ready') return;
      expect(asked.code).toMatch(/^\d{3} \d{3}$/);
      expect(reviewed.review.code).toBe(asked.code);
      expect(asked.fingerprint).toBe(
        profileKeyFingerprint(signedPublicKeyFromPrivate(owner.session.profilePrivateKey!)),
      );

      await trustApprovedProfileKey(machine.secrets, owner.profileId, asked.fingerprint);
      const waiting = awaitDataKey(machine.session, {
        deviceIdentifier: request.deviceIdentifier,
        devicePrivateKey: request.devicePrivateKey,
        trustedProfileKey: asked.fingerprint,
        ...FAST,
      });
      await approveReviewed(owner.session, reviewed.review);
      const result = await waiting;
      expect(result.state).toBe('received');
      if (result.state !== 'received') return;
      expect(result.keys.dataKey.equals(owner.session.dataKey!)).toBe(true);
      expect(result.keys.profilePrivateKey).toBe(owner.session.profilePrivateKey);
    } finally {
      machine.session.close();
    }
  });

  it('an owner asked again answers alike, so the code stays the same', async () => {
    const machine = await secondMachine();
    try {
      const request = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Again',
      );
      const [asked, first] = await Promise.all([
        awaitApprovalCode(machine.session, request, FAST),
        reviewJoinRequest(owner.session, request.deviceIdentifier, FAST),
      ]);
      const second = await reviewJoinRequest(owner.session, request.deviceIdentifier, FAST);
      expect(first.state === 'ready' && second.state === 'ready').toBe(true);
      if (first.state !== 'ready' || second.state !== 'ready' || asked.state !== 'code') return;
      expect(second.review.code).toBe(first.review.code);
      expect(second.review.code).toBe(asked.code);
    } finally {
      machine.session.close();
    }
  });

  it('a withdrawn request is gone for the owner; a rejected one ends the wait with device-gone', async () => {
    const machine = await secondMachine();
    try {
      const request = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Gone',
      );
      await withdrawAccessRequest(
        machine.session,
        machine.secrets,
        owner.profileId,
        request.deviceIdentifier,
      );
      expect(await reviewJoinRequest(owner.session, request.deviceIdentifier, FAST)).toEqual({
        state: 'device-gone',
      });
      expect(
        (await loadProfileSecrets(machine.secrets, owner.profileId)).joinNonce,
      ).toBeUndefined();

      const again = await requestAccess(machine.session, machine.secrets, owner.profileId, 'Other');
      const abort = new AbortController();
      const cancelled = awaitApprovalCode(machine.session, again, { signal: abort.signal });
      abort.abort();
      expect(await cancelled).toEqual({ state: 'cancelled' });
    } finally {
      machine.session.close();
    }
  });
});

describe('attack (b): a wrap planted in a waiting device’s meta', () => {
  it('is refused and the device keeps waiting, then takes the owner’s real wrap', async () => {
    const machine = await secondMachine();
    try {
      const request = await requestAccess(
        machine.session,
        machine.secrets,
        owner.profileId,
        'Target',
      );
      const [asked, reviewed] = await Promise.all([
        awaitApprovalCode(machine.session, request, FAST),
        reviewJoinRequest(owner.session, request.deviceIdentifier, FAST),
      ]);
      if (asked.state !== 'code' || reviewed.state !== 'ready') throw new Error('no codes');
      const refused: string[] = [];
      const waiting = awaitDataKey(machine.session, {
        deviceIdentifier: request.deviceIdentifier,
        devicePrivateKey: request.devicePrivateKey,
        trustedProfileKey: asked.fingerprint,
        onRefused: (error) => refused.push(error.problem),
        ...FAST,
      });
      const deviceKey = signedPublicKeyFromPrivate(request.devicePrivateKey);
      const plant = async (wrapped: string) =>
        machine.session.run(() =>
          configureMeta(machine.session.http, {
            deviceIdentifier: request.deviceIdentifier,
            meta: { [META.wrappedDataKey]: wrapped },
          }),
        );
      // A token holder's wraps: by a key pair of its own, and in the old format (the device's
      // own token, or any other token of the profile, can write the field).
      await plant(
        wrapDataKey(
          { dataKey: randomBytes(32), profilePrivateKey: generateProfileKeyPair().privateKey },
          deviceKey,
        ),
      );
      await expect.poll(() => refused, { timeout: 15_000 }).toEqual(['wrong-profile']);
      await plant(`pkw1.${'A'.repeat(43)}.${'A'.repeat(16)}.${'A'.repeat(64)}`);
      await expect
        .poll(() => refused, { timeout: 15_000 })
        .toEqual(['wrong-profile', 'old-format']);

      // Still waiting: the owner's real wrap is the one it takes.
      await approveReviewed(owner.session, reviewed.review);
      const result = await waiting;
      expect(
        result.state === 'received' && result.keys.dataKey.equals(owner.session.dataKey!),
      ).toBe(true);
    } finally {
      machine.session.close();
    }
  });
});

describe('QR pairing', () => {
  it('a device that redeemed the code proves it; the owner confirms and the keys arrive', async () => {
    const host = new PairingHost(owner.session, FAST);
    try {
      const code = await host.newCode();
      expect(code.qrPayload).toMatch(/&secret=[A-Za-z0-9_-]{22}&fp=[A-Za-z0-9_-]{22}$/);
      const paired = new Promise<string>((resolve) => {
        const off = owner.session.channel.on('device-paired', (event) => {
          off();
          resolve(event.deviceIdentifier);
        });
      });
      const secrets = new MemorySecretStore();
      const redeemed = await redeemPairing({
        payload: parsePairingPayload(code.qrPayload),
        deviceName: 'Tablet',
        secrets,
      });
      expect(redeemed.profileId).toBe(owner.profileId);
      expect(await loadProfileSecrets(secrets, owner.profileId)).toEqual({
        authorizationToken: redeemed.authorizationToken,
        devicePrivateKey: redeemed.devicePrivateKey,
        trustedProfileKey: redeemed.trustedProfileKey,
      });
      const checked = await host.check(await paired);
      expect(checked.state).toBe('verified');
      if (checked.state !== 'verified') return;
      expect(checked.join).toMatchObject({ deviceName: 'Tablet', code: redeemed.code });
      await host.confirm(redeemed.deviceIdentifier);
      // Once: the same join cannot be confirmed twice.
      await expect(host.confirm(redeemed.deviceIdentifier)).rejects.toMatchObject({
        reason: 'pairing.no_such_join',
      });

      const session = await resumeSession({
        apiUrl: engine.apiUrl,
        wsUrl: engine.wsUrl,
        secrets,
        profileId: redeemed.profileId,
      });
      try {
        const result = await awaitDataKey(session, { ...redeemed, ...FAST });
        expect(
          result.state === 'received' && result.keys.dataKey.equals(owner.session.dataKey!),
        ).toBe(true);
      } finally {
        session.close();
      }

      // A code works once; the second try says so plainly, keeping the contract's reason key.
      const again = await redeemPairing({
        payload: parsePairingPayload(code.qrPayload),
        deviceName: 'Tablet 2',
        secrets: new MemorySecretStore(),
      }).catch((error: unknown) => error);
      expect(isPrivicoreError(again, 'qr.invalid')).toBe(true);
    } finally {
      host.close();
    }
  });

  it('denying removes the device; a closed panel verifies nothing', async () => {
    const host = new PairingHost(owner.session, FAST);
    const code = await host.newCode();
    const redeemed = await redeemPairing({
      payload: parsePairingPayload(code.qrPayload),
      deviceName: 'Unknown phone',
      secrets: new MemorySecretStore(),
    });
    const checked = await host.check(redeemed.deviceIdentifier);
    expect(checked.state).toBe('verified');
    await host.deny(redeemed.deviceIdentifier);
    const devices = await retrieveProfileDevices(owner.session.http);
    expect(devices.some((d) => d.deviceIdentifier === redeemed.deviceIdentifier)).toBe(false);

    const second = await host.newCode();
    host.close();
    const late = await redeemPairing({
      payload: parsePairingPayload(second.qrPayload),
      deviceName: 'Late phone',
      secrets: new MemorySecretStore(),
    });
    expect(await host.check(late.deviceIdentifier)).toEqual({ state: 'closed' });
  });
});
