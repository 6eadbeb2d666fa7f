import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { AppState } from '../bridge/types.ts';
import { KeychainStore } from '../client/secrets/keychain.ts';
import { describeClientError } from '../client/describe-client-error.ts';
import { electronPlatform } from './electron-platform.ts';
import { startEngineProcess } from './engine-host.ts';
import { createHandlers } from './handlers/index.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { installProtocolLinks, type ProtocolLinks } from './protocol-links.ts';
import { applySessionPolicy, hardenContents } from './security.ts';
import { installTray, type VaultTray } from './tray.ts';
import { VaultApp } from './vault-app.ts';
import { createMainWindow } from './window.ts';

// Bundled to out/main/index.mjs; its siblings are the engine process and out/preload, out/renderer.
const here = import.meta.dirname;
const assets = join(here, '..', '..', 'assets');
let window: BrowserWindow | undefined;
let vault: VaultApp | undefined;
let tray: VaultTray | undefined;
let quitting = false;
/** The question about running transfers is open; another quit request waits for its answer. */
let askingToQuit = false;

/** Consent links (privicore://) that reach this instance; set once the lock is ours. */
let links: ProtocolLinks | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second instance (a link opened while the app runs) hands its argv here and quits.
  links = installProtocolLinks(app, {
    argv: process.argv,
    defaultApp: process.defaultApp === true,
    execPath: process.execPath,
    show: () => {
      if (app.isReady()) showWindow();
    },
  });
  hardenContents();
  void app.whenReady().then(start);
  app.on('window-all-closed', () => {
    // With a tray the app lives on in it (approvals keep arriving); without one, as before.
    if (process.platform !== 'darwin' && !tray) app.quit();
  });
  app.on('activate', showWindow);
  app.on('before-quit', (event) => {
    if (quitting || !vault) return;
    event.preventDefault();
    void quitWhenConfirmed(vault);
  });
}

/**
 * Quits once the person agrees to stop the transfers still running (Keep going cancels the
 * quit). Stopped uploads are kept as interrupted and offered after the next start.
 */
async function quitWhenConfirmed(current: VaultApp): Promise<void> {
  if (askingToQuit) return;
  askingToQuit = true;
  try {
    if (!(await current.confirmQuit())) return;
  } finally {
    askingToQuit = false;
  }
  quitting = true;
  tray?.destroy();
  tray = undefined;
  await current.shutdown().catch(() => undefined);
  app.quit();
}

function openWindow(): void {
  const opened = createMainWindow({
    preload: join(here, '..', 'preload', 'index.cjs'),
    renderer: join(here, '..', 'renderer'),
    icon: join(assets, 'icon.png'),
  });
  // Closing the window hides it while the tray keeps the app: notifications and the tray's
  // count stay live, and reopening is instant. Quit (tray menu, or the app menu) really quits.
  opened.on('close', (event) => {
    if (quitting || !tray) return;
    event.preventDefault();
    opened.hide();
  });
  opened.on('closed', () => (window = undefined));
  window = opened;
}

/** Brings the window forward, making it again if it was closed. */
function showWindow(): void {
  if (!window) {
    openWindow();
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

async function start(): Promise<void> {
  applySessionPolicy();
  installMenu();
  const userData = app.getPath('userData');
  vault = VaultApp.create({
    settingsFile: join(userData, 'settings.json'),
    secrets: new KeychainStore(),
    platform: electronPlatform(() => window, showWindow),
    startEmbeddedEngine: (start) =>
      startEngineProcess(join(here, 'engine-process.mjs'), join(userData, 'engine'), start),
    emit: (event, payload) => {
      window?.webContents.send(event, payload);
      if (event === 'app:state') tray?.show(payload as AppState);
    },
  });
  const current = vault;
  try {
    tray = installTray(join(assets, 'tray-icon.png'), {
      open: showWindow,
      setTransfersPaused: (paused) => current.setTransfersPaused(paused),
      quit: () => app.quit(),
    });
    tray.show(current.appState());
  } catch {
    // Some Linux desktops have no tray; the app then quits when its window closes, as before.
    tray = undefined;
  }
  registerIpc(
    createHandlers(current),
    () => window,
    (error) => describeClientError(error, current.engineStatus().apiUrl),
  );
  openWindow();
  links?.deliverTo((link) => void current.openLink(link).catch(() => undefined));
}
