// The account through main's real handlers: what it shows, changing the password (a wrong
// current one refused in plain words, the old one refused afterwards), and the recovery kit —
// written on A (given path or save dialog), opened on a fresh installation C that signed in with
// the password and had no keys, after which C opens A's files. Also pausing transfers.

import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileSecrets } from '../../../client/secrets/profile-secrets.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
const opened: Desktop[] = [];
const username = uniqueName('account');
const NEW_PASSWORD = 'a brand new password';
const PASSPHRASE = 'correct staple battery horse';
const secret = randomBytes(90_000);
let token: string;

async function desktop(): Promise<Desktop> {
  const machine = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  opened.push(machine);
  return machine;
}

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await desktop();
  await a.call('session:signUp', { username, password: PASSWORD });
  const file = join(a.dir, 'taxes.pdf');
  await writeFile(file, secret);
  token = (
    await a.transferEnded(
      (await a.call('files:upload', { paths: [file], context: '/' })).transfers[0]!.id,
    )
  ).token!;
});

afterAll(async () => {
  for (const machine of opened) await machine.close();
  await engine.close();
});

describe('account', () => {
  it('shows who is signed in, where', async () => {
    expect(await a.call('account:get')).toEqual({
      profileId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username,
      engineUrl: engine.apiUrl,
      engineMode: 'embedded',
      expiresAt: expect.any(String),
      deviceIdentifier: null,
    });
    expect(await a.call('vault:keyStatus')).toEqual({
      state: 'ready',
      deviceIdentifier: null,
      notice: null,
      code: null,
    });
  });

  it('changes the password; a wrong current one is refused plainly, and the old one no longer signs in', async () => {
    await expect(
      a.call('account:changePassword', {
        currentPassword: 'not my password',
        newPassword: NEW_PASSWORD,
      }),
    ).rejects.toMatchObject({
      message: 'Your current password is not right.',
    });
    await a.call('account:changePassword', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    const b = await desktop();
    await expect(b.call('session:signIn', { username, password: PASSWORD })).rejects.toMatchObject({
      reason: 'auth.invalid_credentials',
    });
    expect((await b.call('session:signIn', { username, password: NEW_PASSWORD })).status).toBe(
      'signed-in',
    );
    // A's session lives on (the contract keeps existing tokens).
    expect((await a.call('account:get')).username).toBe(username);
    const short = await a.reply('account:changePassword', {
      currentPassword: NEW_PASSWORD,
      newPassword: 'short',
    });
    expect(short).toMatchObject({ ok: false, error: { reason: 'bridge.invalid_input' } });
  });

  it('writes a recovery kit on A and restores the keys from it on a fresh installation C, which then opens A’s files', async () => {
    const kit = join(a.dir, 'kit.json');
    expect(await a.call('account:exportRecoveryKit', { passphrase: PASSPHRASE, target: kit })).toBe(
      kit,
    );
    expect((await stat(kit)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(kit, 'utf8'))).toMatchObject({
      format: 'privicore-vault-recovery-kit',
      version: 2,
    });
    const written = await readFile(kit, 'utf8');
    await expect(
      a.call('account:exportRecoveryKit', { passphrase: PASSPHRASE, target: kit }),
    ).rejects.toMatchObject({ reason: 'recovery.target_exists' });
    expect(await readFile(kit, 'utf8')).toBe(written);

    // The save dialog: cancelled, then chosen (with a default name that says whose kit it is).
    expect(await a.call('account:exportRecoveryKit', { passphrase: PASSPHRASE })).toBeNull();
    expect(a.platform.dialogDefaults.at(-1)).toBe(
      `privicore-recovery-kit-${username.replace('@', '_')}.json`,
    );
    a.platform.nextRecoveryKitTarget = join(a.dir, 'chosen.json');
    expect(await a.call('account:exportRecoveryKit', { passphrase: PASSPHRASE })).toBe(
      join(a.dir, 'chosen.json'),
    );
    // Chosen again in the dialog (which asked about replacing it): replaced.
    a.platform.nextRecoveryKitTarget = join(a.dir, 'chosen.json');
    expect(await a.call('account:exportRecoveryKit', { passphrase: PASSPHRASE })).toBe(
      join(a.dir, 'chosen.json'),
    );

    const c = await desktop();
    await c.call('session:signIn', { username, password: NEW_PASSWORD });
    expect(await c.call('vault:keyStatus')).toEqual({
      state: 'missing',
      deviceIdentifier: null,
      notice: null,
      code: null,
    });
    await expect(
      c.call('account:exportRecoveryKit', {
        passphrase: PASSPHRASE,
        target: join(c.dir, 'nothing.json'),
      }),
    ).rejects.toThrow(/doesn't hold the vault key, so there is nothing to put in a recovery kit/);

    await expect(
      c.call('account:importRecoveryKit', { passphrase: 'the wrong passphrase', path: kit }),
    ).rejects.toMatchObject({
      message:
        "That passphrase doesn't open this recovery kit. Check it and try again (if it is right, the file is damaged).",
      reason: 'recovery.wrong_passphrase',
    });
    await expect(
      c.call('account:importRecoveryKit', {
        passphrase: PASSPHRASE,
        path: join(a.dir, 'taxes.pdf'),
      }),
    ).rejects.toMatchObject({
      reason: 'recovery.not_a_kit',
    });
    expect(await c.call('account:importRecoveryKit', { passphrase: PASSPHRASE })).toBeNull();
    c.platform.nextRecoveryKitFile = kit;
    expect(await c.call('account:importRecoveryKit', { passphrase: PASSPHRASE })).toEqual({
      state: 'ready',
      deviceIdentifier: null,
      notice: null,
      code: null,
    });
    expect(await c.event('vault:keyStatus', (status) => status.state === 'ready')).toBeDefined();

    const profileId = (await c.call('account:get')).profileId;
    const aKeys = await loadProfileSecrets(a.secrets, profileId);
    const cKeys = await loadProfileSecrets(c.secrets, profileId);
    expect(cKeys.dataKey?.equals(aKeys.dataKey!)).toBe(true);
    expect(cKeys.privateKey).toBe(aKeys.privateKey);

    const target = join(c.dir, 'taxes.pdf');
    expect(
      (
        await c.transferEnded(
          (await c.call('files:download', { token, fileName: 'taxes.pdf', target }))!.id,
        )
      ).state,
    ).toBe('done');
    expect((await readFile(target)).equals(secret)).toBe(true);
  });

  it('refuses a kit of another account', async () => {
    const other = await desktop();
    await other.call('session:signUp', { username: uniqueName('other'), password: PASSWORD });
    await expect(
      other.call('account:importRecoveryKit', {
        passphrase: PASSPHRASE,
        path: join(a.dir, 'kit.json'),
      }),
    ).rejects.toThrow(
      `This recovery kit belongs to another account (${username}). Sign in as ${username} to use it.`,
    );
  });

  it('pauses and resumes transfers, telling the window and the tray', async () => {
    expect(await a.call('app:setTransfersPaused', { paused: true })).toEqual({
      pendingApprovals: 0,
      openBallots: 0,
      transfersPaused: true,
    });
    expect(await a.event('app:state', (state) => state.transfersPaused)).toEqual({
      pendingApprovals: 0,
      openBallots: 0,
      transfersPaused: true,
    });
    expect(await a.call('app:state')).toEqual({
      pendingApprovals: 0,
      openBallots: 0,
      transfersPaused: true,
    });
    const file = join(a.dir, 'later.txt');
    await writeFile(file, 'later');
    const queued = (await a.call('files:upload', { paths: [file], context: '/' })).transfers[0]!;
    expect(
      (await a.call('files:transfers')).find((transfer) => transfer.id === queued.id)?.state,
    ).toBe('queued');
    expect(await a.call('app:setTransfersPaused', { paused: false })).toEqual({
      pendingApprovals: 0,
      openBallots: 0,
      transfersPaused: false,
    });
    expect((await a.transferEnded(queued.id)).state).toBe('done');
    expect(await a.reply('app:setTransfersPaused', { paused: 'yes' })).toMatchObject({
      ok: false,
      error: { reason: 'bridge.invalid_input' },
    });
  });

  it('validates the recovery inputs', async () => {
    for (const input of [
      { passphrase: 'short' },
      { passphrase: PASSPHRASE, target: 'relative.json' },
      { passphrase: PASSPHRASE, extra: 1 },
    ]) {
      expect(
        await a.reply('account:exportRecoveryKit', input),
        JSON.stringify(input),
      ).toMatchObject({ ok: false, error: { reason: 'bridge.invalid_input' } });
    }
    expect(
      await a.reply('account:importRecoveryKit', { passphrase: PASSPHRASE, path: 'kit.json' }),
    ).toMatchObject({ ok: false });
  });
});
