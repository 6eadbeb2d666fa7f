// Sign out everywhere (issue 9): from the Account screen of one instance, every other session of
// the account ends; the other instance returns to sign-in and says why.
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import { firstComputer, openTab, secondComputer, shoot, signIn } from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

describe('desktop app: sign out everywhere', () => {
  it('ends the other instance’s session and keeps this one', async () => {
    const a = await firstComputer(opened);
    const A = a.vault;
    const B = await secondComputer(opened, A);
    await signIn(B.page, a.username);
    await B.page.getByTestId('files-screen').waitFor({ timeout: 60_000 });

    await openTab(A.page, 'Account');
    await A.page.getByTestId('sign-out-everywhere-button').click();
    const dialog = A.page.getByTestId('sign-out-everywhere-dialog');
    await dialog.waitFor();
    await shoot(A.page, 'dialog-sign-out-everywhere');
    await dialog.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await A.page
      .getByTestId('account-message')
      .filter({ hasText: 'Signed out 1 other session' })
      .waitFor({ timeout: 30_000 });

    // B is back at sign-in, told why; A is still signed in.
    await B.page.getByTestId('session-notice').waitFor({ timeout: 60_000 });
    expect(await B.page.getByTestId('session-notice').textContent()).toContain('ended elsewhere');
    await shoot(B.page, 'signed-out-elsewhere');
    await openTab(A.page, 'Files');
    await A.page.getByTestId('files-screen').waitFor();
  });
});
