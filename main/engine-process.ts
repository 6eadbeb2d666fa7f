// The embedded engine's utility process (Electron utilityProcess): keeps the engine, its SQLite
// work and the local storage devices off the main process's event loop. It talks to main over
// parentPort: `ready` once listening, answers to `ensureLocalStorage`, and stops on `stop`.
import { startEmbeddedEngine } from '../engine/host.ts';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

type Request = { id: number; type: 'ensureLocalStorage'; authorizationToken: string } | { id: number; type: 'stop' };

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
const dataDir = process.argv[process.argv.indexOf('--data-dir') + 1];

async function main(): Promise<void> {
  if (!dataDir) throw new Error('--data-dir is required');
  const engine = await startEmbeddedEngine({ dataDir });
  port.on('message', ({ data }) => {
    const request = data as Request;
    const reply = (result: { ok: true } | { ok: false; message: string }) => port.postMessage({ id: request.id, ...result });
    if (request.type === 'ensureLocalStorage') {
      engine.ensureLocalStorage(request.authorizationToken).then(
        () => reply({ ok: true }),
        (error: unknown) => reply({ ok: false, message: (error as Error).message }),
      );
    } else if (request.type === 'stop') {
      void engine.stop().finally(() => {
        reply({ ok: true });
        process.exit(0);
      });
    }
  });
  port.postMessage({ type: 'ready', apiUrl: engine.apiUrl, wsUrl: engine.wsUrl });
}

main().catch((error: unknown) => {
  port.postMessage({ type: 'failed', message: (error as Error).message });
  process.exit(1);
});
