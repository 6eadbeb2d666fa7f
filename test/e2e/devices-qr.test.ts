import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
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
} from './devices-steps.ts';

const opened: LaunchedVault[] = [];
afterAll(async () => {
  for (const vault of opened) await vault.close().catch(() => undefined);
  await closeBrowser();
});

function decodePng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

describe('desktop app: pairing by QR code', () => {
  it('shows a QR code on A; a fresh B joins from a picture of it and opens A’s file', async () => {
    const a = await firstComputer(opened, 'paired.txt');
    const A = a.vault;
    await openTab(A.page, 'Devices');
    await A.page.getByRole('button', { name: 'Pair a device' }).click();
    const qr = A.page.getByTestId('pairing-qr');
    await qr.waitFor({ timeout: 30_000 });
    expect(await qr.getAttribute('alt')).toMatch(/QR code/);
    const countdown = A.page.getByTestId('pairing-countdown');
    expect(await countdown.textContent()).toMatch(/Expires in [0-5]:\d\d/);
    await A.page.getByTestId('pairing-local-only').waitFor();
    await shoot(A.page, 'devices-pair-qr');

    // What the screen shows decodes to the code it prints beside it.
    const png = await qr.screenshot();
    const payload = decodePng(png);
    expect(payload).toMatch(/^privicore:\/\/authorize\?token=Q-.*&secret=[\w-]{22}&fp=[\w-]{22}$/);
    expect(await A.page.getByTestId('pairing-payload').textContent()).toBe(payload);
    const picture = join(a.dir, 'pairing-code.png');
    writeFileSync(picture, png);

    // A fresh installation: no account of its own, no key in the keychain.
    const B = await secondComputer(opened, A);
    await B.page
      .getByTestId('sign-up-form')
      .or(B.page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'Join with a QR code' }).click();
    await B.page.getByTestId('onboarding-join').waitFor();
    await B.page.getByLabel('Device name').fill('Laptop B');

    // A picture without a code, pasted or chosen as a file, says so and joins nothing.
    const noCode = await B.page.getByTestId('onboarding-join').screenshot();
    expect(decodePng(noCode)).toBeNull();
    const noCodeMessage = B.page.getByText('No QR code was found in that picture');
    const emptyMessage = B.page.getByText('The clipboard holds no picture');
    B.platform.clipboardImage = `data:image/png;base64,${noCode.toString('base64')}`;
    await B.page.getByRole('button', { name: 'From the clipboard' }).click();
    await noCodeMessage.waitFor();
    await shoot(B.page, 'onboarding-join');
    // An empty clipboard says something else, which the file's outcome then replaces.
    B.platform.clipboardImage = null;
    await B.page.getByRole('button', { name: 'From the clipboard' }).click();
    await emptyMessage.waitFor();
    await noCodeMessage.waitFor({ state: 'detached' });
    const noCodeFile = join(a.dir, 'no-code.png');
    writeFileSync(noCodeFile, noCode);
    const noCodeChooser = B.page.waitForEvent('filechooser');
    await B.page.getByRole('button', { name: 'From an image file' }).click();
    await (await noCodeChooser).setFiles(noCodeFile);
    await noCodeMessage.waitFor();
    await B.page.getByTestId('onboarding-join').waitFor();
    expect(await B.page.getByTestId('files-screen').count()).toBe(0);

    const chooser = B.page.waitForEvent('filechooser');
    await B.page.getByRole('button', { name: 'From an image file' }).click();
    await (await chooser).setFiles(picture);

    // B joined and shows a code; A asks its person, with the same code. Nothing is shared yet.
    await B.page.getByTestId('files-screen').waitFor({ timeout: 60_000 });
    await keyStatus(B.page, 'waiting-for-approval').waitFor({ timeout: 60_000 });
    const bCode = B.page.getByTestId('key-code');
    await bCode.waitFor({ timeout: 30_000 });
    const prompt = A.page.getByTestId('pairing-join-dialog');
    await prompt.waitFor({ timeout: 60_000 });
    await prompt.getByText('Laptop B').first().waitFor();
    const aCode = await prompt.getByTestId('pairing-join-code').textContent();
    expect(aCode).toMatch(/^\d{3} \d{3}$/);
    expect(await bCode.textContent()).toBe(aCode);
    await shoot(A.page, 'prompt-pairing-join');
    await shoot(B.page, 'paired-showing-code');
    await prompt.getByRole('button', { name: 'Codes match — give access' }).click();
    await prompt.waitFor({ state: 'detached', timeout: 30_000 });

    await keyStatus(B.page, 'ready').waitFor({ timeout: 60_000 });
    await B.page.getByText('This computer is ready.').waitFor();
    await shoot(B.page, 'paired-ready');
    const saved = await download(B, 'paired.txt', a.dir);
    expect(sha256(saved)).toBe(sha256(a.file));

    // A lists B as this vault's device, holding the key; B marks itself as this computer.
    const bRow = A.page.getByTestId('device-row').filter({ hasText: 'Laptop B' });
    await bRow.getByText('Has the vault key').waitFor({ timeout: 30_000 });
    await openTab(B.page, 'Devices');
    await B.page
      .getByTestId('device-row')
      .filter({ hasText: 'This computer' })
      .waitFor({ timeout: 30_000 });
    await shoot(B.page, 'devices-this-computer');
  });

  it('joins from a pasted code image on the clipboard', async () => {
    const a = await firstComputer(opened, 'clip.txt');
    const A = a.vault;
    await openTab(A.page, 'Devices');
    await A.page.getByRole('button', { name: 'Pair a device' }).click();
    const qr = A.page.getByTestId('pairing-qr');
    await qr.waitFor({ timeout: 30_000 });
    const image = (await qr.getAttribute('src'))!;
    expect(image).toMatch(/^data:image\/png;base64,/);

    const B = await secondComputer(opened, A);
    await B.page
      .getByTestId('sign-up-form')
      .or(B.page.getByTestId('sign-in-form'))
      .waitFor({ timeout: 60_000 });
    await B.page.getByRole('button', { name: 'Join with a QR code' }).click();
    await B.page.getByLabel('Device name').fill('Desk C');
    B.platform.clipboardImage = image;
    await B.page.getByRole('button', { name: 'From the clipboard' }).click();
    const prompt = A.page.getByTestId('pairing-join-dialog');
    await prompt.waitFor({ timeout: 60_000 });
    expect(await B.page.getByTestId('key-code').textContent()).toBe(
      await prompt.getByTestId('pairing-join-code').textContent(),
    );
    await prompt.getByRole('button', { name: 'Codes match — give access' }).click();
    await keyStatus(B.page, 'ready').waitFor({ timeout: 60_000 });
    const saved = await download(B, 'clip.txt', a.dir);
    expect(sha256(saved)).toBe(sha256(a.file));
  });
});
