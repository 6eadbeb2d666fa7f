// The Organisation area end to end (issue 12), with two harness instances on one engine: the
// owner creates an organisation from the Account screen, invites an existing user, who accepts
// from the banner on their own computer; the owner then sees the new member, sets up a device
// for them (its configuration file saved where the person chose), makes an account for someone
// new (its first password shown once), fills in the details and asks the team a question that
// the member approves from their own computer. Screenshots in test-results/.
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/engine.ts';
import { expectAccessible } from './axe.ts';
import { openTab, secondComputer, shoot, signUp, uniqueName } from './devices-steps.ts';
import { closeBrowser, launchVault, type LaunchedVault } from './harness.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

describe('desktop app: an organisation', () => {
  it('is created, invited to, joined from the banner, and given a device for its new member', async () => {
    const A = await launchVault();
    opened.push(A);
    const owner = uniqueName('owner');
    await signUp(A.page, owner);
    // No organisation: no tab, and the Account screen offers to create one.
    expect(await A.page.getByRole('tab', { name: 'Organisation' }).count()).toBe(0);
    await openTab(A.page, 'Account');
    const card = A.page.getByTestId('account-organisation');
    await card.waitFor();
    await card.getByRole('button', { name: 'Create an organisation' }).click();
    const create = A.page.getByTestId('create-organisation-dialog');
    await create.waitFor();
    await shoot(A.page, 'organisation-create-dialog');
    await create.getByLabel('Organisation name').fill('Acme Ltd');
    await create.getByRole('button', { name: 'Create organisation' }).click();
    const screen = A.page.getByTestId('organisation-screen');
    await screen.waitFor({ timeout: 30_000 });
    await A.page.getByRole('tab', { name: 'Organisation' }).waitFor();
    await screen.getByRole('heading', { name: 'Acme Ltd', level: 1 }).waitFor();
    await screen.getByTestId('org-role').filter({ hasText: 'You own it' }).waitFor();
    await screen.locator('[data-testid=member-row][data-role=owner]').waitFor();
    await shoot(A.page, 'organisation-new');

    // B: someone with an account of their own, on the same engine.
    const B = await secondComputer(opened, A);
    const bob = uniqueName('bob');
    await signUp(B.page, bob);
    expect(await B.page.getByRole('tab', { name: 'Organisation' }).count()).toBe(0);

    // A invites B.
    await screen.getByTestId('invite-person-button').click();
    const invite = A.page.getByTestId('invite-person-dialog');
    await invite.getByLabel('Their username').fill(bob);
    await invite.getByLabel('Role').selectOption('member');
    await shoot(A.page, 'organisation-invite-dialog');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.waitFor({ state: 'detached', timeout: 30_000 });
    const sent = screen.locator('[data-testid=invitation-item][data-status=pending]');
    await sent.filter({ hasText: bob }).waitFor({ timeout: 30_000 });
    await shoot(A.page, 'organisation-invited');

    // B sees the banner arrive on its own (the engine's event), on whatever screen it is on.
    const banner = B.page.getByTestId('invitation-banner');
    await banner.waitFor({ timeout: 30_000 });
    await banner.getByText('You are invited to join Acme Ltd as a member.').waitFor();
    await banner.getByText('never the files themselves').waitFor();
    await B.page.getByTestId('organisation-badge').waitFor();
    await shoot(B.page, 'organisation-invitation-banner');
    await expectAccessible(B.page, 'invitation banner');
    await banner.getByRole('button', { name: 'Join Acme Ltd' }).click();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await B.page.getByRole('tab', { name: 'Organisation' }).click();
    const bScreen = B.page.getByTestId('organisation-screen');
    await bScreen.getByTestId('org-role').filter({ hasText: 'You are a member' }).waitFor({
      timeout: 30_000,
    });
    await bScreen.locator('[data-testid=member-row]').nth(1).waitFor();
    // A member sees the roster, no counts and no admin actions.
    expect(await bScreen.getByTestId('member-files').count()).toBe(0);
    expect(await bScreen.getByTestId('add-person-button').count()).toBe(0);
    await shoot(B.page, 'organisation-member-view');

    // A sees B as a member (invited, not managed) and the invitation as joined.
    const bobRow = screen.locator('[data-testid=member-row][data-role=member]').filter({
      hasText: bob,
    });
    await bobRow.waitFor({ timeout: 30_000 });
    expect(await bobRow.getByTestId('member-account').textContent()).toBe('Invited');
    await screen
      .locator('[data-testid=invitation-item][data-status=accepted]')
      .filter({ hasText: bob })
      .waitFor({ timeout: 30_000 });

    // A sets up a device for B; its configuration file goes where the save dialog says.
    const target = join(tempDir('privicore-e2e-org-'), 'bob-laptop.device.json');
    A.platform.nextSaveTarget = target;
    await bobRow.getByRole('button', { name: 'Add device' }).click();
    const deviceDialog = A.page.getByTestId('member-device-dialog');
    await deviceDialog.getByLabel('Device name').fill('Bob laptop');
    await shoot(A.page, 'organisation-add-device-dialog');
    await deviceDialog.getByRole('button', { name: 'Add device…' }).click();
    await deviceDialog.waitFor({ state: 'detached', timeout: 30_000 });
    expect(A.platform.dialogDefaults).toContain('Bob-laptop.device.json');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const bundle = JSON.parse(readFileSync(target, 'utf8')) as { deviceIdentifier: string };
    const deviceRow = screen.locator(
      `[data-testid=org-device-row][data-device-id="${bundle.deviceIdentifier}"]`,
    );
    await deviceRow.waitFor({ timeout: 30_000 });
    expect(await deviceRow.textContent()).toContain(bob);
    await bobRow.getByTestId('member-devices').filter({ hasText: '1' }).waitFor({
      timeout: 30_000,
    });
    // B sees the new device among its own.
    expect((await B.app.devices().list()).map((device) => device.deviceIdentifier)).toContain(
      bundle.deviceIdentifier,
    );
    await shoot(A.page, 'organisation-members-devices');
    await expectAccessible(A.page, 'organisation screen');

    // A makes an account for someone new: the first password is shown once, with a copy button.
    await screen.getByTestId('add-person-button').click();
    const add = A.page.getByTestId('add-person-dialog');
    const dana = uniqueName('dana');
    await add.getByLabel('Username').fill(dana);
    await add.getByLabel('Name (optional)').fill('Dana Doe');
    await add.getByRole('button', { name: 'Make the account' }).click();
    const done = A.page.getByTestId('add-person-done-dialog');
    await done.waitFor({ timeout: 30_000 });
    const password = (await done.getByTestId('initial-password').textContent())!;
    expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    await done.getByRole('button', { name: 'Copy the password' }).waitFor();
    await shoot(A.page, 'organisation-first-password');
    await done.getByRole('button', { name: 'Done' }).click();
    const danaRow = screen.getByTestId('member-row').filter({ hasText: 'Dana Doe' });
    await danaRow.waitFor({ timeout: 30_000 });
    expect(await danaRow.getByTestId('member-account').textContent()).toBe('Managed');
    // The password works (the engine's word, not the screen's).
    const signIn = await fetch(`${A.app.engineStatus().apiUrl}/profile/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: dana, password }).toString(),
    });
    expect(signIn.status).toBe(200);

    // The details.
    await screen.getByTestId('edit-details-button').click();
    await screen.getByLabel('Detail 1 value').fill('1 Main Street, Oslo');
    await screen.getByRole('button', { name: 'Save details' }).click();
    await screen.getByTestId('org-detail').filter({ hasText: '1 Main Street, Oslo' }).waitFor({
      timeout: 30_000,
    });
    await shoot(A.page, 'organisation-details');

    // Ask the team: B votes from its own computer; A sees the tally, then the result.
    await B.page.getByRole('tab', { name: 'Approvals', exact: true }).click();
    const voteHere = B.page.getByTestId('vote-here');
    await voteHere.waitFor({ timeout: 30_000 });
    await voteHere.getByLabel('Name it').fill('Bob laptop B');
    await voteHere.getByRole('button', { name: 'Vote on this computer' }).click();
    await B.page.getByTestId('no-ballots').waitFor({ timeout: 30_000 });
    await screen.getByTestId('ask-team-button').click();
    const ask = A.page.getByTestId('ask-team-dialog');
    await ask.waitFor();
    await ask.getByLabel('Question').fill('Close the office on Friday?');
    await ask.getByLabel('Details (optional)').fill('Summer hours');
    expect(await ask.getByTestId('ask-voter').count()).toBe(3);
    await shoot(A.page, 'organisation-ask-team-dialog');
    await ask.getByRole('button', { name: 'Ask the team' }).click();
    await ask.waitFor({ state: 'detached', timeout: 30_000 });
    const question = (status: string) =>
      screen
        .locator(`[data-testid=org-poll][data-status=${status}]`)
        .filter({ hasText: 'Close the office on Friday?' });
    await question('pending')
      .getByTestId('org-poll-tally')
      .filter({ hasText: 'Waiting for approval — 0 of 1' })
      .waitFor({ timeout: 30_000 });
    await shoot(A.page, 'organisation-ask-team-open');
    const ballot = B.page.getByTestId('ballot').filter({ hasText: 'Close the office on Friday?' });
    await ballot.waitFor({ timeout: 30_000 });
    await ballot.getByRole('button', { name: 'Approve', exact: true }).click();
    await question('approved')
      .getByTestId('org-poll-tally')
      .filter({ hasText: '1 yes · 0 no · 1 voter' })
      .waitFor({ timeout: 30_000 });
    await shoot(A.page, 'organisation-ask-team-result');
    await expectAccessible(A.page, 'organisation screen with a vote');

    // Back on B: the details are visible to members too.
    await B.page.getByRole('tab', { name: 'Organisation' }).click();
    await bScreen.getByTestId('org-detail').filter({ hasText: 'Oslo' }).waitFor({
      timeout: 30_000,
    });
    await openTab(B.page, 'Files');
  }, 180_000);
});
