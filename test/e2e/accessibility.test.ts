// axe-core over every main screen and every dialog of the desktop app, in light and in dark, at
// the smallest window (800×600) and a large one: any violation fails. The screens are reached the way a person reaches them, with real data
// (files, folders, devices, transfers) so that what is checked is what people see.

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tempDir } from '../support/engine.ts';
import { expectAccessible } from './axe.ts';
import { openTab, PASSWORD, uniqueName } from './devices-steps.ts';
import { closeBrowser, launchVault, type LaunchedVault } from './harness.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

function file(dir: string, name: string, bytes: number): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, randomBytes(bytes));
  return path;
}

/** Opens a dialog, checks it, and closes it with Escape. */
async function checkDialog(page: Page, label: string, open: () => Promise<void>): Promise<void> {
  await open();
  await page.getByRole('dialog').waitFor();
  await expectAccessible(page, `dialog: ${label}`);
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

describe.each([
  { width: 800, height: 600 },
  { width: 1920, height: 1080 },
])('accessibility at $width×$height (axe-core, light and dark)', (viewport) => {
  it('has no violation on any main screen or dialog', async () => {
    const vault = await launchVault({ gate: true, viewport });
    opened.push(vault);
    const { page, platform } = vault;
    const dir = tempDir('privicore-e2e-axe-');
    const username = uniqueName('axe');

    // Onboarding: sign up, sign in with a wrong password, joining by code.
    await page
      .getByTestId('sign-up-form')
      .or(page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('sign-up-tab').click();
    await expectAccessible(page, 'onboarding: sign up');
    await page.getByTestId('sign-in-tab').click();
    await page.getByLabel('Username').fill('nobody-here');
    await page.getByLabel('Password', { exact: true }).fill('a wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('auth-error').waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'onboarding: sign-in error');
    await page.getByTestId('join-entry').click();
    await page.getByTestId('onboarding-join').waitFor();
    await expectAccessible(page, 'onboarding: join with a code');
    await page.getByRole('button', { name: 'Cancel' }).first().click();

    await page.getByTestId('sign-up-tab').click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    await page.getByTestId('empty-state').waitFor();
    await expectAccessible(page, 'files: empty');

    // Files with folders, a failed and a finished transfer in the panel.
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill('reports/2026');
    await expectAccessible(page, 'dialog: new folder');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    platform.nextFiles = [
      file(dir, 'summary.pdf', 3000),
      file(dir, 'numbers.csv', 1000),
      join(dir, 'missing.txt'),
    ];
    await page.getByRole('button', { name: 'Add files' }).click();
    await page
      .getByTestId('batch-summary')
      .filter({ hasText: '2 files secured, 1 failed' })
      .waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=file-row][data-name="summary.pdf"]').waitFor();
    await expectAccessible(page, 'files: list with transfers');

    const first = page.locator('[data-testid=file-row][data-name="numbers.csv"]');
    await first.click();
    await page.getByTestId('details-toggle').click();
    await page.getByTestId('details-pane').getByTestId('details-token').waitFor();
    await expectAccessible(page, 'files: details');
    await page.getByRole('button', { name: 'Close details' }).click();

    await first.click();
    await page.keyboard.press('Control+a');
    await page.getByTestId('selection-bar').waitFor();
    await expectAccessible(page, 'files: several selected');
    const bar = page.getByTestId('selection-bar');
    await checkDialog(page, 'move several', () =>
      bar.getByRole('button', { name: 'Move' }).click(),
    );
    await checkDialog(page, 'classify several', () =>
      bar.getByRole('button', { name: 'Classify' }).click(),
    );
    await checkDialog(page, 'delete several', () =>
      bar.getByRole('button', { name: 'Delete' }).click(),
    );
    await page.keyboard.press('Escape');

    for (const [action, label] of [
      ['Rename', 'rename'],
      ['Move', 'move'],
      ['Classify', 'classify'],
      ['Delete', 'delete'],
    ] as const) {
      await checkDialog(page, label, () => first.getByRole('button', { name: action }).click());
    }
    await checkDialog(page, 'rename folder', () =>
      page.getByRole('button', { name: 'Rename folder' }).click(),
    );
    await checkDialog(page, 'delete folder', async () => {
      await page.getByRole('button', { name: 'Delete folder' }).click();
      await page.getByTestId('delete-folder-count').filter({ hasText: '2 files' }).waitFor();
    });

    const search = page.getByTestId('search-input');
    await search.fill('nothing matches this');
    await search.press('Enter');
    await page.getByTestId('empty-state').waitFor();
    await expectAccessible(page, 'files: no search results');
    await search.fill('');
    await search.press('Enter');

    // An upload held mid-way: the sign-out question, then the interrupted upload with Retry.
    const held = vault.gate!.holdUploadAfter(256 * 1024);
    platform.nextFiles = [file(dir, 'large.bin', 4 * 1024 * 1024)];
    await page.getByRole('button', { name: 'Add files' }).click();
    await held;
    await checkDialog(page, 'sign out with a transfer running', () =>
      page.getByRole('button', { name: 'Sign out' }).click(),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel it and sign out' }).click();
    await page.getByTestId('sign-in-form').waitFor({ timeout: 30_000 });
    vault.gate!.release();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('[data-testid=transfer-row][data-state=interrupted]')
      .waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'files: interrupted upload');

    // Devices.
    await openTab(page, 'Devices');
    await page.getByTestId('device-row').first().waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'devices');
    const device = page.getByTestId('device-row').first();
    await checkDialog(page, 'rename device', () =>
      device.getByRole('button', { name: 'Rename' }).click(),
    );
    await checkDialog(page, 'remove device', () =>
      device.getByRole('button', { name: 'Remove' }).click(),
    );
    await checkDialog(page, 'join with a code while signed in', () =>
      page.getByTestId('join-button').click(),
    );
    await page.getByTestId('pair-button').click();
    await page.getByTestId('pairing-payload').waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'devices: pairing code');
    await page.getByTestId('pair-button').click();

    // Storage, with both removal dialogs.
    await openTab(page, 'Storage');
    const rows = page.getByTestId('storage-device-row');
    await rows.nth(2).waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'storage');
    await checkDialog(page, 'remove storage', () =>
      rows.first().getByRole('button', { name: 'Remove' }).click(),
    );

    // Account, with the recovery kit dialogs.
    await openTab(page, 'Account');
    await page.getByTestId('account-screen').waitFor();
    await page.getByTestId('account-username').getByText(username).waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'account');
    await checkDialog(page, 'export recovery kit', () =>
      page.getByTestId('export-kit-button').click(),
    );
    await checkDialog(page, 'import recovery kit', () =>
      page.getByTestId('import-kit-button').click(),
    );

    // The last storage device's removal, on its own profile's screen.
    await openTab(page, 'Storage');
    for (let left = 3; left > 1; left--) {
      await rows.first().getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await rows.nth(left - 2).waitFor();
      await rows.nth(left - 1).waitFor({ state: 'detached', timeout: 30_000 });
    }
    await checkDialog(page, 'remove the last storage device', () =>
      rows.first().getByRole('button', { name: 'Remove' }).click(),
    );
  }, 300_000);
});
