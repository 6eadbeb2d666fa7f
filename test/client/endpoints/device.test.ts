import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProfileKeyPair } from '../../../client/crypto/profile-key.ts';
import { profileKeyFingerprint } from '../../../client/crypto/pairing-codes.ts';
import { signedPublicKeyFromPrivate } from '../../../client/crypto/profile-key.ts';
import { grantKeys, receiveGrantedKeys } from '../../../client/data-key-grant.ts';
import { META } from '../../../client/device-meta.ts';
import {
  approveDevice,
  configureMeta,
  downloadDeviceConfiguration,
  rejectDevice,
  removeDevice,
  requestUniqueIdentifier,
  retrieveProfileDevices,
  retrieveUniqueIdentifier,
} from '../../../client/endpoints/device.ts';
import { HttpClient } from '../../../client/http.ts';
import type { VaultSession } from '../../../client/session.ts';
import { startTestEngine } from '../../support/engine.ts';
import { signUpVaultUser, type VaultUser } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let user: VaultUser;
let session: VaultSession;

beforeAll(async () => {
  engine = await startTestEngine();
  user = await signUpVaultUser(engine, { storage: false });
  session = user.session;
});

afterAll(async () => {
  session.close();
  await engine.close();
});

describe('device endpoints', () => {
  it('request, pending event, retrieve, list, meta, approve, configuration, remove', async () => {
    const pending = new Promise<{ deviceIdentifier: string; deviceName: string }>((resolve) =>
      session.channel.on('device-pending', resolve),
    );
    const keys = generateProfileKeyPair();
    const accepted = await requestUniqueIdentifier(session.http, {
      deviceName: 'Laptop',
      publicKey: keys.publicKey,
    });
    const { deviceIdentifier } = await session.run(async () => accepted);
    expect(await pending).toMatchObject({ deviceIdentifier, deviceName: 'Laptop' });
    expect(await retrieveUniqueIdentifier(session.http, { id: accepted.commandId })).toEqual({
      deviceIdentifier,
    });

    let devices = await retrieveProfileDevices(session.http);
    expect(devices.find((device) => device.deviceIdentifier === deviceIdentifier)).toMatchObject({
      name: 'Laptop',
      status: 'pending',
      role: null,
      approvedAt: null,
    });

    await session.run(() =>
      configureMeta(session.http, {
        deviceIdentifier,
        name: 'Work laptop',
        meta: { location: 'office' },
      }),
    );
    await expect(
      downloadDeviceConfiguration(session.http, { deviceIdentifier }),
    ).rejects.toMatchObject({ status: 409, reason: 'device.not_approved' });
    await session.run(() => approveDevice(session.http, { deviceIdentifier }));
    await expect(
      session.run(() => approveDevice(session.http, { deviceIdentifier })),
    ).rejects.toMatchObject({ reason: 'device.not_pending' });
    devices = await retrieveProfileDevices(session.http);
    expect(devices.find((device) => device.deviceIdentifier === deviceIdentifier)).toMatchObject({
      name: 'Work laptop',
      status: 'approved',
      meta: { location: 'office' },
    });

    const bundle = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
    expect(bundle).toMatchObject({
      deviceIdentifier,
      engine: { apiUrl: engine.apiUrl },
      keys: { public: keys.publicKey },
    });
    expect(bundle.keys.private).toBeUndefined();

    // The keys reach the device wrapped to its key; only its private key opens them, and only
    // from the profile key it trusts.
    await grantKeys(session, deviceIdentifier, keys.publicKey);
    const device = new HttpClient({ apiUrl: engine.apiUrl, token: () => bundle.deviceToken });
    const trusted = profileKeyFingerprint(signedPublicKeyFromPrivate(session.profilePrivateKey!));
    expect(
      (
        await receiveGrantedKeys(device, deviceIdentifier, keys.privateKey, trusted)
      )?.dataKey.equals(session.dataKey!),
    ).toBe(true);
    expect(
      await receiveGrantedKeys(
        device,
        deviceIdentifier,
        keys.privateKey,
        profileKeyFingerprint(generateProfileKeyPair().publicKey),
      ),
    ).toBeUndefined();
    expect(
      (await retrieveProfileDevices(session.http)).find(
        (d) => d.deviceIdentifier === deviceIdentifier,
      )?.meta[META.wrappedDataKey],
    ).toMatch(/^pkw2\./);
    device.close();

    await session.run(() => removeDevice(session.http, { deviceIdentifier }));
    expect(
      (await retrieveProfileDevices(session.http)).some(
        (d) => d.deviceIdentifier === deviceIdentifier,
      ),
    ).toBe(false);
    await expect(removeDevice(session.http, { deviceIdentifier })).rejects.toMatchObject({
      status: 404,
      reason: 'device.not_found',
    });
  });

  it('reject-device deletes a pending device; rejecting again is rejected', async () => {
    const { deviceIdentifier } = await session.run(() =>
      requestUniqueIdentifier(session.http, { deviceName: 'Stranger' }),
    );
    await session.run(() => rejectDevice(session.http, { deviceIdentifier }));
    expect(
      (await retrieveProfileDevices(session.http)).some(
        (d) => d.deviceIdentifier === deviceIdentifier,
      ),
    ).toBe(false);
    await expect(rejectDevice(session.http, { deviceIdentifier })).rejects.toMatchObject({
      status: 404,
      reason: 'device.not_found',
    });
  });

  it('an engine-generated key pair comes with the configuration', async () => {
    const { deviceIdentifier } = await session.run(() =>
      requestUniqueIdentifier(session.http, { deviceName: 'Keyless' }),
    );
    await session.run(() => approveDevice(session.http, { deviceIdentifier }));
    const bundle = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
    expect(bundle.keys.private).toMatch(/^[0-9a-f]{64}$/);
  });
});
