import type { Platform } from '../../main/platform.ts';

export interface ShownNotification {
  title: string;
  body: string;
  /** What a click on it does (the window comes forward, then this). */
  click(): void;
}

/**
 * The Electron seams, scripted by the test: what the native dialogs "choose" and what the
 * clipboard holds, and a record of the notifications shown and the badge counts set.
 */
export class ScriptedPlatform implements Platform {
  nextFiles: string[] = [];
  nextUploadFolders: string[] = [];
  nextDownloadFolder: string | null = null;
  /** The answer to the quit question ("Cancel them and quit" when true). */
  quitAnswer = false;
  readonly quitQuestions: number[] = [];
  readonly shownInFolder: string[] = [];
  nextSaveTarget: string | null = null;
  nextFolder: string | null = null;
  /** What the next device configuration save dialog answers. */
  nextDeviceBundleTarget: string | null = null;
  nextRecoveryKitTarget: string | null = null;
  nextRecoveryKitFile: string | null = null;
  clipboardImage: string | null = null;
  readonly notifications: ShownNotification[] = [];
  readonly badgeCounts: number[] = [];
  /** Default names the save dialogs were opened with. */
  readonly dialogDefaults: string[] = [];
  private readonly notificationWaiters = new Set<() => void>();

  async chooseFiles(): Promise<string[]> {
    const files = this.nextFiles;
    this.nextFiles = [];
    return files;
  }

  async chooseUploadFolders(): Promise<string[]> {
    const folders = this.nextUploadFolders;
    this.nextUploadFolders = [];
    return folders;
  }

  async chooseDownloadFolder(): Promise<string | null> {
    const folder = this.nextDownloadFolder;
    this.nextDownloadFolder = null;
    return folder;
  }

  showInFolder(path: string): void {
    this.shownInFolder.push(path);
  }

  async confirmQuitWithTransfers(count: number): Promise<boolean> {
    this.quitQuestions.push(count);
    return this.quitAnswer;
  }

  async chooseSaveTarget(defaultName: string): Promise<string | null> {
    this.dialogDefaults.push(defaultName);
    const target = this.nextSaveTarget;
    this.nextSaveTarget = null;
    return target;
  }

  async chooseFolder(): Promise<string | null> {
    const folder = this.nextFolder;
    this.nextFolder = null;
    return folder;
  }

  async chooseRecoveryKitTarget(defaultName: string): Promise<string | null> {
    this.dialogDefaults.push(defaultName);
    const target = this.nextRecoveryKitTarget;
    this.nextRecoveryKitTarget = null;
    return target;
  }

  async chooseDeviceBundleTarget(defaultName: string): Promise<string | null> {
    this.dialogDefaults.push(defaultName);
    const target = this.nextDeviceBundleTarget;
    this.nextDeviceBundleTarget = null;
    return target;
  }

  async openRecoveryKit(): Promise<string | null> {
    const file = this.nextRecoveryKitFile;
    this.nextRecoveryKitFile = null;
    return file;
  }

  async readClipboardImage(): Promise<string | null> {
    return this.clipboardImage;
  }

  notify(title: string, body: string, onClick: () => void): void {
    this.notifications.push({ title, body, click: onClick });
    for (const wake of this.notificationWaiters) wake();
  }

  setBadge(count: number): void {
    this.badgeCounts.push(count);
  }

  /** Addresses the app sent to the browser, in order. */
  readonly opened: string[] = [];
  private readonly openWaiters = new Set<() => void>();

  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
    for (const wake of this.openWaiters) wake();
  }

  /** Resolves with the first address opened (already or still to come) that matches. */
  nextOpened(matches: (url: string) => boolean = () => true): Promise<string> {
    return new Promise((resolve) => {
      const look = () => {
        const found = this.opened.find(matches);
        if (found === undefined) return;
        this.openWaiters.delete(look);
        resolve(found);
      };
      this.openWaiters.add(look);
      look();
    });
  }

  /** Resolves with the first notification (already shown or still to come) that matches. */
  nextNotification(
    matches: (notification: ShownNotification) => boolean = () => true,
  ): Promise<ShownNotification> {
    return new Promise((resolve) => {
      const look = () => {
        const found = this.notifications.find(matches);
        if (!found) return;
        this.notificationWaiters.delete(look);
        resolve(found);
      };
      this.notificationWaiters.add(look);
      look();
    });
  }
}
