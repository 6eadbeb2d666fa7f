// Declining the prompts shares nothing (issue 9): turning away a device that joined by QR code
// removes it and ends its session; rejecting in the code comparison turns the request down, and
// the asking computer says so.
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import {
  firstComputer,
  keyStatus,
  openTab,
  secondComputer,
  shoot,
  signIn,
} from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

describe('desktop app: declining a device', () => {
  it('turning away a device that joined by QR code removes it and ends its session', async () => {
    const a = await firstComputer(opened);
    const A = a.vault;
    await openTab(A.page, 'Devices');
    await A.page.getByRole('button', { name: 'Pair a device' }).click();
    const payload = await A.page.getByTestId('pairing-payload').textContent({ timeout: 30_000 });

    const B = await secondComputer(opened, A);
    await B.page
      .getByTestId('sign-up-form')
      .or(B.page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'Join with a QR code' }).click();
    await B.page.getByLabel('Device name').fill('Unknown laptop');
    await B.page.getByLabel('Pairing code', { exact: true }).fill(payload!);
    await B.page.getByRole('button', { name: 'Join this vault' }).click();

    const prompt = A.page.getByTestId('pairing-join-dialog');
    await prompt.waitFor({ timeout: 60_000 });
    await prompt.getByRole('button', { name: 'Turn away' }).click();
    await prompt.waitFor({ state: 'detached', timeout: 30_000 });
    await A.page
      .getByTestId('device-row')
      .filter({ hasText: 'Unknown laptop' })
      .waitFor({ state: 'detached', timeout: 30_000 });

    // B never got the key: its session ended with the device, and it says so.
    await B.page.getByTestId('session-notice').waitFor({ timeout: 60_000 });
    await shoot(B.page, 'turned-away');
    expect(await B.page.getByTestId('files-screen').count()).toBe(0);
  });

  it('rejecting in the code comparison turns the request down; nothing is shared', async () => {
    const a = await firstComputer(opened);
    const A = a.vault;
    const B = await secondComputer(opened, A);
    await signIn(B.page, a.username);
    await keyStatus(B.page, 'missing').waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'Ask another device to approve' }).click();

    await openTab(A.page, 'Devices');
    const pending = A.page.getByTestId('pending-device');
    await pending.waitFor({ timeout: 30_000 });
    await pending.getByRole('button', { name: 'Approve…' }).click();
    const dialog = A.page.getByTestId('approve-device-dialog');
    await dialog.getByTestId('approval-code').waitFor({ timeout: 60_000 });
    await keyStatus(B.page, 'compare-code').waitFor({ timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });

    await keyStatus(B.page, 'missing').waitFor({ timeout: 30_000 });
    await B.page.getByTestId('key-banner').getByText('declined').waitFor();
    await shoot(B.page, 'key-declined');
  });
});
