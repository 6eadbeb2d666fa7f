// The embedded engine's utility process (Electron utilityProcess): keeps the engine, its SQLite
// work and the local storage devices off the main process's event loop. It talks to main over
// parentPort with the messages of engine-messages.ts: `ready` once listening, an answer to each
// request, and it exits after answering `stop`.
import { startEmbeddedEngine } from '../engine/host.ts';
import { embeddedEngineOptions, type EngineStart } from './engine-handle.ts';
import {
  runEngineRequest,
  type EngineMessage,
  type EngineRequestMessage,
} from './engine-messages.ts';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: EngineMessage): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
const dataDir = process.argv[process.argv.indexOf('--data-dir') + 1];
const startArg = process.argv.indexOf('--start');
const start = (
  startArg === -1 ? {} : JSON.parse(process.argv[startArg + 1] ?? '{}')
) as EngineStart;

async function main(): Promise<void> {
  if (!dataDir) throw new Error('--data-dir is required');
  const engine = await startEmbeddedEngine({ dataDir, ...embeddedEngineOptions(start) });
  port.on('message', ({ data }) => {
    const request = data as EngineRequestMessage;
    if (request.type === 'stop') {
      void engine.stop().finally(() => {
        port.postMessage({ id: request.id, ok: true });
        process.exit(0);
      });
      return;
    }
    runEngineRequest(engine, request).then(
      (value) => port.postMessage({ id: request.id, ok: true, value }),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, message: (error as Error).message }),
    );
  });
  port.postMessage({
    type: 'ready',
    apiUrl: engine.apiUrl,
    wsUrl: engine.wsUrl,
    ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
  });
}

main().catch((error: unknown) => {
  port.postMessage({ type: 'failed', message: (error as Error).message });
  process.exit(1);
});
