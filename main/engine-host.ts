import { utilityProcess } from 'electron';
import type { EngineHandle, EngineStart } from './engine-handle.ts';
import { EngineRequests, engineHandleOver, type EngineMessage } from './engine-messages.ts';

/**
 * Starts the embedded engine in an Electron utility process (engine-process.ts) and speaks to
 * it over its message port (engine-messages.ts), so a busy engine never freezes the window.
 */
export function startEngineProcess(
  entry: string,
  dataDir: string,
  start: EngineStart = {},
): Promise<EngineHandle> {
  const child = utilityProcess.fork(
    entry,
    ['--data-dir', dataDir, '--start', JSON.stringify(start)],
    {
      serviceName: 'Privicore engine',
      stdio: 'inherit',
    },
  );
  const requests = new EngineRequests((message) => child.postMessage(message));

  return new Promise((resolve, reject) => {
    child.on('message', (message: EngineMessage) => {
      if (requests.settle(message)) return;
      if (message.type === 'ready') resolve(engineHandleOver(message, requests));
      else if (message.type === 'failed') reject(new Error(message.message));
    });
    child.on('exit', (code) => {
      const error = new Error(`The engine process exited (code ${code}).`);
      requests.failAll(error);
      reject(error);
    });
  });
}
