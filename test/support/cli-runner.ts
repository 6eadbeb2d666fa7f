import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'bin', 'privicore-vault.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliEnvironment {
  configDir: string;
  dataDir: string;
  cwd: string;
  /** Another keychain service name, so two "machines" can share the test's one keyring. */
  keychainService?: string;
}

function processEnv(env: CliEnvironment): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PRIVICORE_VAULT_CONFIG_DIR: env.configDir,
    PRIVICORE_VAULT_DATA_DIR: env.dataDir,
    ...(env.keychainService ? { PRIVICORE_VAULT_KEYCHAIN_SERVICE: env.keychainService } : {}),
    FORCE_COLOR: '0',
  };
}

export interface RunningCli {
  /** Resolves with the first stdout or stderr line matching, as soon as it is printed. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  result: Promise<CliResult>;
  /** Types a line on its stdin (a code to compare, an answer). */
  type(line: string): void;
  kill(): void;
}

/** Starts `privicore-vault` and lets the test read its output while it runs (qr waits). */
export function startCli(env: CliEnvironment, args: readonly string[]): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: env.cwd,
    env: processEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve(line: string): void }[] = [];
  const check = () => {
    for (const watcher of [...watchers]) {
      const found = `${stdout}\n${stderr}`.split('\n').find((line) => watcher.pattern.test(line));
      if (found === undefined) continue;
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve(found);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    line(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} in:\n${stdout}\n${stderr}`)),
          timeoutMs,
        );
        watchers.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        check();
      });
    },
    result,
    type: (line) => void child.stdin.write(`${line}\n`),
    kill: () => child.kill('SIGKILL'),
  };
}

/** Runs `privicore-vault` as a user would (the bin launcher), with isolated config and data. */
export function runCli(
  env: CliEnvironment,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: env.cwd,
      // No terminal: no progress bars, no prompts.
      env: { ...processEnv(env), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`privicore-vault ${args.join(' ')} did not finish:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface SpawnedCli {
  child: ChildProcess;
  /** The CLI's standard input; end it (or pipe into it) yourself. */
  stdin: Writable;
  /** The CLI's standard output, unread: the test consumes it (or leaves it to fill the pipe). */
  stdout: Readable;
  result: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    /** Peak resident set size of the CLI process, from GNU time (measurePeakRss only). */
    peakRssBytes: number | undefined;
  }>;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Starts `privicore-vault` as a shell would, by executing the file (so its #! line and the Node
 * flags there apply), with its standard streams handed to the test (pipes of any size). With
 * measurePeakRss it runs under GNU time (`apt-get install time`), whose report of the kernel's
 * peak RSS for the process goes to a file, not to the CLI's stderr; `child` is then the time
 * process, so send signals only without it.
 */
export function spawnCli(
  env: CliEnvironment,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; measurePeakRss?: boolean } = {},
): SpawnedCli {
  const report = options.measurePeakRss
    ? join(mkdtempSync(join(tmpdir(), 'privicore-cli-rss-')), 'time.txt')
    : undefined;
  const command = report
    ? [GNU_TIME, '-f', 'peak-rss-kib %M', '-o', report, CLI, ...args]
    : [CLI, ...args];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: env.cwd,
    env: {
      ...processEnv(env),
      // `#!/usr/bin/env -S node …` finds node on the PATH: the one running the tests.
      PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`,
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A CLI that exits before reading all its input must not fail the test's writes with EPIPE.
  child.stdin!.on('error', () => undefined);
  const result = new Promise<Awaited<SpawnedCli['result']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let peakRssBytes: number | undefined;
      if (report) {
        const kib = /peak-rss-kib (\d+)/.exec(readFileSync(report, 'utf8'))?.[1];
        rmSync(dirname(report), { recursive: true, force: true });
        if (kib === undefined) return reject(new Error(`no peak RSS in the GNU time report`));
        peakRssBytes = Number(kib) * 1024;
      }
      resolve({ code, signal, stderr, peakRssBytes });
    });
  });
  return { child, stdin: child.stdin!, stdout: child.stdout!, result };
}

/** The result of a run that must have succeeded; otherwise fails with its exit code and output. */
export function ok(result: CliResult): CliResult {
  if (result.code !== 0)
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}
