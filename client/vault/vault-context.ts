import type { AcceptedCommand } from '../accepted-command.ts';
import type { SessionChannel } from '../channel.ts';
import type { HttpClient } from '../http.ts';

/** What the vault pipelines need from a session: HTTP, the channel, and command awaiting. */
export interface VaultContext {
  readonly http: HttpClient;
  readonly channel: SessionChannel;
  /** Sends a command and waits for its outcome over the channel. */
  run<T>(
    send: () => Promise<AcceptedCommand<T>>,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<T>;
}
