// Shutdown that always ends: the engine, the storage device runtime, the headless authenticator
// and the CLI exit within 10 s of a signal whatever state their stdout and stderr are in — a
// parent that stopped reading (the pipes full) or one that went away (the pipes closed). A process that logs synchronously to a
// full non-blocking pipe retries for ever and never gets to its signal handlers.
// The CLI cases need a Secret Service: run under scripts/with-keyring.sh.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLI, runCli } from '../support/cli-runner.ts';
import { startTestEngine, tempDir } from '../support/engine.ts';
import { joinedChannel, poolResolved, setDefault } from '../support/governance.ts';
import { wire } from '../support/http.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { createProfile, PASSWORD, uniqueName } from '../support/profiles.ts';
import { addStorageDevice, requestDevice, runCommand } from '../support/storage-devices.ts';
import { StuckPipe } from '../support/stuck-pipe.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** The bound the issue sets; a healthy shutdown takes well under a second. */
const EXIT_BOUND_MS = 10_000;

type Fault = 'not read' | 'reader died';
const FAULTS: Fault[] = ['not read', 'reader died'];

interface Started {
  child: ChildProcess;
  stdout: StuckPipe;
  stderr: StuckPipe;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Started[] = [];
afterAll(() => {
  for (const started of running) {
    if (started.child.exitCode === null && started.child.signalCode === null)
      started.child.kill('SIGKILL');
    started.stdout.close();
    started.stderr.close();
  }
});

function start(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Started {
  const stdout = StuckPipe.open();
  const stderr = StuckPipe.open();
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', stdout.childFd, stderr.childFd],
    env: { ...process.env, PRIVICORE_LOG_LEVEL: 'info', ...env },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = { child, stdout, stderr, exited };
  running.push(started);
  return started;
}

function breakOutput(started: Started, fault: Fault): void {
  for (const pipe of [started.stdout, started.stderr]) {
    if (fault === 'not read') pipe.stopReadingAndFill();
    else pipe.killReader();
  }
}

/** Sends the signal and waits at most EXIT_BOUND_MS for the exit; SIGKILL and fail past it. */
async function stopWithin(
  started: Started,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  started.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    started.exited,
    new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), EXIT_BOUND_MS);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'hung') {
    started.child.kill('SIGKILL');
    await started.exited;
    throw new Error(`still running ${EXIT_BOUND_MS} ms after ${signal}`);
  }
  return outcome;
}

