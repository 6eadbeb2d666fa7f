// The rough edges of the Files and Storage screens (issue 16), each as a scenario a demanding
// user would try, at the smallest window that fits (800×600) and at 1920×1080: folders whose
// names share a prefix, sign-out and quit in mid-upload, a download cut short, search by the
// name the list shows, small windows, batches and folders, duplicate names, removing the last
// storage device, the sign-in lockout, name order and focus. Screenshots of the screens go to
// test-results/ with the window size in their names.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { tempDir } from '../support/engine.ts';
import { heldItems } from '../support/storage-devices.ts';
import { openTab, sha256, shoot as shootAt, signIn, signUp, uniqueName } from './devices-steps.ts';
import { closeBrowser, launchVault, type LaunchedVault } from './harness.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

const SIZES = [
  { width: 800, height: 600 },
  { width: 1920, height: 1080 },
] as const;

function writeFile(dir: string, name: string, bytes: number | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof bytes === 'number' ? randomBytes(bytes) : bytes);
  return path;
}

function row(page: Page, name: string): Locator {
  return page.locator(`[data-testid=file-row][data-name="${name}"]`);
}

function summary(page: Page, text: string): Locator {
  return page.getByTestId('batch-summary').filter({ hasText: text });
}

function dialog(page: Page): Locator {
  return page.getByRole('dialog');
}

async function openAllFiles(page: Page): Promise<void> {
  await page.getByRole('treeitem', { name: 'All files' }).locator('.tree-row-root').click();
}

function folderItem(page: Page, path: string): Locator {
  return page.locator(`[data-testid=folder-item][data-path="${path}"]`);
}

async function openFolder(page: Page, path: string): Promise<void> {
  await folderItem(page, path).locator('> .tree-row').click();
}

/** Adds files through the "Add files" chooser into the open folder and waits for the batch. */
async function addFiles(vault: LaunchedVault, paths: string[], expect: string): Promise<void> {
  vault.platform.nextFiles = paths;
  await vault.page.getByRole('button', { name: 'Add files' }).click();
  await summary(vault.page, expect).last().waitFor({ timeout: 120_000 });
}

async function newFolder(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill(path);
  await dialog(page).getByRole('button', { name: 'Create', exact: true }).click();
}

