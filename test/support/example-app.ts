import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SERVER = join(import.meta.dirname, '..', '..', 'examples', 'oauth-client', 'server.js');

export interface RunningExample {
  url: string;
  /** stdout lines so far (the registration line, the listening line). */
  lines: string[];
  stderr(): string;
  stop(): Promise<void>;
}

/** examples/oauth-client as its users run it: `node server.js` with its environment. */
export async function startExampleApp(env: Record<string, string>): Promise<RunningExample> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  child.stderr!.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example did not start:\n${errText}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = /^Example file lister on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`example exited (${code}):\n${errText}`)));
  });
  return {
    url,
    lines,
    stderr: () => errText,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A cookie-keeping browser stand-in for the example's pages (no redirects followed). */
export function browserSession(base: string) {
  let cookie = '';
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(path, base), {
      ...init,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) },
    });
    const set = response.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };
}
