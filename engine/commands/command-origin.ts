// Which OAuth grant a command belongs to. route.ts runs every handler serving an OAuth access
// token inside `asGrant`, and the command runner reads it when it accepts a command: set in one
// place, so no domain verb can forget to pass it on. The grant decides where the command's
// messages go (channel/socket-hub.ts: an application's sockets hear only its own commands).

import { AsyncLocalStorage } from 'node:async_hooks';

const origin = new AsyncLocalStorage<string>();

export function asGrant<T>(grantId: string, work: () => T): T {
  return origin.run(grantId, work);
}

/** The grant whose request is being served, or null (a profile or device token, or none). */
export function currentGrant(): string | null {
  return origin.getStore() ?? null;
}
