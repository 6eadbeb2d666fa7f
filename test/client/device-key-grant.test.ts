// Key wrapping to a new device, against a real engine: the owner wraps the data key to the
// device's own public key (shareDataKey, grantDataKey), the device opens it with its private key
// (receiveDataKey), and a device whose key the engine made never gets it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProfileKeyPair } from '../../client/crypto/profile-key.ts';
import {
  receiveDataKey,
  shareDataKey,
  WRAPPED_DATA_KEY_FIELD,
} from '../../client/data-key-share.ts';
import { grantDataKey } from '../../client/device-key-grant.ts';
import {
  approveDevice,
  downloadDeviceConfiguration,
  requestUniqueIdentifier,
  retrieveProfileDevices,
} from '../../client/endpoints/device.ts';
import { HttpClient } from '../../client/http.ts';
import { startTestEngine } from '../support/engine.ts';
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

/** A device of the owner's profile, approved, with a key pair of its own (or the engine's). */
async function newDevice(name: string, ownKey: boolean) {
  const { session } = owner;
  const keys = generateProfileKeyPair();
  const { deviceIdentifier } = await session.run(() =>
    requestUniqueIdentifier(session.http, {
      deviceName: name,
      ...(ownKey ? { publicKey: keys.publicKey } : {}),
    }),
  );
  await session.run(() => approveDevice(session.http, { deviceIdentifier }));
  return { deviceIdentifier, keys };
}

describe('sharing the data key with a new device', () => {
  it('round-trips through shareDataKey and receiveDataKey, read with the device’s own token', async () => {
    const { session } = owner;
    const { deviceIdentifier, keys } = await newDevice('Laptop', true);
    const device = await (async () => {
      const bundle = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
      return new HttpClient({ apiUrl: engine.apiUrl, token: () => bundle.deviceToken });
    })();
    try {
      expect(await receiveDataKey(device, deviceIdentifier, keys.privateKey)).toBeUndefined();
      await shareDataKey(session, deviceIdentifier, session.dataKey!);
      const received = await receiveDataKey(device, deviceIdentifier, keys.privateKey);
      expect(received?.equals(session.dataKey!)).toBe(true);
      // What the engine holds is the wrapped form only.
      const stored = (await retrieveProfileDevices(session.http)).find(
        (d) => d.deviceIdentifier === deviceIdentifier,
      )!.meta[WRAPPED_DATA_KEY_FIELD]!;
      expect(stored).toMatch(/^pkw1\./);
      expect(stored).not.toContain(session.dataKey!.toString('hex'));
      expect(stored).not.toContain(session.dataKey!.toString('base64url'));
      // Another device's private key does not open it.
      await expect(
        receiveDataKey(device, deviceIdentifier, generateProfileKeyPair().privateKey),
      ).rejects.toThrow(/does not open with this private key/);
    } finally {
      device.close();
    }
  });

  it('grantDataKey shares with a device holding its own key, and not with one whose key the engine made', async () => {
    const { session } = owner;
    const own = await newDevice('Phone', true);
    expect(await grantDataKey(session, own.deviceIdentifier, session.dataKey!)).toBe('shared');
    expect(
      (await receiveDataKey(session.http, own.deviceIdentifier, own.keys.privateKey))?.equals(
        session.dataKey!,
      ),
    ).toBe(true);

    const engineKeyed = await newDevice('NAS', false);
    expect(await grantDataKey(session, engineKeyed.deviceIdentifier, session.dataKey!)).toBe(
      'engine-held-key',
    );
    const record = (await retrieveProfileDevices(session.http)).find(
      (d) => d.deviceIdentifier === engineKeyed.deviceIdentifier,
    )!;
    expect(record.meta[WRAPPED_DATA_KEY_FIELD]).toBeUndefined();
  });
});
