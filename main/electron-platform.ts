import {
  app,
  clipboard,
  dialog,
  Notification,
  type BrowserWindow,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from './platform.ts';

const KIT_FILTERS = [{ name: 'Recovery kit', extensions: ['json'] }];

/**
 * `window` is the app window if one is open; `showWindow` brings it forward (making it if it was
 * closed), for a clicked notification.
 */
export function electronPlatform(
  window: () => BrowserWindow | undefined,
  showWindow: () => void,
): Platform {
  const openDialog = async (options: OpenDialogOptions): Promise<string[]> => {
    const owner = window();
    const result = owner
      ? await dialog.showOpenDialog(owner, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  };
  const saveDialog = async (options: SaveDialogOptions): Promise<string | null> => {
    const owner = window();
    const result = owner
      ? await dialog.showSaveDialog(owner, options)
      : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  };
  // A notification nobody holds can be collected before it is clicked, and its click lost.
  const shown = new Set<Notification>();

  return {
    chooseFiles: () =>
      openDialog({ title: 'Add files to the vault', properties: ['openFile', 'multiSelections'] }),
    chooseSaveTarget: (defaultName) =>
      saveDialog({
        title: 'Save the decrypted file',
        defaultPath: join(homedir(), 'Downloads', defaultName),
      }),
    async chooseFolder() {
      const [folder] = await openDialog({
        title: 'Choose a folder to keep encrypted copies in',
        properties: ['openDirectory', 'createDirectory'],
      });
      return folder ?? null;
    },
    chooseRecoveryKitTarget: (defaultName) =>
      saveDialog({
        title: 'Save the recovery kit',
        defaultPath: join(homedir(), 'Documents', defaultName),
        filters: KIT_FILTERS,
      }),
    async openRecoveryKit() {
      const [file] = await openDialog({
        title: 'Open a recovery kit',
        properties: ['openFile'],
        filters: KIT_FILTERS,
      });
      return file ?? null;
    },
    async readClipboardImage() {
      const image = clipboard.readImage();
      return image.isEmpty() ? null : image.toDataURL();
    },
    notify(title, body, onClick) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body });
      shown.add(notification);
      notification.on('click', () => {
        shown.delete(notification);
        showWindow();
        onClick();
      });
      notification.on('close', () => shown.delete(notification));
      notification.show();
    },
    setBadge(count) {
      // macOS dock and Linux launchers that support it; elsewhere the tray carries the count.
      app.setBadgeCount(count);
    },
  };
}
