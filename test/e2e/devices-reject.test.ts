import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import { firstComputer, keyStatus, openTab, secondComputer, signIn } from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

describe('desktop app: turning a computer away', () => {
  it('rejects B’s request on A; B is told and can ask again', async () => {
    const a = await firstComputer(opened);
    const A = a.vault;
    const B = await secondComputer(opened, A);
    await signIn(B.page, a.username);
    await keyStatus(B.page, 'missing').waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'Ask another device to approve' }).click();
    await keyStatus(B.page, 'waiting-for-approval').waitFor({ timeout: 30_000 });

    // A is on Files when the request comes: the badge says so, the notification leads to Devices.
    await A.page.getByTestId('devices-badge').waitFor({ timeout: 30_000 });
    const notification = await A.platform.nextNotification();
    notification.click();
    await A.page.getByTestId('devices-screen').waitFor({ timeout: 10_000 });
    const pending = A.page.getByTestId('pending-device');
    await pending.waitFor({ timeout: 30_000 });
    await pending.getByRole('button', { name: 'Reject' }).click();
    await pending.waitFor({ state: 'detached', timeout: 30_000 });
    await A.page.getByTestId('no-pending').waitFor();

    // B stops waiting and says why, with both ways forward still there.
    await keyStatus(B.page, 'missing').waitFor({ timeout: 30_000 });
    await B.page.getByTestId('key-banner').getByText('declined').waitFor();
    await B.page.getByRole('button', { name: 'Import recovery kit' }).first().waitFor();

    // B asks again: a new request reaches A, which can approve it this time.
    await B.page.getByRole('button', { name: 'Ask another device to approve' }).click();
    await keyStatus(B.page, 'waiting-for-approval').waitFor({ timeout: 30_000 });
    const again = A.page.getByTestId('pending-device');
    await again.waitFor({ timeout: 30_000 });
    expect(await again.count()).toBe(1);
    await again.getByRole('button', { name: 'Approve…' }).click();
    const dialog = A.page.getByTestId('approve-device-dialog');
    await dialog.getByTestId('approval-code').waitFor({ timeout: 60_000 });
    await keyStatus(B.page, 'compare-code').waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'The codes match' }).click();
    await dialog.getByRole('button', { name: 'Codes match — give access' }).click();
    await keyStatus(B.page, 'ready').waitFor({ timeout: 60_000 });
    await openTab(B.page, 'Devices');
    await B.page.getByTestId('devices-screen').waitFor();
  });
});
