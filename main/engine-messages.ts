// The messages between main and the embedded engine's utility process (engine-process.ts), as
// plain data over the process's message port. No Electron here: both ends are driven by tests
// through a pair of in-memory ports.
//
//   engine → main   { type: 'ready', apiUrl, wsUrl, tlsPin? } once listening, or { type: 'failed', message }
//   main → engine   { id, type, ...arguments }        one EngineRequest
//   engine → main   { id, ok: true, value } | { id, ok: false, message }

import type { EmbeddedEngine } from '../engine/host.ts';
import type { EngineHandle } from './engine-handle.ts';

export type EngineRequest =
  | { type: 'ensureLocalStorage'; authorizationToken: string }
  | { type: 'addLocalStorage'; authorizationToken: string; dir: string; name?: string }
  | { type: 'localStorage'; profileId?: string }
  | { type: 'forgetLocalStorage'; deviceIdentifier: string }
  | { type: 'stop' };

export type EngineRequestMessage = EngineRequest & { id: number };

export type EngineReply =
  { id: number; ok: true; value?: unknown } | { id: number; ok: false; message: string };

export type EngineMessage =
  | { type: 'ready'; apiUrl: string; wsUrl: string; tlsPin?: string }
  | { type: 'failed'; message: string }
  | EngineReply;

/** The engine side: carries out one request (`stop` is the caller's, since it ends the process). */
export async function runEngineRequest(
  engine: EmbeddedEngine,
  request: Exclude<EngineRequest, { type: 'stop' }>,
): Promise<unknown> {
  switch (request.type) {
    case 'ensureLocalStorage':
      return engine.ensureLocalStorage(request.authorizationToken);
    case 'addLocalStorage':
      return engine.addLocalStorage(
        request.authorizationToken,
        request.dir,
        request.name === undefined ? {} : { name: request.name },
      );
    case 'localStorage':
      return engine.localStorage(request.profileId);
    case 'forgetLocalStorage':
      return engine.forgetLocalStorage(request.deviceIdentifier);
  }
}

/** The main side: numbers requests, matches replies to them, and fails them all if the engine goes. */
export class EngineRequests {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();

  constructor(private readonly send: (message: EngineRequestMessage) => void) {}

  call<T>(request: EngineRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send({ id, ...request });
    });
  }

  /** Settles the request a reply answers; false for any other message. */
  settle(message: EngineMessage): message is EngineReply {
    if (!('id' in message)) return false;
    const waiter = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.value);
    else waiter?.reject(new Error(message.message || 'the engine failed'));
    return true;
  }

  failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** An EngineHandle whose every call is a request to the engine process. */
export function engineHandleOver(
  ready: { apiUrl: string; wsUrl: string; tlsPin?: string },
  requests: EngineRequests,
): EngineHandle {
  return {
    apiUrl: ready.apiUrl,
    wsUrl: ready.wsUrl,
    ...(ready.tlsPin ? { tlsPin: ready.tlsPin } : {}),
    ensureLocalStorage: async (authorizationToken) =>
      void (await requests.call({ type: 'ensureLocalStorage', authorizationToken })),
    addLocalStorage: (authorizationToken, dir, options = {}) =>
      requests.call({
        type: 'addLocalStorage',
        authorizationToken,
        dir,
        ...(options.name === undefined ? {} : { name: options.name }),
      }),
    localStorage: (profileId) =>
      requests.call({ type: 'localStorage', ...(profileId === undefined ? {} : { profileId }) }),
    forgetLocalStorage: (deviceIdentifier) =>
      requests.call({ type: 'forgetLocalStorage', deviceIdentifier }),
    stop: () => requests.call<void>({ type: 'stop' }).catch(() => undefined),
  };
}
