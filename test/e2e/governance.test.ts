import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, type LaunchedVault } from './harness.ts';
import { firstComputer, secondComputer, shoot, signIn } from './devices-steps.ts';

/**
 * Two harness instances on one engine (contract §14 "Gated operation", APPROVALS.md): A owns
 * the vault, B signs in as the same profile and votes as an authenticator. A makes a policy
 * that holds uploads into /finance; A's upload waits, showing "Awaiting approval — 1 of 2";
 * B is notified, sees the ballot in words and approves; A's upload completes. Then the deny
 * path: B rejects and A's upload fails with the outcome in words.
 */
const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

/** Closes the passing notices so a screenshot shows what is under them. */
async function clearNotices(page: Page): Promise<void> {
  const dismiss = page.locator('.notice-stack').getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
}

/** Makes the instance's computer an approver from the Approvals screen. */
async function voteHere(vault: LaunchedVault, name: string): Promise<void> {
  await tab(vault.page, 'Approvals');
  const card = vault.page.getByTestId('vote-here');
  await card.waitFor({ timeout: 30_000 });
  await card.getByLabel('Name it').fill(name);
  await card.getByRole('button', { name: 'Vote on this computer' }).click();
  await vault.page.getByTestId('no-ballots').waitFor({ timeout: 30_000 });
}