async function names(page: Page): Promise<string[]> {
  return page
    .getByTestId('file-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
}

/** Sorts the list by name, A to Z, whatever order it was in. */
async function sortByName(page: Page): Promise<void> {
  const header = page.locator('th.col-name');
  for (let i = 0; i < 2 && (await header.getAttribute('aria-sort')) !== 'ascending'; i++)
    await page.getByTestId('sort-fileName').click();
  await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
}

async function clearTransfers(page: Page): Promise<void> {
  const clear = page.getByTestId('transfers-panel').getByRole('button', { name: 'Clear' });
  if (await clear.isVisible()) await clear.click();
}

describe.each(SIZES)('Files and Storage at $width×$height', (size) => {
  const tag = `${size.width}x${size.height}`;
  let vault: LaunchedVault;
  let page: Page;
  let dir: string;
  const username = uniqueName(`edges-${size.width}`);

  const shoot = (name: string) => shootAt(page, `${name}-${tag}`);

  beforeAll(async () => {
    vault = await launchVault({ viewport: size, gate: true });
    opened.push(vault);
    page = vault.page;
    dir = tempDir('privicore-e2e-edges-');
  }, 120_000);

  it('puts focus on Add files after sign-up, not on the page', async () => {
    await signUp(page, username);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('upload-button');
    await shoot('files-after-sign-up');
  }, 120_000);

  it('1. opening /tax lists /tax and its subfolders, never /taxes', async () => {
    await newFolder(page, 'tax');
    await addFiles(vault, [writeFile(dir, 'in-tax.txt', 100)], '1 file secured');
    await newFolder(page, '2026');
    await addFiles(vault, [writeFile(dir, 'in-2026.txt', 100)], '1 file secured');
    await newFolder(page, '/taxes');
    await addFiles(vault, [writeFile(dir, 'in-taxes.txt', 100)], '1 file secured');
    await clearTransfers(page);
    await openFolder(page, '/tax');
    await row(page, 'in-2026.txt').waitFor();
    await expect.poll(() => names(page)).toEqual(['in-2026.txt', 'in-tax.txt']);
    expect(await page.getByTestId('file-count').textContent()).toBe('2 files');
    await shoot('files-folder-tax');
  }, 180_000);

  it('4. search finds a file by its extension, its full name, and a decomposed name typed composed', async () => {
    await openAllFiles(page);
    await addFiles(
      vault,
      [writeFile(dir, 'report.pdf', 1000), writeFile(dir, 'Cafe\u0301 menu.txt', 300)],
      '2 files secured',
    );
    await clearTransfers(page);
    const search = page.getByTestId('search-input');
    for (const [typed, expected] of [
      ['report.pdf', ['report.pdf']],
      ['.pdf', ['report.pdf']],
      ['caf\u00e9', ['Cafe\u0301 menu.txt']],
      ['CAF\u00c9 MENU.TXT', ['Cafe\u0301 menu.txt']],
    ] as const) {
      await search.fill(typed);
      await search.press('Enter');
      await expect.poll(() => names(page)).toEqual(expected);
    }
    await shoot('files-search-extension');
    await search.fill('');
    await search.press('Enter');
  }, 180_000);

  it('7. a second file of the same name is kept as "name (2)" and the user is told; rename onto a taken name is refused', async () => {
    await openFolder(page, '/tax');
    await addFiles(vault, [join(dir, 'in-tax.txt')], '1 file secured');
    await row(page, 'in-tax (2).txt').waitFor();
    await page
      .getByTestId('notice')
      .filter({
        hasText: 'in-tax.txt is kept as in-tax (2).txt: /tax already has a file of that name.',
      })
      .waitFor();
    // Added shows the time too, so two uploads on one day can be told apart.
    expect(await row(page, 'in-tax (2).txt').locator('.cell-date').textContent()).toMatch(
      /\d{1,2}:\d{2}/,
    );
    await shoot('files-duplicate');
    await row(page, 'in-tax (2).txt').getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('File name').fill('in-tax');
    await dialog(page).getByRole('button', { name: 'Rename', exact: true }).click();
    await dialog(page)
      .getByText('There is already a file named “in-tax.txt” in /tax. Choose another name.')
      .waitFor();
    await shoot('dialog-rename-taken');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await clearTransfers(page);
  }, 180_000);

  it('10. names sort by number, destructive buttons say what they do', async () => {
    await newFolder(page, '/sorting');
    await addFiles(
      vault,
      ['file10.txt', 'file2.txt', 'file1.txt', 'File11.txt'].map((n) => writeFile(dir, n, 10)),
      '4 files secured',
    );
    await sortByName(page);
    await expect
      .poll(() => names(page))
      .toEqual(['file1.txt', 'file2.txt', 'file10.txt', 'File11.txt']);
    await row(page, 'file1.txt').getByRole('button', { name: 'Delete' }).click();
    expect(await dialog(page).getByRole('button', { name: 'Confirm' }).count()).toBe(0);
    await dialog(page).getByRole('button', { name: 'Delete', exact: true }).waitFor();
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await clearTransfers(page);
  }, 180_000);

  it('11. a name with a right-to-left override shows the override as an escape, never reversed', async () => {
    // "photo<RLO>gnp.exe" would read as "photoexe.png": a program passing for a picture.
    await newFolder(page, '/spoof');
    await addFiles(vault, [writeFile(dir, 'photo\u202egnp.exe', 10)], '1 file secured');
    await clearTransfers(page);
    const listed = page.getByTestId('file-row');
    await expect.poll(() => names(page)).toEqual(['photo\\u202egnp.exe']);
    expect(await listed.first().locator('.cell-name').textContent()).toContain(
      'photo\\u202egnp.exe',
    );
    await listed.first().getByRole('button', { name: 'Delete' }).click();
    const asked = (await dialog(page).textContent()) ?? '';
    expect(asked).toContain('photo\\u202egnp.exe');
    expect(asked).not.toContain('\u202e');
    expect(await page.locator('body').textContent()).not.toContain('\u202e');
    // Gone again, so the later scenarios see the files they expect.
    await dialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => names(page)).toEqual([]);
  }, 180_000);

  it('6. a batch stores every file it can and reports the missing one; folders upload as folders (picker and drop)', async () => {
    await openAllFiles(page);
    const gone = join(dir, 'batch', 'gone.txt');
    await addFiles(
      vault,
      [writeFile(dir, 'batch/first.txt', 500), gone, writeFile(dir, 'batch/second.txt', 500)],
      '2 files secured, 1 failed',
    );
    expect(await summary(page, '1 failed').textContent()).toContain(
      `gone.txt: ${gone} is not there any more.`,
    );
    // No "0 bytes of 4 KB" progress for a file that never started.
    const failedRow = page.locator('[data-testid=transfer-row][data-state=failed]');
    expect(await failedRow.getByRole('progressbar').count()).toBe(0);
    await shoot('files-batch-missing');
    await clearTransfers(page);

    const album = join(dir, 'Album');
    writeFile(album, 'cover.png', 800);
    writeFile(album, 'disc 2/track 1.mp3', 900);
    vault.platform.nextUploadFolders = [album];
    await page.getByRole('button', { name: 'Add folder' }).click();
    await summary(page, '2 files secured').last().waitFor({ timeout: 60_000 });
    await folderItem(page, '/Album').waitFor();
    await openFolder(page, '/Album');
    await expect.poll(() => names(page)).toEqual(['cover.png', 'track 1.mp3']);
    await clearTransfers(page);

    // Dropping a folder from the file manager works the same (Electron gives its path).
    const dropped = join(dir, 'Dropped');
    writeFile(dropped, 'a.txt', 100);
    writeFile(dropped, 'b.txt', 100);
    await openAllFiles(page);
    await vault.registerDroppedFiles({ Dropped: dropped });
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([], 'Dropped'));
      return transfer;
    });
    const target = page.getByTestId('file-list');
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('drop', { dataTransfer });
    await summary(page, '2 files secured').last().waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=transfer-row][data-state=failed]').count()).toBe(0);
    await folderItem(page, '/Dropped').waitFor();
    await clearTransfers(page);
  }, 240_000);

  it('selects several files (click, Shift, Ctrl, keyboard) and downloads, moves, classifies and deletes them together; renames and deletes a folder', async () => {
    await newFolder(page, '/bulk');
    const files = ['b1.txt', 'b2.txt', 'b3.txt', 'b4.txt'].map((n) =>
      writeFile(dir, `bulk/${n}`, 1200),
    );
    await addFiles(vault, files, '4 files secured');
    await clearTransfers(page);
    await sortByName(page);
    await expect.poll(() => names(page)).toEqual(['b1.txt', 'b2.txt', 'b3.txt', 'b4.txt']);

    // Click, Shift-click a run, Ctrl-click one out.
    await row(page, 'b1.txt').click();
    await row(page, 'b3.txt').click({ modifiers: ['Shift'] });
    await page.getByTestId('selection-count').filter({ hasText: '3 selected' }).waitFor();
    await row(page, 'b2.txt').click({ modifiers: ['Control'] });
    await page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
    // Keyboard: Ctrl+A takes the page, Escape goes back to one.
    await page.keyboard.press('Control+a');
    await page.getByTestId('selection-count').filter({ hasText: '4 selected' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    await row(page, 'b1.txt').click();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.getByTestId('selection-count').filter({ hasText: '3 selected' }).waitFor();
    await shoot('files-multi-select');

    const bar = page.getByTestId('selection-bar');
    const into = join(dir, 'bulk-download');
    mkdirSync(into);
    vault.platform.nextDownloadFolder = into;
    await bar.getByRole('button', { name: 'Download' }).click();
    await summary(page, '3 files downloaded').waitFor({ timeout: 60_000 });
    expect(readdirSync(into).sort()).toEqual(['b1.txt', 'b2.txt', 'b3.txt']);
    for (const name of ['b1.txt', 'b2.txt', 'b3.txt'])
      expect(sha256(join(into, name))).toBe(sha256(join(dir, 'bulk', name)));
    // Show in folder opens the file manager at the file.
    await page.getByTestId('transfer-show').first().click();
    await expect.poll(() => vault.platform.shownInFolder.length).toBe(1);
    expect(vault.platform.shownInFolder[0]!.startsWith(into)).toBe(true);
    await clearTransfers(page);

    await bar.getByRole('button', { name: 'Classify' }).click();
    await page.getByLabel('Classification').selectOption('restricted');
    await dialog(page).getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: 'Classified 3 files.' }).waitFor();
    for (const name of ['b1.txt', 'b2.txt', 'b3.txt']) {
      // The column gives way in a narrow window; the chip is there all the same.
      await expect
        .poll(() => row(page, name).locator('.cell-classification').textContent())
        .toBe('restricted');
    }

    await bar.getByRole('button', { name: 'Move' }).click();
    await dialog(page).getByLabel('Folder', { exact: true }).fill('/bulk/moved');
    await shoot('dialog-move-many');
    await dialog(page).getByRole('button', { name: 'Move 3 files', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: 'Moved 3 files.' }).waitFor();
    // New folder on a path that exists opens it (and shows it in the tree).
    await newFolder(page, '/bulk/moved');
    await expect.poll(() => names(page)).toEqual(['b1.txt', 'b2.txt', 'b3.txt']);

    await page.keyboard.press('Control+a');
    await row(page, 'b1.txt').focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await dialog(page).getByRole('heading', { name: 'Delete 3 files?' }).waitFor();
    await shoot('dialog-delete-many');
    await dialog(page).getByRole('button', { name: 'Delete 3 files', exact: true }).click();
    await page.getByTestId('empty-state').waitFor();

    // The folder: rename it, then delete it, told how many files go with it.
    await openFolder(page, '/bulk');
    await page.getByRole('button', { name: 'Rename folder' }).click();
    await page.getByLabel('Folder name').fill('kept');
    await dialog(page).getByRole('button', { name: 'Rename', exact: true }).click();
    await folderItem(page, '/kept').waitFor();
    await expect.poll(() => names(page)).toEqual(['b4.txt']);
    await page.getByRole('button', { name: 'Delete folder' }).click();
    await page.getByTestId('delete-folder-count').filter({ hasText: '1 file in /kept' }).waitFor();
    await shoot('dialog-delete-folder');
    await dialog(page).getByRole('button', { name: 'Delete folder and 1 file' }).click();
    await folderItem(page, '/kept').waitFor({ state: 'detached' });
  }, 240_000);

  it('5. at this size the toolbar stays usable with details open, the breadcrumb fits, the transfers fold to a bar, sizes are whole', async () => {
    await newFolder(
      page,
      '/quarterly financial reports/2026 first half/a very long subfolder name',
    );
    await addFiles(vault, [writeFile(dir, 'thousand.bin', 1000)], '1 file secured');
    await row(page, 'thousand.bin').click();
    await page.getByTestId('details-toggle').click();
    await page.getByTestId('details-pane').waitFor();
    // Clicks land only when nothing covers the control (Playwright checks what is hit).
    await page.getByTestId('search-input').click({ timeout: 5000 });
    await page.getByTestId('upload-button').click({ trial: true, timeout: 5000 });
    await page.getByTestId('upload-folder-button').click({ trial: true, timeout: 5000 });
    await shoot('files-details-open');

    // The breadcrumb's steps do not overlap each other or the buttons after them.
    const boxes = await page
      .locator('.breadcrumbs li')
      .evaluateAll((items) =>
        items.map((item) => item.getBoundingClientRect().toJSON() as DOMRect),
      );
    for (let i = 1; i < boxes.length; i++)
      expect(boxes[i]!.left).toBeGreaterThanOrEqual(boxes[i - 1]!.right - 0.5);
    const actions = (await page.locator('.folder-actions').boundingBox())!;
    expect(boxes.at(-1)!.right).toBeLessThanOrEqual(actions.x + 0.5);
    const crumbs = (await page.locator('.breadcrumbs').boundingBox())!;
    expect(boxes.at(-1)!.right).toBeLessThanOrEqual(crumbs.x + crumbs.width + 0.5);
    for (const control of [
      'search-input',
      'details-toggle',
      'upload-folder-button',
      'upload-button',
    ]) {
      const box = (await page.getByTestId(control).boundingBox())!;
      const apart =
        box.x >= actions.x + actions.width - 0.5 ||
        box.x + box.width <= crumbs.x + 0.5 ||
        box.y >= actions.y + actions.height - 0.5 ||
        box.y + box.height <= actions.y + 0.5;
      expect(apart, `${control} clear of the breadcrumb`).toBe(true);
    }
    // The open folder's name is not cut to nothing.
    expect(boxes.at(-1)!.width).toBeGreaterThan(60);

    // "1000 bytes" is shown whole.
    const sizeCell = row(page, 'thousand.bin').locator('.cell-size');
    expect(await sizeCell.textContent()).toBe('1000 bytes');
    expect(await sizeCell.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);

    // With transfers listed, the row's buttons are still there to click; the panel folds away.
    await page.getByRole('button', { name: 'Close details' }).click();
    await row(page, 'thousand.bin')
      .getByRole('button', { name: 'Rename' })
      .click({ trial: true, timeout: 5000 });
    await page.getByTestId('transfers-toggle').click();
    expect(await page.locator('#transfers-body').isHidden()).toBe(true);
    await shoot('files-transfers-bar');
    await page.getByTestId('transfers-toggle').click();
    await clearTransfers(page);
  }, 180_000);

  it('3. a download cut short by deleting the file says so about the download, not the engine', async () => {
    await openAllFiles(page);
    await addFiles(vault, [writeFile(dir, 'long.bin', 40 * 1024 * 1024)], '1 file secured');
    await clearTransfers(page);
    const devices = await vault.app.localEngine()!.localStorage(vault.app.account().profileId);
    // long.bin is the item with the most chunks on every device.
    const longest = (held: Map<string, number[]>) =>
      [...held].sort((a, b) => b[1].length - a[1].length)[0]![0];
    const item = longest(heldItems(devices[0]!.dir));
    const held = vault.gate!.holdDownloadAfter(256 * 1024);
    vault.platform.nextSaveTarget = join(dir, 'long-copy.bin');
    await row(page, 'long.bin').getByRole('button', { name: 'Download' }).click();
    await held;
    await page.locator('[data-testid=transfer-row][data-state=running]').waitFor();
    // Delete it while its download is held mid-way, and wait until the devices let it go.
    await row(page, 'long.bin').getByRole('button', { name: 'Delete' }).click();
    await dialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await row(page, 'long.bin').waitFor({ state: 'detached' });
    await expect
      .poll(() => devices.some((d) => heldItems(d.dir).has(item)), { timeout: 30_000 })
      .toBe(false);
    vault.gate!.release();
    const failed = page.locator('[data-testid=transfer-row][data-state=failed]');
    await failed.waitFor({ timeout: 60_000 });
    const words = await failed.getByTestId('transfer-state').textContent();
    expect(words).toBe(
      'Failed: The download stopped before it finished, so nothing was saved. Try again.',
    );
    expect(words).not.toMatch(/reach the engine|partial/);
    expect(existsSync(join(dir, 'long-copy.bin'))).toBe(false);
    // The engine was never out of reach, and the header says so.
    await page.locator('[data-testid=engine-status][data-state=ready]').first().waitFor();
    await shoot('files-download-cut-short');
    await clearTransfers(page);
  }, 240_000);

  it('2. signing out mid-upload asks first, then offers the interrupted upload after signing back in', async () => {
    const big = writeFile(dir, 'movie.bin', 12 * 1024 * 1024);
    const held = vault.gate!.holdUploadAfter(512 * 1024);
    vault.platform.nextFiles = [big];
    await page.getByRole('button', { name: 'Add files' }).click();
    await held;
    await page.locator('[data-testid=transfer-row][data-state=running]').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-out-dialog').waitFor();
    await shoot('dialog-sign-out-running');
    await dialog(page).getByRole('button', { name: 'Keep going' }).click();
    await page.getByTestId('sign-out-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('files-screen').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await dialog(page).getByRole('button', { name: 'Cancel it and sign out' }).click();
    await page.getByTestId('sign-in-form').waitFor({ timeout: 30_000 });
    vault.gate!.release();
    await signIn(page, username);
    const interrupted = page.locator('[data-testid=transfer-row][data-state=interrupted]');
    await interrupted.filter({ hasText: 'movie.bin' }).waitFor({ timeout: 30_000 });
    await shoot('files-interrupted-after-sign-in');
    await interrupted.getByRole('button', { name: 'Retry movie.bin' }).click();
    await summary(page, '1 file secured').waitFor({ timeout: 120_000 });
    await row(page, 'movie.bin').waitFor();
    await clearTransfers(page);
  }, 240_000);

  it('2. quitting mid-upload lists it as interrupted after the next start, with Retry', async () => {
    const big = writeFile(dir, 'series.bin', 12 * 1024 * 1024);
    const held = vault.gate!.holdUploadAfter(512 * 1024);
    vault.platform.nextFiles = [big];
    await page.getByRole('button', { name: 'Add files' }).click();
    await held;
    await page.locator('[data-testid=transfer-row][data-state=running]').waitFor();
    // The quit question (main's native box) comes first; "Keep going" keeps the app open.
    vault.platform.quitAnswer = false;
    expect(await vault.app.confirmQuit()).toBe(false);
    expect(vault.platform.quitQuestions).toEqual([1]);

    vault = await vault.relaunch();
    opened.push(vault);
    page = vault.page;
    await page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    const interrupted = page.locator('[data-testid=transfer-row][data-state=interrupted]');
    await interrupted.filter({ hasText: 'series.bin' }).waitFor({ timeout: 30_000 });
    await shoot('files-interrupted-after-restart');
    await interrupted.getByRole('button', { name: 'Retry series.bin' }).click();
    await summary(page, '1 file secured').waitFor({ timeout: 120_000 });
    await row(page, 'series.bin').waitFor();
  }, 240_000);
});

