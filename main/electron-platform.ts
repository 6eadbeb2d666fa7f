import {
  app,
  clipboard,
  dialog,
  Notification,
  shell,
  type BrowserWindow,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { printable } from '../bridge/printable.ts';
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
    chooseUploadFolders: () =>
      openDialog({
        title: 'Add folders to the vault',
        properties: ['openDirectory', 'multiSelections'],
      }),
    async chooseDownloadFolder(count) {
      const [folder] = await openDialog({
        title: `Choose a folder for the ${count} decrypted files`,
        defaultPath: join(homedir(), 'Downloads'),
        properties: ['openDirectory', 'createDirectory'],
      });
      return folder ?? null;
    },
    showInFolder(path) {
      shell.showItemInFolder(path);
    },
    async confirmQuitWithTransfers(count) {
      const options = {
        type: 'question' as const,
        buttons: ['Keep going', 'Cancel them and quit'],
        defaultId: 0,
        cancelId: 0,
        message:
          count === 1 ? 'A transfer is still running.' : `${count} transfers are still running.`,
        detail:
          'Uploads you stop now are listed as interrupted the next time you open the app, with Retry.',
      };
      const owner = window();
      const { response } = owner
        ? await dialog.showMessageBox(owner, options)
        : await dialog.showMessageBox(options);
      return response === 1;
    },
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
    chooseDeviceBundleTarget: (defaultName) =>
      saveDialog({
        title: 'Save the storage device configuration',
        defaultPath: join(homedir(), 'Documents', defaultName),
        filters: [{ name: 'Device configuration', extensions: ['json'] }],
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
      // Notices name devices the engine told of: shown, never acted on (bridge/printable.ts).
      const notification = new Notification({ title: printable(title), body: printable(body) });
      shown.add(notification);
      notification.on('click', () => {
        shown.delete(notification);
        showWindow();
        onClick();
      });
      notification.on('close', () => shown.delete(notification));
      notification.show();
    },
    async openExternal(url) {
      // The one place main hands an address to the OS; only web addresses ever get here.
      if (!/^https?:\/\//i.test(url)) throw new Error('Only http(s) addresses are opened.');
      await shell.openExternal(url);
    },
    setBadge(count) {
      // macOS dock and Linux launchers that support it; elsewhere the tray carries the count.
      app.setBadgeCount(count);
    },
  };
}
