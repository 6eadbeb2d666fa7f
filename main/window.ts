import { BrowserWindow, nativeTheme } from 'electron';
import { join } from 'node:path';

/** The one app window: created hidden, shown once its first paint is ready. */
export function createMainWindow(paths: {
  preload: string;
  renderer: string;
  icon: string;
}): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 780,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Privicore Vault',
    icon: paths.icon,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1d21' : '#f7f8fa',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(join(paths.renderer, 'index.html'));
  return window;
}
