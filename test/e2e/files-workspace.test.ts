import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeBrowser, launchVault, type LaunchedVault } from './harness.ts';
import { tempDir } from '../support/engine.ts';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-results');
const PASSWORD = 'a long enough password';
mkdirSync(SHOTS, { recursive: true });

async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = bytes; left > 0;) {
    const piece = randomBytes(Math.min(left, 1 << 20));
    hash.update(piece);
    left -= piece.length;
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Screenshots of a screen in light and dark (the OS theme is followed). */
async function shoot(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: join(SHOTS, `${name}-light.png`) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

function row(page: Page, name: string) {
  return page.getByTestId('file-row').filter({ hasText: name });
}

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close();
  await closeBrowser();
});

describe('desktop app: onboarding and the Files workspace', () => {
  it('secures, lists, fetches, edits and deletes files, and keeps them across sign-out', async () => {
    const files = tempDir('privicore-e2e-files-');
    const small = join(files, 'notes.txt');
    const medium = join(files, 'photo.jpg');
    const big = join(files, 'archive.bin');
    const dropped = join(files, 'dropped report.pdf');
    writeFileSync(small, 'meeting notes\n'.repeat(200));
    const hashes = {
      medium: await writeRandomFile(medium, 3 * 1024 * 1024),
      big: await writeRandomFile(big, 64 * 1024 * 1024),
      dropped: await writeRandomFile(dropped, 200 * 1024),
    };

    const vault = await launchVault();
    opened.push(vault);
    const { page, platform } = vault;
    const username = `maria-${Date.now()}`;

    // Sign up on the embedded engine.
    await page
      .getByTestId('sign-up-form')
      .or(page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('sign-up-tab').click();
    await shoot(page, 'onboarding-sign-up');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    await page.getByTestId('empty-state').waitFor();
    await shoot(page, 'files-empty');

    // Three files through the file chooser into a new folder; progress is shown.
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill('projects');
    await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    platform.nextFiles = [small, medium, big];
    await page.getByRole('button', { name: 'Add files' }).click();
    await page.getByTestId('transfer-row').first().waitFor();
    await page
      .locator('[data-testid=transfer-row][data-state=running]')
      .first()
      .waitFor({ timeout: 60_000 });
    await shoot(page, 'files-uploading');
    await page
      .getByTestId('batch-summary')
      .filter({ hasText: '3 files secured' })
      .waitFor({ timeout: 180_000 });

    // One more by drag and drop.
    await vault.registerDroppedFiles({ 'dropped report.pdf': dropped });
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(
        new File([new Uint8Array(16)], 'dropped report.pdf', { type: 'application/pdf' }),
      );
      return transfer;
    });
    const target = page.getByTestId('file-list');
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('dragover', { dataTransfer });
    await page.getByTestId('drop-zone').waitFor();
    await shoot(page, 'files-drop-zone');
    await target.dispatchEvent('drop', { dataTransfer });
    await page
      .getByTestId('batch-summary')
      .filter({ hasText: '1 file secured' })
      .waitFor({ timeout: 60_000 });

    // The list and the folder tree are right.
    for (const name of ['notes.txt', 'photo.jpg', 'archive.bin', 'dropped report.pdf'])
      await row(page, name).waitFor();
    expect(await page.getByTestId('file-row').count()).toBe(4);
    await page.getByRole('treeitem', { name: 'projects' }).waitFor();
    await shoot(page, 'files-list');

    // Download: byte-identical after decryption. Each download ends in its own summary line.
    const downloaded = page.getByTestId('batch-summary').filter({ hasText: '1 file downloaded' });
    const saved = join(files, 'downloaded.bin');
    platform.nextSaveTarget = saved;
    await row(page, 'archive.bin').getByRole('button', { name: 'Download' }).click();
    await downloaded.first().waitFor({ timeout: 180_000 });
    expect(await downloaded.count()).toBe(1);
    expect(sha256(saved)).toBe(hashes.big);
    const savedMedium = join(files, 'photo-copy.jpg');
    platform.nextSaveTarget = savedMedium;
    await row(page, 'photo.jpg').getByRole('button', { name: 'Download' }).click();
    await downloaded.nth(1).waitFor({ timeout: 60_000 });
    expect(sha256(savedMedium)).toBe(hashes.medium);

    // Rename, classify, move.
    await row(page, 'notes.txt').getByRole('button', { name: 'Rename' }).click();
    await shoot(page, 'dialog-rename');
    await page.getByLabel('File name').fill('minutes.txt');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename', exact: true }).click();
    await row(page, 'minutes.txt').waitFor();
    await row(page, 'minutes.txt').getByRole('button', { name: 'Classify' }).click();
    await page.getByLabel('Classification').selectOption('confidential');
    await shoot(page, 'dialog-classify');
    await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await row(page, 'minutes.txt').getByText('confidential').waitFor();
    await row(page, 'minutes.txt').getByRole('button', { name: 'Move' }).click();
    await page.getByLabel('Folder', { exact: true }).fill('/archive');
    await shoot(page, 'dialog-move');
    await page.getByRole('dialog').getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByRole('treeitem', { name: 'archive' }).waitFor();
    await page.getByRole('treeitem', { name: 'archive' }).click();
    await row(page, 'minutes.txt').waitFor();
    expect(await page.getByTestId('file-row').count()).toBe(1);

    // Details pane.
    await row(page, 'minutes.txt').dblclick();
    await page.getByTestId('details-pane').getByText('confidential').waitFor();
    await shoot(page, 'files-details');

    // Delete with confirmation.
    await page.getByRole('treeitem', { name: 'All files' }).locator('.tree-row-root').click();
    await row(page, 'dropped report.pdf').getByRole('button', { name: 'Delete' }).click();
    await shoot(page, 'dialog-delete');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await row(page, 'dropped report.pdf').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('file-row').count()).toBe(3);

    // Sign out, sign in again: the files are still there.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-form').waitFor();
    await shoot(page, 'onboarding-sign-in');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByTestId('auth-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain("That username and password don't match");
    await shoot(page, 'onboarding-wrong-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    for (const name of ['minutes.txt', 'photo.jpg', 'archive.bin']) await row(page, name).waitFor();
    expect(await page.getByTestId('file-row').count()).toBe(3);
  });

  it('explains an unreachable engine in plain words', async () => {
    const vault = await launchVault();
    opened.push(vault);
    const { page } = vault;
    await page
      .getByTestId('sign-up-form')
      .or(page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await page.getByText('Another engine').click();
    await page.getByLabel('Engine URL').fill('http://127.0.0.1:9');
    await page.getByTestId('sign-in-tab').click();
    await page.getByLabel('Username').fill('someone');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByTestId('auth-error').filter({ hasText: '127.0.0.1:9' });
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain("Can't reach the engine at http://127.0.0.1:9");
    await shoot(page, 'onboarding-unreachable');
  });
});
