// "Let my other computers connect", end to end with two installations, each with its own
// built-in engine and keychain: A opens its engine to the local network (TLS with its own
// certificate), and B, a fresh installation, joins from a picture of A's pairing QR code. B
// connects to A's engine over https with the pin the code carries, and opens A's file. A then
// closes the engine to the network again, and B can no longer reach it.

import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchVault, type LaunchedVault } from './harness.ts';
import { download, firstComputer, keyStatus, openTab, sha256, shoot } from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

function decodePng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

describe('desktop app: letting other computers connect', () => {
  it('A opens its engine to the network; B joins from A’s QR code over TLS with the pin and opens A’s file', async () => {
    const a = await firstComputer(opened, 'shared-plan.txt');
    const A = a.vault;
    const loopbackUrl = A.app.engineStatus().apiUrl!;
    expect(loopbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);

    // Off by default, in plain words.
    await openTab(A.page, 'Account');
    const card = A.page.getByTestId('reach-card');
    await card.getByTestId('reach-closed').waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('reach-closed').textContent()).toContain(
      'Only this computer can reach your vault',
    );
    const toggle = card.getByRole('switch', { name: 'Let my other computers connect' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');

    await toggle.click();
    const open = card.getByTestId('reach-open');
    await open.waitFor({ timeout: 60_000 });
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    expect(await open.textContent()).toContain('Any computer on your local network');
    const reach = A.app.reachStatus();
    expect(reach.open).toBe(true);
    expect(reach.tlsPin).toMatch(/^sha256:[\w-]{43}$/);
    expect(await card.getByTestId('reach-pin').textContent()).toBe(reach.tlsPin);
    const shownUrls = await card.getByTestId('reach-urls').locator('code').allTextContents();
    expect(shownUrls).toEqual(reach.urls);
    // The engine now answers over https at this computer's address, and A carried on there.
    const apiUrl = A.app.engineStatus().apiUrl!;
    expect(apiUrl).toMatch(/^https:\/\//);
    expect(A.app.sessionState().status).toBe('signed-in');
    await shoot(A.page, 'account-reach-open');

    // A's pairing code now names that address and carries the certificate's pin.
    await openTab(A.page, 'Devices');
    await A.page.getByRole('button', { name: 'Pair a device' }).click();
    const qr = A.page.getByTestId('pairing-qr');
    await qr.waitFor({ timeout: 30_000 });
    expect(await A.page.getByTestId('pairing-local-only').count()).toBe(0);
    const png = await qr.screenshot();
    const payload = decodePng(png)!;
    expect(payload).toContain(`engine=${encodeURIComponent(apiUrl)}`);
    expect(payload).toMatch(new RegExp(`&pin=${reach.tlsPin!.replace(/[-]/g, '\\-')}$`));
    const picture = join(a.dir, 'pairing-code.png');
    writeFileSync(picture, png);

    // B: a fresh installation with a built-in engine of its own.
    const B = await launchVault();
    opened.push(B);
    await B.page
      .getByTestId('sign-up-form')
      .or(B.page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'Join with a QR code' }).click();
    await B.page.getByTestId('onboarding-join').waitFor();
    await B.page.getByLabel('Device name').fill('Laptop B');
    const chooser = B.page.waitForEvent('filechooser');
    await B.page.getByRole('button', { name: 'From an image file' }).click();
    await (await chooser).setFiles(picture);

    await B.page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    const bCode = B.page.getByTestId('key-code');
    await bCode.waitFor({ timeout: 60_000 });
    const prompt = A.page.getByTestId('pairing-join-dialog');
    await prompt.waitFor({ timeout: 60_000 });
    expect(await bCode.textContent()).toBe(
      await prompt.getByTestId('pairing-join-code').textContent(),
    );
    await prompt.getByRole('button', { name: 'Codes match — give access' }).click();
    await keyStatus(B.page, 'ready').waitFor({ timeout: 60_000 });

    // B uses A's engine over https, pinned to the certificate the code was shown with.
    expect(B.app.engineStatus()).toMatchObject({ mode: 'remote', state: 'ready', apiUrl });
    const settings = JSON.parse(readFileSync(join(B.dataDir, 'settings.json'), 'utf8')) as {
      engine: { mode: string; apiUrl: string; tlsPin?: string };
    };
    expect(settings.engine).toEqual({ mode: 'remote', apiUrl, tlsPin: reach.tlsPin });
    const saved = await download(B, 'shared-plan.txt', a.dir);
    expect(sha256(saved)).toBe(sha256(a.file));
    await shoot(B.page, 'reach-joined');

    // Closed again: A is back on this computer alone (and still signed in); B cannot reach it.
    await A.page.keyboard.press('Escape');
    await openTab(A.page, 'Account');
    await card.getByRole('switch', { name: 'Let my other computers connect' }).click();
    await card.getByTestId('reach-closed').waitFor({ timeout: 60_000 });
    expect(A.app.engineStatus().apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(A.app.sessionState().status).toBe('signed-in');
    await openTab(A.page, 'Files');
    await A.page.getByTestId('file-row').filter({ hasText: 'shared-plan.txt' }).waitFor();
    const { hostname, port } = new URL(apiUrl);
    const afterClose = await new Promise<string>((resolve) => {
      const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
      socket.once('connect', () => {
        socket.destroy();
        resolve('answered');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(afterClose).toBe('ECONNREFUSED');
  });
});
