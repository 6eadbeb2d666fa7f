/**
 * The Electron seams main's handlers use: native dialogs, the clipboard, notifications and the
 * badge. electron-platform.ts implements them with Electron; tests supply scripted ones
 * (test/support/scripted-platform.ts), since a test cannot click a native dialog.
 */
export interface Platform {
  /** Native open dialog for files; [] when cancelled. */
  chooseFiles(): Promise<string[]>;
  /** Native open dialog for folders to upload (each kept as a folder); [] when cancelled. */
  chooseUploadFolders(): Promise<string[]>;
  /** Native folder picker for downloading several files into; null when cancelled. */
  chooseDownloadFolder(count: number): Promise<string | null>;
  /** Shows a file in the system's file manager, selected. */
  showInFolder(path: string): void;
  /**
   * Asks whether to stop the transfers still running so the app can quit (a native message
   * box: "Keep going" or "Cancel them and quit"); true to stop them.
   */
  confirmQuitWithTransfers(count: number): Promise<boolean>;
  /** Native save dialog; null when cancelled. */
  chooseSaveTarget(defaultName: string): Promise<string | null>;
  /** Native folder picker (a folder to use as storage); null when cancelled. */
  chooseFolder(): Promise<string | null>;
  /** Native save dialog for a recovery kit; null when cancelled. */
  chooseRecoveryKitTarget(defaultName: string): Promise<string | null>;
  /** Native save dialog for a storage device's configuration file; null when cancelled. */
  chooseDeviceBundleTarget(defaultName: string): Promise<string | null>;
  /** Native open dialog for a recovery kit; null when cancelled. */
  openRecoveryKit(): Promise<string | null>;
  /** The clipboard's image as a PNG data URL; null when it holds none. */
  readClipboardImage(): Promise<string | null>;
  /** A desktop notification; a click brings the window forward, then calls `onClick`. */
  notify(title: string, body: string, onClick: () => void): void;
  /** The dock/taskbar badge count (0 clears it), where the OS has one. */
  setBadge(count: number): void;
  /**
   * Opens an address in the system's browser (after a consent answer: the application's
   * registered redirect URI). Callers check it first: https, or http to this computer.
   */
  openExternal(url: string): Promise<void>;
}
