import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { KeychainStore } from '../client/secrets/keychain.ts';
import { describeClientError } from '../client/describe-client-error.ts';
import { electronPlatform } from './electron-platform.ts';
import { startEngineProcess } from './engine-host.ts';
import { createHandlers } from './handlers/index.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { applySessionPolicy, hardenContents } from './security.ts';
import { VaultApp } from './vault-app.ts';
import { createMainWindow } from './window.ts';

// Bundled to out/main/index.mjs; its siblings are the engine process and out/preload, out/renderer.
const here = import.meta.dirname;
let window: BrowserWindow | undefined;
let vault: VaultApp | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  hardenContents();
  void app.whenReady().then(start);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !vault) return;
    event.preventDefault();
    quitting = true;
    void vault.shutdown().finally(() => app.quit());
  });
}

function openWindow(): void {
  window = createMainWindow({
    preload: join(here, '..', 'preload', 'index.cjs'),
    renderer: join(here, '..', 'renderer'),
    icon: join(here, '..', '..', 'assets', 'icon.png'),
  });
  window.on('closed', () => (window = undefined));
}

async function start(): Promise<void> {
  applySessionPolicy();
  installMenu();
  const userData = app.getPath('userData');
  vault = VaultApp.create({
    settingsFile: join(userData, 'settings.json'),
    secrets: new KeychainStore(),
    platform: electronPlatform(() => window),
    startEmbeddedEngine: () => startEngineProcess(join(here, 'engine-process.mjs'), join(userData, 'engine')),
    emit: (event, payload) => window?.webContents.send(event, payload),
  });
  const current = vault;
  registerIpc(createHandlers(current), () => window, (error) => describeClientError(error, current.engineStatus().apiUrl));
  openWindow();
}
