import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseDeviceBundle, type DeviceBundle } from '../../engine/devices/device-bundle.ts';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { createLogger } from '../../engine/log.ts';
import { compiledStorageDevice } from './compiled.ts';
import { tempDir } from './engine.ts';
import type { Wire } from './http.ts';
import { awaitStatus, commandId } from './profiles.ts';
import { storedChunks } from './chunk-packs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Sends an async command and waits for its outcome word. */
export async function runCommand(
  api: Wire,
  path: string,
  fields: Record<string, string>,
  token: string,
): Promise<{ id: string; outcome: 'succeeded' | 'rejected' }> {
  const response = await api.post(path, fields, token);
  if (response.status !== 202) throw new Error(`${path}: ${response.status} ${response.text}`);
  const id = commandId(response);
  return { id, outcome: await awaitStatus(api, id, 30_000) };
}

/** request-unique-identifier, then the device id it created (pending). */
export async function requestDevice(api: Wire, token: string, deviceName: string): Promise<string> {
  const { id, outcome } = await runCommand(
    api,
    '/device/request-unique-identifier',
    { deviceName },
    token,
  );
  if (outcome !== 'succeeded') throw new Error('request-unique-identifier rejected');
  const found = await api.post('/device/retrieve-unique-identifier', { id }, token);
  return (found.body as { deviceIdentifier: string }).deviceIdentifier;
}

/** A new approved device with the storage role and its configuration bundle. */
export async function addStorageDevice(
  api: Wire,
  token: string,
  deviceName = 'Test NAS',
): Promise<{ deviceId: string; bundle: DeviceBundle }> {
  const deviceId = await requestDevice(api, token, deviceName);
  if (
    (await runCommand(api, '/device/approve-device', { deviceIdentifier: deviceId }, token))
      .outcome !== 'succeeded'
  )
    throw new Error('approve rejected');
  if (
    (await runCommand(api, '/storage/register', { deviceIdentifier: deviceId }, token)).outcome !==
    'succeeded'
  )
    throw new Error('storage register rejected');
  const configuration = await api.post(
    '/device/download-device-configuration',
    { deviceIdentifier: deviceId },
    token,
  );
  if (configuration.status !== 200)
    throw new Error(`download-device-configuration: ${configuration.status} ${configuration.text}`);
  return { deviceId, bundle: parseDeviceBundle(configuration.body) };
}

export interface StorageDeviceListing {
  deviceIdentifier: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  storedTokens: number;
  storedBytes: number;
}

export async function listStorage(api: Wire, token: string): Promise<StorageDeviceListing[]> {
  const response = await api.get('/storage/list-storage-devices', token);
  if (response.status !== 200)
    throw new Error(`list-storage-devices: ${response.status} ${response.text}`);
  return response.body as StorageDeviceListing[];
}

/** Polls list-storage-devices until the device shows the wanted state (the engine's view). */
export async function awaitStorage(
  api: Wire,
  token: string,
  deviceId: string,
  wanted: (device: StorageDeviceListing) => boolean,
  timeoutMs = 30_000,
): Promise<StorageDeviceListing> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const device = (await listStorage(api, token)).find((d) => d.deviceIdentifier === deviceId);
    if (device && wanted(device)) return device;
    if (Date.now() > deadline)
      throw new Error(
        `storage device ${deviceId} never reached the wanted state: ${JSON.stringify(device)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The compiled storage device runtime in the test process, connected. */
export async function startDevice(
  bundle: DeviceBundle,
  dir = tempDir('privicore-storage-'),
): Promise<RunningStorageDevice & { dir: string }> {
  const device = await compiledStorageDevice.startStorageDevice({
    bundle,
    dir,
    log: createLogger('silent'),
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
  });
  if (!device.connected) await new Promise<void>((resolve) => device.onReady(resolve));
  return Object.assign(device, { dir });
}

/** A real `npm run storage-device` process in its own process group, so it can be killed whole. */
export class StorageDeviceProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly dir: string,
    readonly exited: Promise<number | string>,
    private readonly stderrText: () => string,
  ) {}

  static async spawn(
    bundle: DeviceBundle,
    dir = tempDir('privicore-storage-'),
  ): Promise<StorageDeviceProcess> {
    const config = join(tempDir('privicore-bundle-'), 'bundle.json');
    writeFileSync(config, JSON.stringify(bundle), { mode: 0o600 });
    const child = spawn(
      'npm',
      ['run', '--silent', 'storage-device', '--', '--config', config, '--dir', dir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        env: { ...process.env, PRIVICORE_LOG_LEVEL: 'warn' },
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
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`storage device did not become ready:\n${errText}`)),
        30_000,
      );
      lines.once('line', (line) => {
        clearTimeout(timer);
        const ready = JSON.parse(line) as { event: string; deviceIdentifier: string };
        if (ready.event === 'ready' && ready.deviceIdentifier === bundle.deviceIdentifier)
          resolve();
        else reject(new Error(`unexpected ready line: ${line}`));
      });
      void exited.then((code) =>
        reject(new Error(`storage device exited (${String(code)}) before ready:\n${errText}`)),
      );
    });
    return new StorageDeviceProcess(child, dir, exited, () => errText);
  }

  /** SIGSTOP / SIGCONT to the group: a device that is connected but silent. */
  pause(): void {
    process.kill(-this.child.pid!, 'SIGSTOP');
  }

  resume(): void {
    process.kill(-this.child.pid!, 'SIGCONT');
  }

  stderr(): string {
    return this.stderrText();
  }

  /** SIGKILL to the whole group (npm and node): a crash, nothing is flushed. */
  async kill(): Promise<void> {
    const lock = join(this.dir, 'lock');
    const runtimePid = existsSync(lock)
      ? (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid
      : undefined;
    if (this.child.exitCode === null && this.child.signalCode === null)
      process.kill(-this.child.pid!, 'SIGKILL');
    await this.exited;
    if (runtimePid) await releaseStaleLock(lock, runtimePid);
  }
}

/**
 * The killed runtime (npm's grandchild) is re-parented to PID 1 and stays a zombie until that
 * reaps it, which here can take seconds; the folder lock counts a zombie as a live owner. Once
 * it is dead or a zombie, its lock is stale and is removed, as an operator would.
 */
async function releaseStaleLock(lock: string, pid: number): Promise<void> {
  const state = () => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    } catch {
      return undefined;
    }
  };
  await eventually(() => state() === undefined || state() === 'Z', `process ${pid} died`);
  if (existsSync(lock) && (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid === pid)
    rmSync(lock, { force: true });
}

/** Every item a device folder holds chunks of, as item id → the chunk indexes held. */
export function heldItems(dir: string): Map<string, number[]> {
  const chunks = join(dir, 'chunks');
  const held = new Map<string, number[]>();
  if (!existsSync(chunks)) return held;
  for (const item of readdirSync(chunks)) {
    if (item.startsWith('.')) continue;
    const indexes = [...storedChunks(join(chunks, item)).keys()];
    if (indexes.length > 0) held.set(item, indexes);
  }
  return held;
}

/** Polls until the check passes (device-side effects the engine does not await). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
