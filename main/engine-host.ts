import { utilityProcess } from 'electron';
import type { EngineHandle } from './engine-handle.ts';

/**
 * Starts the embedded engine in an Electron utility process (engine-process.ts) and speaks to
 * it over its message port, so a busy engine never freezes the window.
 */
export function startEngineProcess(entry: string, dataDir: string): Promise<EngineHandle> {
  const child = utilityProcess.fork(entry, ['--data-dir', dataDir], { serviceName: 'Privicore engine', stdio: 'inherit' });
  let nextId = 1;
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();

  const call = (message: Record<string, unknown>): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.postMessage({ id, ...message });
    });

  return new Promise((resolve, reject) => {
    child.on('message', (message: { type?: string; id?: number; ok?: boolean; message?: string; apiUrl?: string; wsUrl?: string }) => {
      if (message.type === 'ready') {
        resolve({
          apiUrl: message.apiUrl!,
          wsUrl: message.wsUrl!,
          ensureLocalStorage: (authorizationToken) => call({ type: 'ensureLocalStorage', authorizationToken }),
          stop: () => call({ type: 'stop' }).catch(() => undefined),
        });
      } else if (message.type === 'failed') {
        reject(new Error(message.message));
      } else if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve();
        else waiter?.reject(new Error(message.message ?? 'the engine failed'));
      }
    });
    child.on('exit', (code) => {
      const error = new Error(`The engine process exited (code ${code}).`);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      reject(error);
    });
  });
}
