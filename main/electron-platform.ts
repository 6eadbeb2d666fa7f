import { dialog, type BrowserWindow } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from './platform.ts';

export function electronPlatform(window: () => BrowserWindow | undefined): Platform {
  return {
    async chooseFiles() {
      const owner = window();
      const options = { title: 'Add files to the vault', properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[] };
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
    async chooseSaveTarget(defaultName) {
      const owner = window();
      const options = { title: 'Save the decrypted file', defaultPath: join(homedir(), 'Downloads', defaultName) };
      const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
