import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { installProtocolLinks } from '../../main/protocol-links.ts';
import { FakeElectronApp } from '../support/electron-app-seam.ts';
import { browserSession, startExampleApp, type RunningExample } from '../support/example-app.ts';
import { firstComputer, shoot } from './devices-steps.ts';
import { closeBrowser, type LaunchedVault } from './harness.ts';

/**
 * examples/oauth-client against the desktop app (issue 10's end-to-end test): the owner
 * registers the example on Connected apps and takes its secret from the one-time reveal; the
 * example sends the browser to a privicore:// link, which the OS hands to the running app as a
 * second instance's argv (Electron's `app` is the one stand-in, main/protocol-links.ts is real);
 * the consent dialog shows the registered name and scopes; Allow → the browser lands on the
 * example's callback and the example lists the owner's files; Deny → the example shows the
 * denial; a link naming another redirect URI is refused; Revoke on Connected apps → the
 * example's next call fails with 401.
 */
const opened: LaunchedVault[] = [];
let example: RunningExample | undefined;
afterAll(async () => {
  await example?.stop();
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

/** A loopback port nobody listens on now (the redirect URI names it before the example runs). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The consent link on the example's /connect page. */
function consentLink(html: string): string {
  return /href="([^"]+)" data-testid="consent-link"/.exec(html)![1]!.replace(/&amp;/g, '&');
}

describe('desktop app: consent to an OAuth application', () => {
  it('registers the example, allows and denies it, refuses a forged link, revokes it', async () => {
    const { vault } = await firstComputer(opened, 'tax-return.pdf');
    const { page, platform } = vault;

    // The OS hands links to the running app: main.ts wires protocol-links to VaultApp.openLink.
    const os = new FakeElectronApp();
    installProtocolLinks(os.asProtocolApp(), {
      argv: ['/opt/Privicore Vault/privicore-vault'],
      defaultApp: false,
      execPath: '/opt/Privicore Vault/privicore-vault',
      show: () => undefined,
    }).deliverTo((link) => void vault.app.openLink(link));

    // Connected apps: register, with the secret shown once.
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    await page.getByRole('tab', { name: 'Connected apps', exact: true }).click();
    await page.getByTestId('register-app').click();
    const register = page.getByTestId('register-app-dialog');
    await register.getByLabel('Name', { exact: true }).fill('Example file lister');
    await register.getByLabel('Redirect URI', { exact: true }).fill(redirectUri);
    await register.getByRole('button', { name: 'Register', exact: true }).click();
    const clientId = (await page.getByTestId('new-client-id').textContent())!;
    const clientSecret = (await page.getByTestId('new-client-secret').textContent())!;
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(clientSecret.length).toBeGreaterThan(20);
    expect(await page.getByTestId('secret-warning').textContent()).toContain(
      'shown only this once',
    );
    await shoot(page, 'oauth-client-secret');
    await page.keyboard.press('Escape');
    await page.getByTestId('registered-app').filter({ hasText: 'Example file lister' }).waitFor();

    example = await startExampleApp({
      PRIVICORE_API_URL: vault.app.engineStatus().apiUrl!,
      PORT: String(port),
      CLIENT_ID: clientId,
      CLIENT_SECRET: clientSecret,
    });
    expect(example.url).toBe(`http://127.0.0.1:${port}`);

    // Allow: the example lists the owner's files.
    const browser = browserSession(example.url);
    os.secondInstance(consentLink((await browser('/connect')).html));
    const dialog = page.getByTestId('consent-dialog');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId('consent-app-name').textContent()).toBe('Example file lister');
    expect(await dialog.getByTestId('consent-redirect').textContent()).toBe(redirectUri);
    expect(await dialog.getByTestId('consent-scopes').locator('li').count()).toBe(1);
    expect(
      await dialog.locator('[data-testid=consent-scopes] li[data-scope="data-token:read"]').count(),
    ).toBe(1);
    await shoot(page, 'oauth-consent-dialog');
    await dialog.getByRole('button', { name: 'Give Example file lister access' }).click();
    const allowed = await platform.nextOpened((url) => url.includes('request_id='));
    expect(allowed.startsWith(`${redirectUri}?`)).toBe(true);
    expect(await browser(allowed)).toMatchObject({ status: 303, location: '/files' });
    const files = await browser('/files');
    expect(files.status).toBe(200);
    expect(files.html).toContain('tax-return.pdf');

    // The consent is listed under "Apps you allowed".
    await page.getByTestId('allowed-app').filter({ hasText: 'Example file lister' }).waitFor();

    // Deny: the example shows the denial, and nothing was given.
    const denying = browserSession(example.url);
    os.secondInstance(consentLink((await denying('/connect')).html));
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Deny', exact: true }).click();
    const denied = await platform.nextOpened((url) => url.includes('error=access_denied'));
    expect(denied.startsWith(`${redirectUri}?`)).toBe(true);
    const deniedPage = await denying(denied);
    expect(deniedPage.status).toBe(200);
    expect(deniedPage.html).toContain('You did not give access');
    expect((await denying('/files')).status).not.toBe(200);

    // A link whose redirect_uri is not the registered one is refused, and no browser opens.
    const before = platform.opened.length;
    const forged = new URL(consentLink((await browserSession(example.url)('/connect')).html));
    forged.searchParams.set('redirect_uri', 'https://attacker.example/callback');
    os.secondInstance(forged.toString());
    await dialog.waitFor({ timeout: 30_000 });
    const refusal = await dialog.getByTestId('consent-refusal').textContent();
    expect(refusal).toContain('https://attacker.example/callback');
    expect(refusal).toContain('nothing was shared');
    expect(await dialog.getByTestId('consent-app-name').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'detached' });
    expect(platform.opened.length).toBe(before);

    await shoot(page, 'oauth-connected-apps');

    // Revoke on Connected apps: the example's next call fails with 401.
    await page
      .getByTestId('registered-app')
      .filter({ hasText: 'Example file lister' })
      .getByRole('button', { name: 'Revoke…' })
      .click();
    const revoke = page.getByTestId('revoke-app-dialog');
    await revoke.getByRole('button', { name: 'Revoke Example file lister' }).click();
    await page.getByTestId('registered-app').waitFor({ state: 'detached', timeout: 30_000 });
    const after = await browser('/files');
    expect(after.status).toBe(401);
    expect(after.html).toContain('Access ended');
  });
});
