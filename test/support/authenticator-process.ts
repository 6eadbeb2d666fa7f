import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DeviceBundle } from '../../engine/devices/device-bundle.ts';
import { tempDir } from './engine.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export type AuthenticatorEvent = { event: string } & Record<string, unknown>;

/**
 * A real `npm run authenticator` process (the headless authenticator) in its own process
 * group: its JSON lines are collected as events, and votes are written to its stdin.
 */
export class AuthenticatorProcess {
  readonly events: AuthenticatorEvent[] = [];
  private waiters: {
    match: (e: AuthenticatorEvent) => boolean;
    resolve: (e: AuthenticatorEvent) => void;
  }[] = [];
  private errText = '';
  readonly exited: Promise<number | string>;

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => (this.errText += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as AuthenticatorEvent;
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true;
        waiter.resolve(event);
        return false;
      });
    });
  }

  static async spawn(bundle: DeviceBundle, args: string[] = []): Promise<AuthenticatorProcess> {
    const config = join(tempDir('privicore-bundle-'), 'bundle.json');
    writeFileSync(config, JSON.stringify(bundle), { mode: 0o600 });
    const child = spawn(
      'npm',
      ['run', '--silent', 'authenticator', '--', '--config', config, ...args],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env: { ...process.env, PRIVICORE_LOG_LEVEL: 'warn' },
      },
    );
    const runner = new AuthenticatorProcess(child);
    const ready = await Promise.race([
      runner.next((e) => e.event === 'ready', 30_000),
      runner.exited.then((code) => {
        throw new Error(`authenticator exited (${String(code)}) before ready:\n${runner.errText}`);
      }),
    ]);
    if (ready.deviceIdentifier !== bundle.deviceIdentifier)
      throw new Error(`ready for the wrong device: ${JSON.stringify(ready)}`);
    return runner;
  }

  /** The first event (already printed or to come) that matches. */
  next(
    match: (event: AuthenticatorEvent) => boolean,
    timeoutMs = 20_000,
    from = 0,
  ): Promise<AuthenticatorEvent> {
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching event in ${timeoutMs} ms; got ${JSON.stringify(this.events)}\n${this.errText}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  ballotFor(poolId: string): Promise<AuthenticatorEvent> {
    return this.next((e) => e.event === 'ballot' && e.poolId === poolId);
  }

  /** Writes `yes|no BALLOT_ID` and waits for the outcome line of that ballot. */
  async vote(ballotId: string, vote: 'yes' | 'no'): Promise<AuthenticatorEvent> {
    const from = this.events.length;
    this.child.stdin!.write(`${vote} ${ballotId}\n`);
    return this.next(
      (e) => (e.event === 'voted' || e.event === 'vote-refused') && e.ballotId === ballotId,
      20_000,
      from,
    );
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  stderr(): string {
    return this.errText;
  }

  /** SIGTERM to the group, then its exit code. */
  async stop(): Promise<number | string> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    return this.exited;
  }
}
