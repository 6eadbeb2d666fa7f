/**
 * What the app needs of its embedded engine, wherever it runs: in a utility process in the
 * real app (engine-host.ts), in-process in the e2e harness (engine/host.ts directly).
 */
export interface EngineHandle {
  apiUrl: string;
  wsUrl: string;
  /** Creates the profile's three local storage devices on first use and starts them. */
  ensureLocalStorage(authorizationToken: string): Promise<void>;
  stop(): Promise<void>;
}
