// Attack (a) of issue 9, against a real engine with the real clients running: the owner's CLI
// waits in `qr` and the owner's desktop app has its pairing panel open. An attacker holding only
// a storage device's bundle token can neither make nor use a pairing code, nor read anything;
// one holding a stolen profile token makes its own code and redeems it, and neither client
// shares a key with that device, so nothing it can reach decrypts a stored file.
// Run under scripts/with-keyring.sh (the CLI keeps its keys in the keychain).

import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileKeyFingerprint } from '../../client/crypto/pairing-codes.ts';
import { signedPublicKeyFromPrivate } from '../../client/crypto/profile-key.ts';
import { META } from '../../client/device-meta.ts';
import { retrieveProfileDevices } from '../../client/endpoints/device.ts';
import { generateTokenQr } from '../../client/endpoints/profile.ts';
import { redeemPairing } from '../../client/redeem-pairing.ts';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import {
  loadProfileSecrets,
  saveProfileSecrets,
  type ProfileSecrets,
} from '../../client/secrets/profile-secrets.ts';
import { VaultSession } from '../../client/session.ts';
import { inProcessEngineHandle } from '../../main/engine-handle.ts';
import { runCli, startCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { startDesktop, shared, type Desktop } from '../support/desktop.ts';
import { wire } from '../support/http.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { MemorySecretStore } from '../support/memory-secrets.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { addStorageDevice } from '../support/storage-devices.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: CliEnvironment;
let desktop: Desktop;
let ownerSession: VaultSession;
let profileId: string;
let storedToken: string;
let ownerKeys: ProfileSecrets;
const held = () => ownerKeys;
const username = uniqueName('owner');

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  const base = join(engine.dir, 'owner');
  owner = {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: join(base, 'work'),
    keychainService: `privicore-vault-test-attack-${randomBytes(4).toString('hex')}`,
  };
  await mkdir(owner.cwd, { recursive: true });
  ok(
    await runCli(owner, ['--engine', engine.apiUrl, 'signup', username, '--password-stdin'], {
      input: PASSWORD,
    }),
  );
  profileId = (
    JSON.parse(ok(await runCli(owner, ['--json', 'whoami'])).stdout) as { profileId: string }
  ).profileId;
  ownerKeys = await loadProfileSecrets(new KeychainStore(owner.keychainService), profileId);
  const held = ownerKeys;
  await engine.ensureLocalStorage(held.authorizationToken!);
  ownerSession = await VaultSession.open({
    apiUrl: engine.apiUrl,
    authorizationToken: held.authorizationToken!,
  });
  await writeFile(join(owner.cwd, 'secret.bin'), randomBytes(4096));
  storedToken = ok(await runCli(owner, ['put', 'secret.bin'])).stdout.split('  ')[0]!;

  // The owner's desktop app on the same account, holding the same keys.
  desktop = await startDesktop({
    engine: shared(inProcessEngineHandle(engine)),
    remoteEngine: engine.apiUrl,
  });
  await saveProfileSecrets(desktop.secrets, profileId, {
    dataKey: held.dataKey!,
    privateKey: held.privateKey!,
  });
  await desktop.call('session:signIn', { username, password: PASSWORD });
  expect((await desktop.call('vault:keyStatus')).state).toBe('ready');
});

afterAll(async () => {
  ownerSession?.close();
  await desktop?.close();
  await engine.close();
  await rm(engine.dir, { recursive: true, force: true });
});

describe('attack (a): pairing with a stolen token', () => {
  it('a storage device’s bundle token can neither make a code nor reach anything to decrypt', async () => {
    const { bundle } = await addStorageDevice(wire(engine.apiUrl), ownerSession.authorizationToken);
    const nas = wire(engine.apiUrl);
    const qr = await nas.post('/profile/generate-token-qr', {}, bundle.deviceToken);
    expect(qr.body).toMatchObject({ status: 403, reason: 'auth.token_kind_not_allowed' });
    for (const [path, fields] of [
      ['/data-token/request-data', { token: storedToken }],
      ['/device/configure-meta', { deviceIdentifier: bundle.deviceIdentifier, x: '1' }],
    ] as const) {
      expect((await nas.post(path, fields, bundle.deviceToken)).status, path).toBe(403);
    }
    for (const path of ['/data-token/list-data-tokens', '/device/retrieve-profile-devices']) {
      expect((await nas.get(path, bundle.deviceToken)).status, path).toBe(403);
    }
  });

  it('a device that redeems a code the owner did not show gets no key from the CLI or the app', async () => {
    const cliQr = startCli(owner, ['qr']);
    await cliQr.line(/^privicore:\/\/authorize\?/);
    await desktop.call('pairing:createQr');

    // The attacker's own code, made with a profile token it stole and redeemed by a real client
    // with a key of its own; the secret it has to prove it can only guess.
    const foreign = await generateTokenQr(ownerSession.http);
    const redeemed = await redeemPairing({
      payload: {
        qrToken: foreign.qrToken,
        engineUrl: engine.apiUrl,
        secret: randomBytes(16).toString('base64url'),
        fingerprint: profileKeyFingerprint(signedPublicKeyFromPrivate(held().privateKey!)),
      },
      deviceName: 'Intruder',
      secrets: new MemorySecretStore(),
    });
    const id = redeemed.deviceIdentifier;

    // Both clients looked at it and turned it down.
    await cliQr.line(
      new RegExp(`Intruder \\(${id}\\) joined with a code this command did not show`),
    );
    expect(
      await desktop.event('pairing:stranger', (stranger) => stranger.deviceIdentifier === id),
    ).toEqual({ deviceIdentifier: id, deviceName: 'Intruder' });
    cliQr.kill();
    await desktop.call('pairing:close');

    // Nothing the attacker can reach opens a stored file: no key was left in its record, and
    // its own session (with its device token) has no data key to decrypt with.
    const record = (await retrieveProfileDevices(ownerSession.http)).find(
      (device) => device.deviceIdentifier === id,
    );
    expect(record?.meta[META.wrappedDataKey]).toBeUndefined();
    const attacker = await VaultSession.open({
      apiUrl: engine.apiUrl,
      authorizationToken: redeemed.authorizationToken,
    });
    try {
      await expect(
        (async () => attacker.retrieveFile(storedToken, join(owner.cwd, 'stolen.bin')))(),
      ).rejects.toMatchObject({ reason: 'client.no_data_key' });
    } finally {
      attacker.close();
    }
  });
});
