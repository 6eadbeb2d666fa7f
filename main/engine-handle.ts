import type { EmbeddedEngine, LocalStorageDevice } from '../engine/host.ts';

/**
 * What the app needs of its embedded engine, wherever it runs: in a utility process in the
 * real app (engine-host.ts over engine-messages.ts), in-process in tests (engine/host.ts
 * directly, through inProcessEngineHandle).
 */
export interface EngineHandle {
  apiUrl: string;
  wsUrl: string;
  /** Set when the engine serves TLS (open to other computers): its certificate's pin. */
  tlsPin?: string;
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

/**
 * How the app starts its built-in engine: on loopback only (no `reach`), or open to the local
 * network over TLS with its self-signed certificate on a fixed port, handing out `publicHost`
 * (this computer's address there) in its URLs.
 */
export interface EngineStart {
  reach?: { port: number; publicHost: string; names: readonly string[] };
}

/** The embedded engine's options for a start (engine/host.ts). */
export function embeddedEngineOptions(start: EngineStart): {
  host: string;
  port: number;
  publicHost?: string;
  tls?: { kind: 'self-signed'; names: readonly string[] };
} {
  if (!start.reach) return { host: '127.0.0.1', port: 0 };
  return {
    // Every IPv4 interface: the one other computers use is not known here.
    host: '0.0.0.0',
    port: start.reach.port,
    publicHost: start.reach.publicHost,
    tls: { kind: 'self-signed', names: start.reach.names },
  };
}

export function inProcessEngineHandle(engine: EmbeddedEngine): EngineHandle {
  return {
    apiUrl: engine.apiUrl,
    wsUrl: engine.wsUrl,
    ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
    ensureLocalStorage: async (token) => void (await engine.ensureLocalStorage(token)),
    addLocalStorage: (token, dir, options) => engine.addLocalStorage(token, dir, options),
    localStorage: async (profileId) => engine.localStorage(profileId),
    forgetLocalStorage: (deviceIdentifier) => engine.forgetLocalStorage(deviceIdentifier),
    stop: () => engine.stop(),
  };
}
