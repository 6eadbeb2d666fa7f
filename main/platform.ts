/**
 * The Electron seams main's handlers use: native dialogs and notifications. electron-platform.ts
 * implements them with Electron; the e2e harness supplies its own, since tests cannot click a
 * native dialog.
 */
export interface Platform {
  /** Native open dialog for files; [] when cancelled. */
  chooseFiles(): Promise<string[]>;
  /** Native save dialog; null when cancelled. */
  chooseSaveTarget(defaultName: string): Promise<string | null>;
}
