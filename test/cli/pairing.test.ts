// Two machines on one remote engine (--engine URL): the owner shows a pairing QR, the new machine
// pairs with its payload and shows a code; the owner types that code and the keys reach the new
// machine wrapped to its own key; it then reads the owner's files. Also device approval from the
// CLI, which compares codes the same way. And attack (a): a device that joined with a code of
// the profile that `qr` did not show gets nothing, from the CLI or the desktop app.
// Run under scripts/with-keyring.sh; each machine uses its own keychain service name.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awaitApprovalCode,
  requestAccess,
  trustApprovedProfileKey,
} from '../../client/access-request.ts';
import { logIn } from '../../client/account.ts';
import { awaitDataKey } from '../../client/await-data-key.ts';
import { META } from '../../client/device-meta.ts';
import { requestUniqueIdentifier, retrieveProfileDevices } from '../../client/endpoints/device.ts';
import { generateTokenQr } from '../../client/endpoints/profile.ts';
import { redeemPairing } from '../../client/redeem-pairing.ts';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { VaultSession } from '../../client/session.ts';
import { runCli, startCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { MemorySecretStore } from '../support/memory-secrets.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: CliEnvironment;
let laptop: CliEnvironment;
let ownerSession: VaultSession;
const username = uniqueName('owner');
let token: string;
const secretFile = randomBytes(50_000);

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
    ...(secrets.privateKey ? { profilePrivateKey: secrets.privateKey } : {}),
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
  it('qr shows the payload and waits; pair joins and shows a code; typed on the owner, the keys arrive', async () => {
    const qr = startCli(owner, ['qr']);
    const payload = (await qr.line(/^privicore:\/\/authorize\?/)).trim();
    expect(payload).toContain(`engine=${encodeURIComponent(engine.apiUrl)}`);
    expect(payload).toMatch(/&secret=[A-Za-z0-9_-]{22}&fp=[A-Za-z0-9_-]{22}$/);

    const pairing = startCli(laptop, ['pair', payload, '--name', 'Laptop', '--wait', '60']);
    const code = /Verification code: (\d{3} \d{3})/.exec(
      await pairing.line(/Verification code: \d{3} \d{3}/),
    )![1]!;
    await qr.line(/Laptop \([0-9a-f-]{36}\) joined with this code/);
    qr.type(code);

    const shown = await qr.result;
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /Paired Laptop \([0-9a-f-]{36}\) and shared the data key with it\./,
    );
    const paired = await pairing.result;
    expect(paired.code).toBe(0);
    expect(paired.stdout).toMatch(/^Paired as device [0-9a-f-]{36} \(Laptop\)/);
    expect(paired.stdout).toContain('The data key arrived');

    const who = JSON.parse(ok(await runCli(laptop, ['--json', 'whoami'])).stdout) as Record<
      string,
      unknown
    >;
    expect(who).toMatchObject({
      engine: engine.apiUrl,
      dataKey: true,
      privateKey: true,
      deviceIdentifier: expect.any(String),
    });
    ok(await runCli(laptop, ['get', token, '-o', 'copy.bin']));
    expect((await readFile(join(laptop.cwd, 'copy.bin'))).equals(secretFile)).toBe(true);

    const devices = ok(await runCli(owner, ['devices'])).stdout;
    expect(devices).toMatch(/Laptop\s+approved\s+-/);
  }, 120_000);

  it('a mistyped code turns the device away: it is removed and gets nothing', async () => {
    const qr = startCli(owner, ['qr']);
    const payload = (await qr.line(/^privicore:\/\/authorize\?/)).trim();
    const stranger = await machine('stranger');
    const pairing = startCli(stranger, ['pair', payload, '--name', 'Guess', '--wait', '30']);
    await pairing.line(/Verification code: \d{3} \d{3}/);
    await qr.line(/Guess \([0-9a-f-]{36}\) joined with this code/);
    qr.type('000 000');
    const shown = await qr.result;
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/The codes differ, so Guess was removed and got nothing/);
    const joined = await pairing.result;
    expect(joined.stdout).toContain('The other machine turned this device away');
  }, 120_000);

  it('attack (a): a device that joined with a code qr did not show gets nothing', async () => {
    const qr = startCli(owner, ['qr']);
    const payload = (await qr.line(/^privicore:\/\/authorize\?/)).trim();
    // A code of the same profile that this qr never showed (made with a stolen profile token),
    // redeemed by a real client that proves what it can: a secret it had to guess.
    const foreign = await generateTokenQr(ownerSession.http);
    const redeemed = await redeemPairing({
      payload: {
        qrToken: foreign.qrToken,
        engineUrl: engine.apiUrl,
        secret: randomBytes(16).toString('base64url'),
        fingerprint: new URL(payload.replace('privicore://', 'https://x/')).searchParams.get('fp')!,
      },
      deviceName: 'Intruder',
      secrets: new MemorySecretStore(),
    });
    await qr.line(
      new RegExp(
        `Intruder \\(${redeemed.deviceIdentifier}\\) joined with a code this command did not show`,
      ),
    );
    qr.kill();
    const record = (await retrieveProfileDevices(ownerSession.http)).find(
      (d) => d.deviceIdentifier === redeemed.deviceIdentifier,
    );
    expect(record?.meta[META.wrappedDataKey]).toBeUndefined();
  }, 60_000);

  it('a used or garbled payload fails with one clear line', async () => {
    const qr = JSON.parse(ok(await runCli(owner, ['--json', 'qr'])).stdout) as {
      qrPayload: string;
    };
    expect(qr.qrPayload).toMatch(/&secret=[A-Za-z0-9_-]{22}&fp=[A-Za-z0-9_-]{22}$/);
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
  it('approve compares the code the new device shows, then shares the keys; rename, reject and remove', async () => {
    // The new device: signed in with the password, asking to join (the client code the app uses).
    const secrets = new MemorySecretStore();
    const tablet = await logIn({ apiUrl: engine.apiUrl, secrets, username, password: PASSWORD });
    const request = await requestAccess(tablet.session, secrets, tablet.profileId, 'Tablet');
    const { deviceIdentifier } = request;
    expect(ok(await runCli(owner, ['devices', 'list'])).stdout).toMatch(
      new RegExp(`${deviceIdentifier}\\s+Tablet\\s+pending`),
    );

    // A wrong code approves nothing.
    const asking = awaitApprovalCode(tablet.session, request);
    const wrong = await runCli(owner, ['devices', 'approve', deviceIdentifier, '--code', '000000']);
    const shown = await asking;
    expect(shown.state).toBe('code');
    if (shown.state !== 'code') return;
    if (shown.code.replace(' ', '') !== '000000') {
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/The codes differ, so nothing was approved/);
    }

    await trustApprovedProfileKey(secrets, tablet.profileId, shown.fingerprint);
    const waiting = awaitDataKey(tablet.session, {
      deviceIdentifier,
      devicePrivateKey: request.devicePrivateKey,
      trustedProfileKey: shown.fingerprint,
    });
    const approved = JSON.parse(
      ok(
        await runCli(owner, ['--json', 'devices', 'approve', deviceIdentifier], {
          input: `${shown.code}\n`,
        }),
      ).stdout,
    ) as Record<string, unknown>;
    expect(approved).toEqual({ deviceIdentifier, approved: true, dataKeyShared: true });
    const received = await waiting;
    expect(
      received.state === 'received' && received.keys.dataKey.equals(ownerSession.dataKey!),
    ).toBe(true);
    tablet.session.close();

    ok(await runCli(owner, ['devices', 'rename', deviceIdentifier, 'Kitchen tablet']));
    expect(
      (await retrieveProfileDevices(ownerSession.http)).find(
        (d) => d.deviceIdentifier === deviceIdentifier,
      )?.name,
    ).toBe('Kitchen tablet');
    const again = await runCli(owner, ['devices', 'approve', deviceIdentifier]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/privicore-vault: That device is not waiting for approval\.\n$/);
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