describe('desktop app: a held upload decided by votes', () => {
  it('A uploads into /finance, B is notified and approves, A’s upload completes; then B denies one', async () => {
    const a = await firstComputer(opened);
    const A = a.vault;
    const B = await secondComputer(opened, A);
    await signIn(B.page, a.username);
    await B.page.getByTestId('files-screen').waitFor({ timeout: 60_000 });

    // Both computers vote: with two voters "more yes than no" needs both.
    await voteHere(B, 'Laptop B');
    await voteHere(A, 'Desktop A');
    await tab(A.page, 'Voting');
    await A.page.getByTestId('authenticator-row').nth(1).waitFor({ timeout: 30_000 });
    expect(await A.page.getByTestId('authenticator-row').count()).toBe(2);
    await shoot(A.page, 'voting-screen');

    // A's policy: uploads under /finance wait for a vote.
    await tab(A.page, 'Policies');
    const form = A.page.getByTestId('new-policy');
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Kind of operation').selectOption('data-token-governance');
    await form.getByLabel('Data upload').check();
    await form.getByLabel('Only in folders starting with').fill('/finance');
    await form.getByLabel('Name (optional)').fill('finance-uploads');
    await expect
      .poll(() => form.getByTestId('policy-preview').textContent())
      .toContain('Data upload under /finance waits for a vote');
    await form.getByRole('button', { name: 'Create and turn on' }).click();
    await A.page
      .locator('[data-testid=policy-row][data-active=true]')
      .filter({ hasText: 'finance-uploads' })
      .waitFor({ timeout: 30_000 });
    await clearNotices(A.page);
    await shoot(A.page, 'policies-screen');

    // A uploads into /finance: the transfer waits for the vote.
    await tab(A.page, 'Files');
    await A.page.getByRole('button', { name: 'New folder' }).click();
    await A.page.getByLabel('Folder name').fill('finance');
    await A.page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    const ledger = join(a.dir, 'ledger-2026.csv');
    writeFileSync(ledger, 'date,amount\n2026-11-26,48213\n'.repeat(200));
    A.platform.nextFiles = [ledger];
    await A.page.getByRole('button', { name: 'Add files' }).click();
    const held = A.page.getByTestId('transfer-row').filter({ hasText: 'ledger-2026.csv' });
    await held
      .getByTestId('held-headline')
      .filter({ hasText: 'Awaiting approval — 0 of 2' })
      .waitFor({ timeout: 60_000 });
    await held.getByTestId('held-time').waitFor();

    // B is notified; the notification leads to the inbox, where the ballot says what is asked.
    const notice = await B.platform.nextNotification((n) => n.title === 'Your approval is needed');
    expect(notice.body).toBe('Upload a file into /finance');
    await expect.poll(() => B.platform.badgeCounts.at(-1), { timeout: 10_000 }).toBe(1);
    notice.click();
    await B.page.getByTestId('approvals-screen').waitFor({ timeout: 30_000 });
    const ballot = B.page.getByTestId('ballot').first();
    await ballot.waitFor({ timeout: 30_000 });
    await ballot.getByText('Upload a file into /finance').waitFor();
    await ballot.getByText('Folder').waitFor();
    await expect
      .poll(() => ballot.getByTestId('ballot-countdown').textContent())
      .toMatch(/^\d:\d\d left$/);
    await B.page.getByTestId('approvals-badge').waitFor();
    await clearNotices(B.page);
    await shoot(B.page, 'approvals-inbox');
    await ballot.getByRole('button', { name: 'Approve upload' }).click();
    await B.page.getByTestId('no-ballots').waitFor({ timeout: 30_000 });
    await expect.poll(() => B.platform.badgeCounts.at(-1), { timeout: 10_000 }).toBe(0);

    // A sees one of the two approvals it needs, live.
    await held
      .getByTestId('held-headline')
      .filter({ hasText: 'Awaiting approval — 1 of 2' })
      .waitFor({ timeout: 30_000 });
    await clearNotices(A.page);
    await shoot(A.page, 'held-upload');

    // A's own vote completes it.
    await tab(A.page, 'Approvals');
    const mine = A.page.getByTestId('ballot').first();
    await mine.waitFor({ timeout: 30_000 });
    await mine.getByRole('button', { name: 'Approve upload' }).click();
    await tab(A.page, 'Files');
    await A.page
      .locator('[data-testid=transfer-row][data-state=done]')
      .filter({ hasText: 'ledger-2026.csv' })
      .waitFor({ timeout: 60_000 });
    await A.page
      .getByTestId('transfer-row')
      .filter({ hasText: 'ledger-2026.csv' })
      .getByTestId('held-headline')
      .filter({ hasText: /Approved by (Laptop B and Desktop A|Desktop A and Laptop B)/ })
      .waitFor({ timeout: 30_000 });

    // B's history keeps the trace.
    await expect
      .poll(() => B.page.getByTestId('ballot-outcome').first().textContent(), { timeout: 30_000 })
      .toBe('You approved · Approved');

    // The deny path: B rejects, A's upload fails with who rejected it.
    const secret = join(a.dir, 'salaries.csv');
    writeFileSync(secret, 'name,salary\n'.repeat(100));
    A.platform.nextFiles = [secret];
    await A.page.getByRole('button', { name: 'Add files' }).click();
    const denied = A.page.getByTestId('transfer-row').filter({ hasText: 'salaries.csv' });
    await denied
      .getByTestId('held-headline')
      .filter({ hasText: 'Awaiting approval' })
      .waitFor({ timeout: 60_000 });
    await B.platform.nextNotification((n) => n.title === 'Your approval is needed' && n !== notice);
    const next = B.page.getByTestId('ballot').first();
    await next.waitFor({ timeout: 30_000 });
    await next.getByRole('button', { name: 'Reject' }).click();
    await A.page
      .locator('[data-testid=transfer-row][data-state=failed]')
      .filter({ hasText: 'salaries.csv' })
      .waitFor({ timeout: 60_000 });
    await denied
      .getByTestId('held-headline')
      .filter({ hasText: 'Rejected by Laptop B' })
      .waitFor({ timeout: 30_000 });
    await denied.getByText('Your authenticators voted no').waitFor();
    await clearNotices(A.page);
    await shoot(A.page, 'held-upload-rejected');
    await expect
      .poll(() => B.page.getByTestId('ballot-outcome').first().textContent(), { timeout: 30_000 })
      .toBe('You rejected · Rejected');
    await shoot(B.page, 'approvals-history');
  });
});
