import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLogger } from '../../engine/log.ts';
import type { EngineOptions, RunningEngine } from '../../engine/server.ts';
import { backendOptions, backendProcessOptions } from './backend.ts';
import { compiledServer, ENGINE_MAIN, ROOT } from './compiled.ts';

export function tempDir(prefix = 'privicore-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The compiled engine in the test process on 127.0.0.1 port 0 with a temp data dir, on this
 * run's backend (backend.ts): SQLite and the embedded bus, or PostgreSQL and RabbitMQ.
 */
export async function startTestEngine(
  options: Partial<EngineOptions> = {},
): Promise<RunningEngine & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDir();
  const engine = await compiledServer.startEngine({
    port: 0,
    log: createLogger('silent'),
    ...(await backendOptions(dataDir, options)),
    ...options,
    dataDir,
  });
  return Object.assign(engine, { dataDir });
}

export interface EngineProcess {
  apiUrl: string;
  wsUrl: string;
  /** With --tls: the ready line's pin. */
  tlsPin?: string;
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** The real `npm run engine` process (the compiled out/engine/main.mjs), waiting for its ready line. */
export async function spawnEngine(
  dataDir: string,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<EngineProcess> {
  const backend = await backendProcessOptions(dataDir);
  const child = spawn(
    process.execPath,
    [ENGINE_MAIN, '--data-dir', dataDir, '--port', '0', ...backend.args, ...extraArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PRIVICORE_LOG_LEVEL: 'info', ...backend.env, ...extraEnv },
    },
  );
  let errText = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errText += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ apiUrl: string; wsUrl: string; tlsPin?: string }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`engine did not become ready:\n${errText}`)),
        30_000,
      );
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as { apiUrl: string; wsUrl: string; tlsPin?: string });
        } catch (error) {
          reject(new Error(`unexpected first stdout line: ${line}`, { cause: error }));
        }
      });
      void exited.then((code) =>
        reject(new Error(`engine exited (${String(code)}) before ready:\n${errText}`)),
      );
    },
  );
  return { ...ready, child, stderr: () => errText, exited };
}
