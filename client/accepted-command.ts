// What an async-command endpoint function returns: the command id, typed by the status-2 body
// it will produce, plus how to learn that body again when the channel message was lost.

import type { HttpResponse } from './http.ts';
import { readCommandId } from './command-id.ts';

export interface AcceptedCommand<T> {
  readonly commandId: string;
  /**
   * Re-reads the status-2 result through a sync endpoint, for a command whose outcome was
   * learned from /request-status after a reconnect (the message itself was lost). Absent when
   * the contract offers no way back; the awaited result is then `undefined`.
   */
  readonly recover?: () => Promise<T>;
}

export function acceptCommand<T>(
  response: HttpResponse<unknown>,
  recover?: (commandId: string) => Promise<T>,
): AcceptedCommand<T> {
  const commandId = readCommandId(response.headers, response.data);
  return recover ? { commandId, recover: () => recover(commandId) } : { commandId };
}
