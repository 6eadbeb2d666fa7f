// Pinned TLS end to end: the compiled engine (`npm run engine`'s program) with --tls
// self-signed, the CLI and three `npm run storage-device` processes, all over https and wss.
// With the right pin a 50 MiB file is stored on the three devices and read back byte-identical.
// With a wrong pin the CLI and a storage device each fail naming both fingerprints, and an
// impostor that terminates TLS (test/support/tls-recorder.ts) proves they sent it nothing: no
// request, no password, no token, no WebSocket hello. Run under scripts/with-keyring.sh.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePin } from '../../client/tls/tls-pin.ts';
import { parseDeviceBundle, type DeviceBundle } from '../../engine/devices/device-bundle.ts';
import { ROOT } from '../support/compiled.ts';
import { runCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { spawnEngine, tempDir, type EngineProcess } from '../support/engine.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { heldItems, StorageDeviceProcess } from '../support/storage-devices.ts';
import { TlsRecorder } from '../support/tls-recorder.ts';

const MiB = 1024 * 1024;
const FILE_SIZE = 50 * MiB;

let engine: EngineProcess;
let pin: string;
let impostor: TlsRecorder;
let env: CliEnvironment;
let username: string;
const devices: StorageDeviceProcess[] = [];

function machine(name: string): CliEnvironment {
  const base = tempDir(`privicore-tls-${name}-`);
  return {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: base,
    keychainService: `privicore-vault-test-tls-${name}-${randomBytes(4).toString('hex')}`,
  };
}

/** A pin of the right shape that is nobody's. */
function otherPin(): string {
  return `sha256:${randomBytes(32).toString('base64url')}`;
}

async function readConfig(of: CliEnvironment): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(of.configDir, 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** `npm run storage-device` with a bundle that must not work: resolves once it exits. */
async function failingDevice(
  bundle: DeviceBundle,
): Promise<{ code: number | null; stderr: string }> {
  const dir = tempDir('privicore-tls-device-');
  const config = join(dir, 'bundle.json');
  await writeFile(config, JSON.stringify(bundle), { mode: 0o600 });
  const child = spawn(
    'npm',
    ['run', '--silent', 'storage-device', '--', '--config', config, '--dir', join(dir, 'data')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PRIVICORE_LOG_LEVEL: 'warn' },
    },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stdout).toBe('');
  return { code, stderr };
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await spawnEngine(tempDir('privicore-tls-engine-'), ['--tls', 'self-signed']);
  pin = engine.tlsPin!;
  impostor = await TlsRecorder.start();
  env = machine('owner');
  await mkdir(env.cwd, { recursive: true });
  username = uniqueName('tls');
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(devices.map((device) => device.kill()));
  await impostor?.close();
  engine?.child.kill('SIGTERM');
  await engine?.exited;
});

