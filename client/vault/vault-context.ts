import type { AcceptedCommand } from '../accepted-command.ts';
import type { SessionChannel } from '../channel.ts';
import type { HttpClient } from '../http.ts';

/** A command waits for a voting pool (contract §1.6 status 1 `{poolId, policyId}`). */
export interface CommandHold {
  commandId: string;
  poolId: string;
  policyId: string;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once per pool the command waits for; it is then waited for until the vote ends. */
  onHold?: (hold: CommandHold) => void;
}

/** What the vault pipelines need from a session: HTTP, the channel, and command awaiting. */
export interface VaultContext {
  readonly http: HttpClient;
  readonly channel: SessionChannel;
  /** Sends a command and waits for its outcome over the channel. */
  run<T>(send: () => Promise<AcceptedCommand<T>>, options?: RunOptions): Promise<T>;
}