describe.each(SIZES)('Storage and sign-in at $width×$height', (size) => {
  const tag = `${size.width}x${size.height}`;

  it('8. removing the last storage device is confirmed harder, the screen says what is true, and a download fails at once', async () => {
    const vault = await launchVault({ viewport: size });
    opened.push(vault);
    const { page } = vault;
    const shoot = (name: string) => shootAt(page, `${name}-${tag}`);
    const username = uniqueName(`storage-${size.width}`);
    await signUp(page, username);
    const dir = tempDir('privicore-e2e-last-storage-');
    await addFiles(vault, [writeFile(dir, 'kept.txt', 2000)], '1 file secured');

    await openTab(page, 'Storage');
    const rows = page.getByTestId('storage-device-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    for (let left = 3; left > 1; left--) {
      await rows.first().getByRole('button', { name: 'Remove' }).click();
      expect(await page.getByTestId('remove-last-storage-check').count()).toBe(0);
      await dialog(page).getByRole('button', { name: 'Remove', exact: true }).click();
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(left - 1);
    }
    await rows.first().getByRole('button', { name: 'Remove' }).click();
    await dialog(page).getByText('none of your 1 file can be opened').waitFor();
    const confirm = dialog(page).getByRole('button', { name: 'Remove the last device' });
    expect(await confirm.isDisabled()).toBe(true);
    await shoot('dialog-remove-last-storage');
    await page.getByTestId('remove-last-storage-check').check();
    await confirm.click();
    await page.getByTestId('storage-empty').waitFor({ timeout: 30_000 });
    const warning = await page.getByTestId('storage-warning').textContent();
    expect(warning).toContain('This vault has no storage device');
    expect(warning).not.toContain('Connect one of them again');
    await shoot('storage-no-devices');

    await openTab(page, 'Files');
    vault.platform.nextSaveTarget = join(dir, 'kept-copy.txt');
    await row(page, 'kept.txt').getByRole('button', { name: 'Download' }).click();
    const failed = page.locator('[data-testid=transfer-row][data-state=failed]');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getByTestId('transfer-state').textContent()).toContain(
      'This vault has no storage device left',
    );

    // 10. The lockout: a warning before the last tries, then how long to wait.
    await page.getByRole('button', { name: 'Sign out' }).click();
    const error = page.getByTestId('auth-error');
    for (let attempt = 1; attempt <= 11; attempt++) {
      await signIn(page, username, `wrong password ${attempt}`);
      await error
        .filter({ hasText: attempt === 11 ? 'Try again in' : "don't match" })
        .waitFor({ timeout: 30_000 });
      const text = await error.textContent();
      if (attempt === 7) expect(text).toContain('3 more wrong tries lock sign-in');
      if (attempt === 9) {
        expect(text).toContain('One more wrong try locks sign-in');
        await shoot('onboarding-last-try-warning');
      }
      if (attempt === 11) expect(text).toMatch(/Try again in 1[45] minutes/);
    }
    await shoot('onboarding-locked-out');
  }, 300_000);
});
