import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import {
  download,
  firstComputer,
  keyStatus,
  openTab,
  PASSWORD,
  secondComputer,
  sha256,
  shoot,
  signIn,
} from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

const PASSPHRASE = 'correct horse battery';
const NEW_PASSWORD = 'an even longer new password';

describe('desktop app: account and recovery kit', () => {
  it('exports a kit on A, imports it on C, and a changed password locks out the old one', async () => {
    const a = await firstComputer(opened, 'kept.txt');
    const A = a.vault;
    const { page } = A;
    await openTab(page, 'Account');
    await page.getByTestId('account-screen').waitFor();
    await page.getByTestId('account-username').getByText(a.username).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('account-profile-id').textContent()).toBe(a.profileId);
    expect(await page.getByTestId('account-engine').textContent()).toContain('Built-in engine');
    await shoot(page, 'account-screen');

    // Export: the passphrase twice (too short first), then the save dialog.
    await page.getByRole('button', { name: 'Export recovery kit' }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await page.getByLabel('Confirm passphrase').fill('short');
    await page.getByRole('dialog').getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByText('Use at least 15 characters').waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
    await shoot(page, 'dialog-export-kit');
    const kit = join(a.dir, 'vault.recovery-kit');
    A.platform.nextRecoveryKitTarget = kit;
    await page.getByRole('dialog').getByRole('button', { name: 'Export', exact: true }).click();
    await page
      .getByTestId('account-message')
      .filter({ hasText: 'Recovery kit saved' })
      .waitFor({ timeout: 30_000 });

    // C: A's password, none of A's keys; the kit brings them.
    const C = await secondComputer(opened, A);
    await signIn(C.page, a.username);
    await keyStatus(C.page, 'missing').waitFor({ timeout: 60_000 });
    await C.page.getByRole('button', { name: 'Import recovery kit' }).click();
    await C.page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
    C.platform.nextRecoveryKitFile = kit;
    await C.page.getByRole('dialog').getByRole('button', { name: 'Import', exact: true }).click();
    await C.page.getByRole('dialog').getByRole('alert').waitFor({ timeout: 30_000 });
    await shoot(C.page, 'dialog-import-kit-wrong');
    await C.page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    C.platform.nextRecoveryKitFile = kit;
    await C.page.getByRole('dialog').getByRole('button', { name: 'Import', exact: true }).click();
    await keyStatus(C.page, 'ready').waitFor({ timeout: 30_000 });
    const saved = await download(C, 'kept.txt', a.dir);
    expect(sha256(saved)).toBe(sha256(a.file));

    // Change password on A: a wrong current password is refused in words, then it works.
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .locator('[data-testid=account-message][data-tone=error]')
      .waitFor({ timeout: 30_000 });
    await shoot(page, 'account-password-error');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .locator('[data-testid=account-message][data-tone=success]')
      .waitFor({ timeout: 30_000 });
    await shoot(page, 'account-password-changed');

    // The old password no longer signs in; the new one does.
    await C.page.getByTestId('sign-out-button').click();
    await signIn(C.page, a.username, PASSWORD);
    await C.page.getByTestId('auth-error').waitFor({ timeout: 30_000 });
    await C.page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await C.page.getByRole('button', { name: 'Sign in' }).click();
    await C.page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
  });
});
