import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/engine.ts';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import { firstComputer, openTab, shoot } from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

describe('desktop app: storage devices', () => {
  it('adds a folder, synchronizes it, and warns when devices go offline', async () => {
    const a = await firstComputer(opened, 'one.txt');
    const A = a.vault;
    const { page, platform } = A;
    const second = join(a.dir, 'two.txt');
    writeFileSync(second, 'second file\n'.repeat(1000));
    platform.nextFiles = [second];
    await page.getByRole('button', { name: 'Add files' }).click();
    await page
      .getByTestId('batch-summary')
      .filter({ hasText: '1 file secured' })
      .nth(0)
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('file-row').filter({ hasText: 'two.txt' }).waitFor({ timeout: 30_000 });

    await openTab(page, 'Storage');
    await page.getByTestId('storage-screen').waitFor();
    const rows = page.getByTestId('storage-device-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    const health = page.getByTestId('storage-health');
    await expect
      .poll(() => health.getByTestId('health-files').textContent(), { timeout: 30_000 })
      .toBe('2');
    expect(await health.getByTestId('health-copies').textContent()).toBe('3');
    expect(await health.getByTestId('storage-warning').count()).toBe(0);
    expect(await rows.first().getAttribute('data-online')).toBe('true');
    await shoot(page, 'storage-screen');

    // A folder on this computer becomes a fourth device; synchronizing fills it.
    const folder = join(tempDir('privicore-e2e-folder-'), 'vault-copy');
    platform.nextFolder = folder;
    await page.getByRole('button', { name: 'Add a local folder' }).click();
    const added = rows.filter({ hasText: folder });
    await added.waitFor({ timeout: 30_000 });
    expect(await added.getByTestId('storage-tokens').textContent()).toBe('0');
    await added.getByRole('button', { name: 'Synchronize' }).click();
    await added
      .getByTestId('sync-result')
      .filter({ hasText: 'Copied 2 files' })
      .waitFor({ timeout: 60_000 });
    await expect
      .poll(() => added.getByTestId('storage-tokens').textContent(), { timeout: 30_000 })
      .toBe('2');
    expect(await added.getByTestId('storage-bytes').textContent()).toMatch(/KB|bytes/);
    await expect
      .poll(() => health.getByTestId('health-copies').textContent(), { timeout: 30_000 })
      .toBe('4');
    await shoot(page, 'storage-synchronized');

    // Two devices stop: they show offline on the next look, and the health warning appears.
    const engine = A.app.localEngine()!;
    const ids = await Promise.all(
      [0, 1].map(async (i) => (await rows.nth(i).getAttribute('data-device-id'))!),
    );
    const addedId = (await added.getAttribute('data-device-id'))!;
    const stopping = ids.filter((id) => id !== addedId).slice(0, 2);
    if (stopping.length < 2) stopping.push((await rows.nth(2).getAttribute('data-device-id'))!);
    for (const id of stopping) expect(await engine.forgetLocalStorage(id)).toBe(true);
    for (const id of stopping) {
      await page
        .locator(`[data-testid=storage-device-row][data-device-id="${id}"][data-online=false]`)
        .waitFor({ timeout: 30_000 });
    }
    const warning = health.getByTestId('storage-warning');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.getAttribute('role')).toBe('alert');
    expect(await health.getByTestId('health-online').textContent()).toBe('2');
    await shoot(page, 'storage-warning');

    // Remove one of the stopped devices, with a confirmation naming it.
    const gone = page.locator(`[data-testid=storage-device-row][data-device-id="${stopping[0]}"]`);
    const name = (await gone.locator('.device-name-text').textContent())!;
    await gone.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog', { name: `Remove “${name}”?` }).waitFor();
    await shoot(page, 'dialog-remove-storage');
    await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await gone.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
  });
});