describe('the engine with --tls self-signed', () => {
  it('serves https and wss on one origin and prints the pin of the key it serves', async () => {
    expect(engine.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.wsUrl).toBe(`${engine.apiUrl.replace('https:', 'wss:')}/ws`);
    const { host, port } = new URL(engine.apiUrl);
    const served = await new Promise<string>((resolve, reject) => {
      const socket = connect({
        host: host.split(':')[0],
        port: Number(port),
        rejectUnauthorized: false,
      });
      socket.once('secureConnect', () => {
        resolve(certificatePin(socket.getPeerX509Certificate()!));
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(pin).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(served).toBe(pin);
  });
});

describe('with the right pin', () => {
  it('the CLI signs up and remembers the pin; three storage devices on bundles from add-remote connect over wss; 50 MiB goes to all three and comes back identical', async () => {
    ok(
      await runCli(
        env,
        ['--engine', engine.apiUrl, '--pin', pin, 'signup', username, '--password-stdin'],
        { input: PASSWORD },
      ),
    );
    const config = await readConfig(env);
    expect(config['tlsPins']).toEqual({ [engine.apiUrl]: pin });

    // No --pin from here on: the saved one is checked.
    for (let n = 1; n <= 3; n += 1) {
      const out = join(env.cwd, `nas-${n}.json`);
      const added = JSON.parse(
        ok(await runCli(env, ['--json', 'storage', 'add-remote', `NAS ${n}`, '--out', out])).stdout,
      ) as { tlsPin: string };
      expect(added.tlsPin).toBe(pin);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      const bundle = parseDeviceBundle(await readFile(out, 'utf8'));
      expect(bundle.engine.tlsPin).toBe(pin);
      expect(bundle.bus.url).toBe(`${engine.apiUrl.replace('https:', 'wss:')}/device-bus`);
      devices.push(await StorageDeviceProcess.spawn(bundle));
    }

    const input = join(env.cwd, 'big.bin');
    const hash = createHash('sha256');
    await pipeline(
      (async function* () {
        for (let left = FILE_SIZE; left > 0; left -= MiB) {
          const piece = randomBytes(Math.min(left, MiB));
          hash.update(piece);
          yield piece;
        }
      })(),
      createWriteStream(input),
    );
    const put = JSON.parse(
      ok(await runCli(env, ['--json', 'put', input], { timeoutMs: 300_000 })).stdout,
    ) as {
      files: { token: string }[];
    };
    const token = put.files[0]!.token;
    // Every device holds the file's chunks (in its own at-rest encryption).
    for (const device of devices) {
      const held = heldItems(device.dir);
      expect(held.size).toBe(1);
      expect([...held.values()][0]!.length).toBeGreaterThanOrEqual(FILE_SIZE / MiB);
    }
    const output = join(env.cwd, 'back.bin');
    ok(await runCli(env, ['get', token, '-o', output], { timeoutMs: 300_000 }));
    expect((await stat(output)).size).toBe(FILE_SIZE);
    expect(await sha256(output)).toBe(hash.digest('hex'));
  }, 600_000);
});

describe('with a wrong pin', () => {
  it('the CLI refuses the engine naming both fingerprints (exit 7), and sends no password', async () => {
    const other = machine('stranger');
    await mkdir(other.cwd, { recursive: true });
    const wrong = otherPin();
    const result = await runCli(
      other,
      ['--engine', engine.apiUrl, '--pin', wrong, 'login', username, '--password-stdin'],
      { input: PASSWORD },
    );
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(wrong);
    expect(result.stderr).toContain(pin);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an impostor at the engine address gets nothing from a signed-in CLI: not the token, not the password', async () => {
    // As if the engine's name now led to the impostor: the CLI still holds the engine's pin.
    const saved = await readConfig(env);
    const hijacked = {
      ...saved,
      engineUrl: impostor.url,
      tlsPins: { [impostor.url]: pin },
    };
    await writeFile(join(env.configDir, 'config.json'), JSON.stringify(hijacked));
    try {
      const listed = await runCli(env, ['ls']);
      expect(listed.code).toBe(7);
      expect(listed.stderr).toContain(pin);
      expect(listed.stderr).toContain(impostor.pin);
      const login = await runCli(env, ['login', username, '--password-stdin'], { input: PASSWORD });
      expect(login.code).toBe(7);
      expect(login.stderr).toContain(impostor.pin);
      // A pin given on the command line is checked before anything is sent, too.
      const flagged = await runCli(
        machine('flagged'),
        ['--engine', impostor.url, '--pin', pin, 'login', username, '--password-stdin'],
        { input: PASSWORD },
      );
      expect(flagged.code).toBe(7);
      // And with no pin at all, a script is not asked to trust it: it is told the fingerprint.
      const unpinned = await runCli(
        machine('unpinned'),
        ['--engine', impostor.url, 'login', username, '--password-stdin'],
        { input: PASSWORD },
      );
      expect(unpinned.code).toBe(7);
      expect(unpinned.stderr).toContain(impostor.pin);
      expect(unpinned.stderr).toContain('--pin');
    } finally {
      await writeFile(join(env.configDir, 'config.json'), JSON.stringify(saved));
    }
    expect(impostor.connections).toBeGreaterThanOrEqual(4);
    expect(impostor.received()).toHaveLength(0);
  });

  it('a storage device with another pin exits naming both fingerprints, and its token goes nowhere', async () => {
    const out = join(env.cwd, 'nas-wrong.json');
    ok(await runCli(env, ['storage', 'add-remote', 'NAS wrong pin', '--out', out]));
    const bundle = parseDeviceBundle(await readFile(out, 'utf8'));

    const wrong = otherPin();
    const refused = await failingDevice({ ...bundle, engine: { ...bundle.engine, tlsPin: wrong } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(wrong);
    expect(refused.stderr).toContain(pin);
    expect(refused.stderr).not.toContain(bundle.deviceToken);

    const before = impostor.connections;
    const busUrl = `${impostor.url.replace('https:', 'wss:')}/device-bus`;
    const lured = await failingDevice({
      ...bundle,
      engine: {
        ...bundle.engine,
        apiUrl: impostor.url,
        wsUrl: `${impostor.url.replace('https:', 'wss:')}/ws`,
      },
      bus: { ...bundle.bus, url: busUrl },
    });
    expect(lured.code).toBe(1);
    expect(lured.stderr).toContain(impostor.pin);
    expect(lured.stderr).toContain(pin);
    expect(impostor.connections).toBeGreaterThan(before);
    expect(impostor.received()).toHaveLength(0);
  }, 120_000);
});
