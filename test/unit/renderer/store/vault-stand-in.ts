import { vi } from 'vitest';
import type { BridgeEvent, BridgeEvents } from '../../../../bridge/channels.ts';
import type { EngineStatus, FileItem, SessionState } from '../../../../bridge/types.ts';
import {
  buildVaultApi,
  dispatch,
  type BridgeErrorInfo,
  type HandlerTable,
} from '../../../../bridge/vault-api.ts';

export class StandInError extends Error {
  constructor(readonly info: BridgeErrorInfo) {
    super(info.message);
  }
}

export const signedOut: SessionState = {
  status: 'signed-out',
  username: null,
  profileId: null,
  engine: { mode: 'embedded', apiUrl: null },
  expiresAt: null,
  notice: null,
};

export const readyEngine: EngineStatus = {
  mode: 'embedded',
  state: 'ready',
  apiUrl: 'http://127.0.0.1:4000',
  message: null,
};

export function fileItem(index: number, change: Partial<FileItem> = {}): FileItem {
  return {
    token: `tok-${index}`,
    fileName: `file-${index}.txt`,
    extension: 'txt',
    size: index * 100,
    context: '/',
    path: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    classification: null,
    ...change,
  };
}

/**
 * Installs `window.vault` built by the real bridge code, with every call validated by the
 * channel's schema (as main does) and answered by `handlers`. Unset handlers throw.
 */
export function installVaultStandIn(
  handlers: Partial<HandlerTable>,
  { pathForFile = () => null }: { pathForFile?: (file: File) => string | null } = {},
) {
  const listeners = new Map<BridgeEvent, Set<(payload: unknown) => void>>();
  const calls: { channel: string; input: unknown }[] = [];
  const table = new Proxy(handlers, {
    get: (target, name: string) =>
      target[name as keyof HandlerTable] ??
      (() =>
        Promise.reject(
          new StandInError({
            message: `No stand-in for ${name}.`,
            reason: 'test.unhandled',
            status: null,
          }),
        )),
  }) as HandlerTable;
  const vault = buildVaultApi({
    invoke: (channel, input) => {
      calls.push({ channel, input });
      return dispatch(table, channel, input, (error) =>
        error instanceof StandInError
          ? error.info
          : { message: String(error), reason: null, status: null },
      );
    },
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    pathForFile: (file) => (file instanceof File ? pathForFile(file) : null),
  });
  vi.stubGlobal('window', { vault });
  return {
    calls,
    callsTo: (channel: string) =>
      calls.filter((call) => call.channel === channel).map((call) => call.input),
    emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: (event: BridgeEvent) => listeners.get(event)?.size ?? 0,
  };
}

/** Lets queued promise callbacks run (the store's calls are async but answered at once). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
