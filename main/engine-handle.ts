import type { EmbeddedEngine, LocalStorageDevice } from '../engine/host.ts';

/**
 * What the app needs of its embedded engine, wherever it runs: in a utility process in the
 * real app (engine-host.ts over engine-messages.ts), in-process in tests (engine/host.ts
 * directly, through inProcessEngineHandle).
 */
export interface EngineHandle {
  apiUrl: string;
  wsUrl: string;
  /** Creates the profile's three local storage devices on first use and starts them. */
  ensureLocalStorage(authorizationToken: string): Promise<void>;
  /** Creates, registers and starts a storage device with its replicas in `dir`. */
  addLocalStorage(
    authorizationToken: string,
    dir: string,
    options?: { name?: string },
  ): Promise<LocalStorageDevice>;
  /** The local storage devices the engine runs, of one profile or all. */
  localStorage(profileId?: string): Promise<LocalStorageDevice[]>;
  /** Stops a local storage device and forgets it; its folder is left as it is. */
  forgetLocalStorage(deviceIdentifier: string): Promise<boolean>;
  stop(): Promise<void>;
}

export function inProcessEngineHandle(engine: EmbeddedEngine): EngineHandle {
  return {
    apiUrl: engine.apiUrl,
    wsUrl: engine.wsUrl,
    ensureLocalStorage: async (token) => void (await engine.ensureLocalStorage(token)),
    addLocalStorage: (token, dir, options) => engine.addLocalStorage(token, dir, options),
    localStorage: async (profileId) => engine.localStorage(profileId),
    forgetLocalStorage: (deviceIdentifier) => engine.forgetLocalStorage(deviceIdentifier),
    stop: () => engine.stop(),
  };
}
