// Two machines on one remote engine (--engine URL): the owner shows a pairing QR, the new machine
// pairs with its payload and receives the data key wrapped to its own key, then reads the owner's
// files. Also device approval from the CLI, which shares the data key the same way.
// Run under scripts/with-keyring.sh; each machine uses its own keychain service name.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProfileKeyPair } from '../../client/crypto/profile-key.ts';
import { receiveDataKey } from '../../client/data-key-share.ts';
import {
  downloadDeviceConfiguration,
  requestUniqueIdentifier,
  retrieveProfileDevices,
} from '../../client/endpoints/device.ts';
import { HttpClient } from '../../client/http.ts';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { VaultSession } from '../../client/session.ts';
import { runCli, startCli, type CliEnvironment, type CliResult } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: CliEnvironment;
let laptop: CliEnvironment;
let ownerSession: VaultSession;
const username = uniqueName('owner');
let token: string;
const secretFile = randomBytes(50_000);

function ok(result: CliResult): CliResult {
  if (result.code !== 0)
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

async function machine(name: string): Promise<CliEnvironment> {
  const base = join(engine.dir, name);
  const env = {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: join(base, 'work'),
    keychainService: `privicore-vault-test-${name}-${randomBytes(4).toString('hex')}`,
  };
  await mkdir(env.cwd, { recursive: true });
  return env;
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  owner = await machine('owner');
  laptop = await machine('laptop');
  ok(
    await runCli(owner, ['--engine', engine.apiUrl, 'signup', username, '--password-stdin'], {
      input: PASSWORD,
    }),
  );
  const profileId = (
    JSON.parse(ok(await runCli(owner, ['--json', 'whoami'])).stdout) as { profileId: string }
  ).profileId;
  const secrets = await loadProfileSecrets(new KeychainStore(owner.keychainService), profileId);
  // A remote engine's storage devices are the engine's business; here, the embedded host's.
  await engine.ensureLocalStorage(secrets.authorizationToken!);
  ownerSession = await VaultSession.open({
    apiUrl: engine.apiUrl,
    authorizationToken: secrets.authorizationToken!,
    ...(secrets.dataKey ? { dataKey: secrets.dataKey } : {}),
  });
  await writeFile(join(owner.cwd, 'secret.bin'), secretFile);
  token = ok(await runCli(owner, ['put', 'secret.bin'])).stdout.split('  ')[0]!;
});

afterAll(async () => {
  ownerSession?.close();
  await engine.close();
  await rm(engine.dir, { recursive: true, force: true });
});

describe('QR pairing between two machines', () => {
  it('qr shows the payload and waits; pair joins and receives the data key; the new machine reads the files', async () => {
    const qr = startCli(owner, ['qr']);
    const payload = (await qr.line(/^privicore:\/\/authorize\?/)).trim();
    expect(payload).toContain(`engine=${encodeURIComponent(engine.apiUrl)}`);

    const paired = ok(await runCli(laptop, ['pair', payload, '--name', 'Laptop', '--wait', '30']));
    expect(paired.stdout).toMatch(/^Paired as device [0-9a-f-]{36} \(Laptop\)/);
    expect(paired.stdout).toContain('The data key arrived');

    const shown = await qr.result;
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /Paired Laptop \([0-9a-f-]{36}\) and shared the data key with it\./,
    );

    const who = JSON.parse(ok(await runCli(laptop, ['--json', 'whoami'])).stdout) as Record<
      string,
      unknown
    >;
    expect(who).toMatchObject({
      engine: engine.apiUrl,
      dataKey: true,
      privateKey: false,
      deviceIdentifier: expect.any(String),
    });
    ok(await runCli(laptop, ['get', token, '-o', 'copy.bin']));
    expect((await readFile(join(laptop.cwd, 'copy.bin'))).equals(secretFile)).toBe(true);

    const devices = ok(await runCli(owner, ['devices'])).stdout;
    expect(devices).toMatch(/Laptop\s+approved\s+-/);
  }, 120_000);

  it('a used or garbled payload fails with one clear line', async () => {
    const qr = JSON.parse(ok(await runCli(owner, ['--json', 'qr'])).stdout) as {
      qrPayload: string;
    };
    const third = await machine('third');
    ok(await runCli(third, ['pair', qr.qrPayload, '--wait', '0']));
    const again = await runCli(await machine('fourth'), ['pair', qr.qrPayload, '--wait', '0']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toBe(
      'privicore-vault: That pairing code is used, expired or unknown: show a new one with `privicore-vault qr`.\n',
    );
  }, 60_000);
});

describe('devices from the CLI', () => {
  it('approve shares the data key with the new device; rename, reject and remove', async () => {
    const keys = generateProfileKeyPair();
    const { deviceIdentifier } = await ownerSession.run(() =>
      requestUniqueIdentifier(ownerSession.http, {
        deviceName: 'Tablet',
        publicKey: keys.publicKey,
      }),
    );
    expect(ok(await runCli(owner, ['devices', 'list'])).stdout).toMatch(
      new RegExp(`${deviceIdentifier}\\s+Tablet\\s+pending`),
    );

    const approved = JSON.parse(
      ok(await runCli(owner, ['--json', 'devices', 'approve', deviceIdentifier])).stdout,
    ) as Record<string, unknown>;
    expect(approved).toEqual({ deviceIdentifier, approved: true, dataKeyShared: true });
    const bundle = await downloadDeviceConfiguration(ownerSession.http, { deviceIdentifier });
    const device = new HttpClient({ apiUrl: engine.apiUrl, token: () => bundle.deviceToken });
    expect(
      (await receiveDataKey(device, deviceIdentifier, keys.privateKey))?.equals(
        ownerSession.dataKey!,
      ),
    ).toBe(true);
    device.close();

    ok(await runCli(owner, ['devices', 'rename', deviceIdentifier, 'Kitchen tablet']));
    expect(
      (await retrieveProfileDevices(ownerSession.http)).find(
        (d) => d.deviceIdentifier === deviceIdentifier,
      )?.name,
    ).toBe('Kitchen tablet');
    const again = await runCli(owner, ['devices', 'approve', deviceIdentifier]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('privicore-vault: That device is not waiting for approval.\n');
    ok(await runCli(owner, ['devices', 'remove', deviceIdentifier]));

    const { deviceIdentifier: stranger } = await ownerSession.run(() =>
      requestUniqueIdentifier(ownerSession.http, { deviceName: 'Stranger' }),
    );
    expect(ok(await runCli(owner, ['devices', 'reject', stranger])).stdout).toBe(
      `Rejected ${stranger}.\n`,
    );
    const devices = await retrieveProfileDevices(ownerSession.http);
    expect(
      devices.some(
        (d) => d.deviceIdentifier === stranger || d.deviceIdentifier === deviceIdentifier,
      ),
    ).toBe(false);
  }, 120_000);
});
