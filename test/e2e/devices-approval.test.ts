import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import {
  download,
  firstComputer,
  keyStatus,
  openTab,
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

describe('desktop app: approving a new computer', () => {
  it('asks for access on B, approves it on A without a reload, and B opens A’s file', async () => {
    const a = await firstComputer(opened);
    const A = a.vault;
    await openTab(A.page, 'Devices');
    await A.page.getByTestId('devices-screen').waitFor();
    await A.page.getByTestId('device-row').first().waitFor();
    await shoot(A.page, 'devices-screen');

    // B signs in with A's password but holds no vault key.
    const B = await secondComputer(opened, A);
    await signIn(B.page, a.username);
    await B.page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    await keyStatus(B.page, 'missing').waitFor({ timeout: 30_000 });
    await B.page.getByText("This computer can't open your files yet.").waitFor();
    await shoot(B.page, 'key-missing');

    await B.page.getByRole('button', { name: 'Ask another device to approve' }).click();
    await keyStatus(B.page, 'waiting-for-approval').waitFor({ timeout: 30_000 });
    await shoot(B.page, 'key-waiting');

    // A sees the request appear on its own, with a notification and the badge.
    const pending = A.page.getByTestId('pending-device');
    await pending.waitFor({ timeout: 30_000 });
    const notification = await A.platform.nextNotification((n) => n.title.includes('Approve'));
    expect(notification.body).toContain('wants to join your vault');
    await expect.poll(() => A.platform.badgeCounts.at(-1), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => A.page.getByTestId('devices-badge').getAttribute('data-count'))
      .toBe('1');
    await A.page.getByText('1 device waiting for approval').waitFor({ state: 'attached' });
    expect(await pending.getAttribute('data-device-id')).toMatch(/^[0-9a-f-]{36}$/);
    await shoot(A.page, 'devices-pending');

    // The tab is a keyboard stop: arrow keys move between screens.
    await A.page.getByRole('tab', { name: 'Devices', exact: true }).focus();
    await A.page.keyboard.press('ArrowRight');
    await A.page.getByTestId('storage-screen').waitFor();
    await A.page.keyboard.press('ArrowLeft');
    await A.page.getByTestId('devices-screen').waitFor();

    // Approve opens the code comparison: both screens show the same code, and both people say so.
    const deviceId = (await pending.getAttribute('data-device-id'))!;
    await pending.getByRole('button', { name: 'Approve…' }).click();
    const dialog = A.page.getByTestId('approve-device-dialog');
    await dialog.waitFor();
    const aCode = dialog.getByTestId('approval-code');
    await aCode.waitFor({ timeout: 60_000 });
    await keyStatus(B.page, 'compare-code').waitFor({ timeout: 60_000 });
    const bCode = await B.page.getByTestId('key-code').textContent();
    expect(bCode).toMatch(/^\d{3} \d{3}$/);
    expect(await aCode.textContent()).toBe(bCode);
    await shoot(A.page, 'prompt-approve-device');
    await shoot(B.page, 'key-compare-code');
    await B.page.getByRole('button', { name: 'The codes match' }).click();
    await keyStatus(B.page, 'waiting-for-approval').waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Codes match — give access' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await pending.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => A.platform.badgeCounts.at(-1), { timeout: 10_000 }).toBe(0);
    await A.page.getByTestId('devices-badge').waitFor({ state: 'detached' });

    // B gets the key and opens A's file, byte for byte.
    await keyStatus(B.page, 'ready').waitFor({ timeout: 30_000 });
    await B.page.getByText('This computer is ready.').waitFor();
    await shoot(B.page, 'key-ready');
    const saved = await download(B, 'plan.txt', a.dir);
    expect(sha256(saved)).toBe(sha256(a.file));

    // A lists B as a device with the key; rename and remove go through dialogs.
    const bRow = A.page.locator(`[data-testid=device-row][data-device-id="${deviceId}"]`);
    await bRow.getByText('Has the vault key').waitFor({ timeout: 30_000 });
    await shoot(A.page, 'devices-approved');
    await bRow.getByRole('button', { name: 'Rename' }).click();
    await shoot(A.page, 'dialog-rename-device');
    await A.page.getByLabel('Device name').fill('Laptop B');
    await A.page.getByRole('dialog').getByRole('button', { name: 'Rename', exact: true }).click();
    await bRow.getByText('Laptop B').waitFor({ timeout: 30_000 });
    await bRow.getByRole('button', { name: 'Remove' }).click();
    await A.page.getByRole('dialog', { name: 'Remove “Laptop B”?' }).waitFor();
    await shoot(A.page, 'dialog-remove-device');
    await A.page.getByRole('button', { name: 'Cancel' }).click();
    await A.page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await bRow.count()).toBe(1);
  });
});
