// Waiting for an accepted command's outcome (contract §1.6): over the session channel, or by
// polling /request-status when there is no channel yet (register-profile has no token to join with).

import { setTimeout as sleep } from 'node:timers/promises';
import type { AcceptedCommand } from './accepted-command.ts';
import type { SessionChannel } from './channel.ts';
import { requestStatus } from './endpoints/utility.ts';
import type { HttpClient } from './http.ts';
import { PrivicoreError } from './privicore-error.ts';

export interface AwaitCommandOptions {
  /** Required: how long to wait before failing with `client.timeout`. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The channel epoch read before the command was sent (see SessionChannel.waitCommand). */
  since?: number;
}

/**
 * The command's status-2 result, or a PrivicoreError: the rejection's reason key (status 3),
 * `client.timeout`, `client.cancelled`, or `client.closed`.
 */
export async function awaitCommand<T>(
  channel: SessionChannel,
  accepted: AcceptedCommand<T>,
  options: AwaitCommandOptions,
): Promise<T> {
  const outcome = await channel.waitCommand(accepted.commandId, options);
  if (outcome.status === 3) throw PrivicoreError.rejected(accepted.commandId, outcome.reason);
  if (outcome.via === 'message')
    return (outcome.body === 'succeeded' ? undefined : outcome.body) as T;
  return accepted.recover ? accepted.recover() : (undefined as T);
}

/** Polls /request-status until the command ends; for callers without a channel. */
export async function pollCommand<T>(
  http: HttpClient,
  accepted: AcceptedCommand<T>,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.intervalMs ?? 25;
  for (;;) {
    if (options.signal?.aborted) throw PrivicoreError.cancelled('Waiting for the command');
    const report = await requestStatus(http, accepted.commandId);
    if (report.status === 3)
      throw PrivicoreError.rejected(accepted.commandId, report.reason ?? 'server.error');
    if (report.status === 2) return accepted.recover ? accepted.recover() : (undefined as T);
    if (Date.now() >= deadline) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.timeout',
        message: `Command ${accepted.commandId} did not finish within ${Math.round(options.timeoutMs / 1000)} s.`,
      });
    }
    try {
      await sleep(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      throw PrivicoreError.cancelled('Waiting for the command');
    }
    interval = Math.min(interval * 2, 500);
  }
}