/** Opens device-bus connections that send a malformed frame; resolves once each is refused. */
async function logMalformedFrames(apiUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}/device-bus`);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send('not a frame'));
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
  }
}

describe('the engine process', () => {
  it.each(FAULTS)('exits 0 on SIGTERM when its output is %s', async (fault) => {
    const engine = start(
      ['--import', 'tsx', 'engine/main.ts', '--data-dir', tempDir(), '--port', '0'],
      {},
    );
    const ready = JSON.parse(await engine.stdout.line(/"event":"ready"/, 'ready')) as {
      apiUrl: string;
    };
    breakOutput(engine, fault);
    // Log lines queue behind the stuck one: malformed device-bus frames, each logged and refused.
    await logMalformedFrames(ready.apiUrl, 3);
    expect(await stopWithin(engine, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe('a stop that never finishes', () => {
  const stuck = (deadlineMs: number) =>
    start(['--import', 'tsx', 'test/support/never-stopping-main.ts', String(deadlineMs)], {});

  it('is cut short at the deadline: exit 1', async () => {
    const process = stuck(2_000);
    await process.stdout.line(/"event":"ready"/, 'ready');
    breakOutput(process, 'not read');
    expect(await stopWithin(process, 'SIGTERM')).toEqual({ code: 1, signal: null });
  });

  it('ends at once on a second signal: exit 1', async () => {
    // A deadline far past the bound: only the second signal can end it in time.
    const process = stuck(600_000);
    await process.stdout.line(/"event":"ready"/, 'ready');
    breakOutput(process, 'not read');
    process.child.kill('SIGTERM');
    expect(await stopWithin(process, 'SIGINT')).toEqual({ code: 1, signal: null });
  });
});

describe('the storage device process', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(() => engine?.close());

  it.each(FAULTS)('exits 0 on SIGTERM when its output is %s', async (fault) => {
    const api = wire(engine.apiUrl);
    const profile = await createProfile(api);
    const { bundle } = await addStorageDevice(api, profile.token, `Shutdown ${fault}`);
    const config = join(tempDir('privicore-bundle-'), 'bundle.json');
    await writeFile(config, JSON.stringify(bundle), { mode: 0o600 });
    const device = start(
      [
        '--import',
        'tsx',
        'engine/devices/storage-device-main.ts',
        '--config',
        config,
        '--dir',
        tempDir('privicore-storage-'),
      ],
      {},
    );
    await device.stdout.line(/"event":"ready"/, 'ready');
    breakOutput(device, fault);
    expect(await stopWithin(device, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe('the headless authenticator process', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(() => engine?.close());

  it.each(FAULTS)(
    'goes on voting, printing its events, and exits 0 on SIGTERM when its output is %s',
    async (fault) => {
      const api = wire(engine.apiUrl);
      const profile = await createProfile(api);
      const deviceId = await requestDevice(api, profile.token, `Shutdown ${fault}`);
      await runCommand(
        api,
        '/device/approve-device',
        { deviceIdentifier: deviceId },
        profile.token,
      );
      await runCommand(
        api,
        '/verified-authenticator/register',
        { deviceIdentifier: deviceId },
        profile.token,
      );
      await setDefault(api, profile.token, 'set-quorum-size', { quorumSize: '1' });
      const configuration = await api.post(
        '/device/download-device-configuration',
        { deviceIdentifier: deviceId },
        profile.token,
      );
      const config = join(tempDir('privicore-bundle-'), 'bundle.json');
      await writeFile(config, JSON.stringify(configuration.body), { mode: 0o600 });
      const authenticator = start(
        [
          '--import',
          'tsx',
          'engine/devices/authenticator-main.ts',
          '--config',
          config,
          '--auto',
          'yes',
        ],
        {},
      );
      await authenticator.stdout.line(/"event":"ready"/, 'ready');
      breakOutput(authenticator, fault);
      // A ballot now: the process prints it (to a full or closed stdout), then votes yes. A
      // print that blocks or dies never gets to the vote.
      const owner = await joinedChannel(engine.wsUrl, profile.token);
      const { id: poolId } = await runCommand(
        api,
        '/voting/create',
        { subject: `Shutdown ${fault}` },
        profile.token,
      );
      try {
        expect((await poolResolved(owner, poolId)).status).toBe('approved');
      } finally {
        owner.close();
      }
      expect(await stopWithin(authenticator, 'SIGTERM')).toEqual({ code: 0, signal: null });
    },
  );
});

describe('the CLI', () => {
  const env = {
    configDir: '',
    dataDir: '',
    cwd: '',
    keychainService: `privicore-vault-test-shutdown-${process.pid}`,
  };
  beforeAll(async () => {
    await requireKeyringSession();
    const base = tempDir('privicore-cli-');
    Object.assign(env, {
      configDir: join(base, 'config'),
      dataDir: join(base, 'data'),
      cwd: join(base, 'work'),
    });
    await mkdir(env.cwd, { recursive: true });
    const signup = await runCli(env, ['signup', uniqueName('stop'), '--password-stdin'], {
      input: PASSWORD,
    });
    expect(signup.code, signup.stderr).toBe(0);
  });

  it.each(
    (['SIGTERM', 'SIGINT'] as const).flatMap((signal) =>
      FAULTS.map((fault) => ({ signal, fault })),
    ),
  )(
    'ends a waiting qr on $signal, its embedded engine stopped, when its output is $fault',
    async ({ signal, fault }) => {
      const cli = start(
        [CLI, 'qr'],
        {
          PRIVICORE_VAULT_CONFIG_DIR: env.configDir,
          PRIVICORE_VAULT_DATA_DIR: env.dataDir,
          PRIVICORE_VAULT_KEYCHAIN_SERVICE: env.keychainService,
          FORCE_COLOR: '0',
        },
        env.cwd,
      );
      await cli.stdout.line(/privicore:\/\/authorize/, 'pairing payload');
      breakOutput(cli, fault);
      const outcome = await stopWithin(cli, signal);
      // Handled, not killed: the embedded engine was stopped on the way out.
      expect(outcome.signal).toBeNull();
      expect(typeof outcome.code).toBe('number');
    },
  );
});
