// Steps the device, pairing, storage and account e2e tests share: two harness instances on one
// engine stand for two computers, each with its own keychain service (harness.ts), so the
// second computer starts without the first one's keys.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { KeyState } from '../../bridge/types.ts';
import { tempDir } from '../support/engine.ts';
import { untilStill } from './axe.ts';
import { launchVault, type LaunchedVault } from './harness.ts';

export const SHOTS = join(import.meta.dirname, '..', '..', 'test-results');
export const PASSWORD = 'a long enough password';
mkdirSync(SHOTS, { recursive: true });

/** Screenshots of a screen in light and dark (the OS theme is followed). */
export async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // Colours ease into the new theme; the picture is taken once they are there.
    await untilStill(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

async function onboarding(page: Page): Promise<void> {
  await page
    .getByTestId('sign-up-form')
    .or(page.getByTestId('sign-in-form'))
    .waitFor({ timeout: 60_000 });
}

export async function signUp(page: Page, username: string): Promise<void> {
  await onboarding(page);
  await page.getByTestId('sign-up-tab').click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
}

/** Signs in at the engine the instance already points at (a remote one for a second computer). */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await onboarding(page);
  await page.getByTestId('sign-in-tab').click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Computer A: the embedded engine, a fresh profile and one stored file. */
export async function firstComputer(opened: LaunchedVault[], fileName = 'plan.txt') {
  const vault = await launchVault();
  opened.push(vault);
  const username = uniqueName('owner');
  await signUp(vault.page, username);
  const dir = tempDir('privicore-e2e-devices-');
  const file = join(dir, fileName);
  writeFileSync(file, `the plan, written on computer A\n`.repeat(500));
  vault.platform.nextFiles = [file];
  await vault.page.getByRole('button', { name: 'Add files' }).click();
  await vault.page
    .getByTestId('batch-summary')
    .filter({ hasText: '1 file secured' })
    .waitFor({ timeout: 60_000 });
  return { vault, username, file, dir, profileId: vault.app.account().profileId };
}

/** Another computer on A's engine (a "remote" engine from its point of view), signed out. */
export async function secondComputer(
  opened: LaunchedVault[],
  first: LaunchedVault,
): Promise<LaunchedVault> {
  const apiUrl = first.app.engineStatus().apiUrl!;
  const wsUrl = `${apiUrl.replace(/^http/, 'ws')}/ws`;
  const vault = await launchVault({ engine: { apiUrl, wsUrl } });
  opened.push(vault);
  return vault;
}

export async function openTab(
  page: Page,
  name: 'Files' | 'Devices' | 'Storage' | 'Account',
): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
}

export function keyStatus(page: Page, state: KeyState) {
  return page.locator(`[data-testid=key-status][data-state="${state}"]`);
}

/** Downloads a file through the Files screen and returns where it was written. */
export async function download(
  vault: LaunchedVault,
  fileName: string,
  dir: string,
): Promise<string> {
  const target = join(dir, `downloaded-${Date.now()}-${fileName}`);
  vault.platform.nextSaveTarget = target;
  const { page } = vault;
  await openTab(page, 'Files');
  const row = page.getByTestId('file-row').filter({ hasText: fileName });
  await row.waitFor({ timeout: 30_000 });
  await row.getByRole('button', { name: 'Download' }).click();
  await page
    .getByTestId('batch-summary')
    .filter({ hasText: '1 file downloaded' })
    .waitFor({ timeout: 60_000 });
  return target;
}
