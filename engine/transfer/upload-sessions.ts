import type { FanoutResult } from './storage-fanout.ts';

export type StoreOutcome = { ok: true; result: FanoutResult } | { ok: false; reason: string };

/**
 * Stores in progress, by upload id, until their command picks them up. The bytes of an
 * exchange or upstream upload never enter a command payload (they may be gigabytes): the
 * command only names the upload, so a command found at status 1 after a restart has lost its
 * bytes and is rejected (server.ts).
 */
export class UploadSessions {
  private readonly sessions = new Map<string, Promise<StoreOutcome>>();

  add(uploadId: string, outcome: Promise<StoreOutcome>): void {
    this.sessions.set(uploadId, outcome);
  }

  take(uploadId: string): Promise<StoreOutcome> | undefined {
    const outcome = this.sessions.get(uploadId);
    this.sessions.delete(uploadId);
    return outcome;
  }

  drop(uploadId: string): void {
    this.sessions.delete(uploadId);
  }
}
