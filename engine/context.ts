import type { SocketHub } from './channel/socket-hub.ts';
import type { CommandRunner } from './commands/command-runner.ts';
import type { EngineSecrets } from './crypto/engine-secrets.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/store.ts';

/** Everything a route or domain verb may use; built once per engine in server.ts. */
export interface EngineContext {
  readonly store: Store;
  readonly hub: SocketHub;
  readonly commands: CommandRunner;
  readonly secrets: EngineSecrets;
  readonly log: Logger;
  /** Public URLs the engine hands out (contract §1.1). */
  readonly urls: { apiUrl: string; wsUrl: string };
  readonly now: () => number;
}
