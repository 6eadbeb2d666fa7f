// The engine's one public entry point besides its process (DESIGN "Layout"): the desktop app's
// utility process and the CLI start an embedded engine here, together with the local-folder
// storage devices recorded in its data folder, so a fresh machine works offline.
//
// The storage devices belong to profiles, so they are made once a profile exists: the first
// ensureLocalStorage() with a profile's token creates three (approved, registered for storage,
// each in its own subfolder) through the engine's public API, exactly as a remote client would.
// The data folder records which devices run where (host.json); it holds no device token. Each
// start revokes a device's earlier tokens and issues a fresh bundle in-process, so no credential
// outlives the run that used it.

import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Caller } from './domain/authorization.ts';
import { downloadDeviceConfiguration } from './domain/device.ts';
import { startStorageDevice, type RunningStorageDevice } from './devices/storage-device.ts';
import { StorageDeviceThread } from './devices/storage-device-thread.ts';
import { createLogger, type Logger } from './log.ts';
import { acquireLock, inUse } from './lock-file.ts';
import { startEngine, type RunningEngine } from './server.ts';
import { prepareStorageFolder } from './storage-folder.ts';
import type { TlsSetting } from './tls/engine-tls.ts';

export interface EmbeddedEngineOptions {
  /** Everything lives here: the engine's database and secrets, host.json, device subfolders. */
  dataDir: string;
  host?: string;
  /** Default 0: a free port (the URLs are in the result). */
  port?: number;
  /** pino level for the engine and devices; default `PRIVICORE_LOG_LEVEL` or `warn`. */
  logLevel?: string;
  /** How long start and ensureLocalStorage wait for devices to join the bus. Default 15 s. */
  deviceReadyTimeoutMs?: number;
  /** The address the engine hands out in its URLs when it is reached through a proxy. */
  publicUrl?: string;
  /** Serve https/wss (the desktop app's "Let my other computers connect" uses self-signed). */
  tls?: TlsSetting;
  /** The address handed out in URLs with the listening port (server.ts `publicHost`). */
  publicHost?: string;
  /**
   * Default true. False: the recorded local storage devices are not started with the engine,
   * for a caller that only reads the engine's index (the CLI's `ls`); the first
   * ensureLocalStorage or addLocalStorage starts them.
   */
  startLocalStorage?: boolean;
  /**
   * The device thread's entry point; default: the one beside the build (storage-device-thread.ts).
   * For tests and diagnostics: an entry that cannot load shows the fallback below.
   */
  deviceWorkerUrl?: URL;
}

export interface LocalStorageDevice {
  deviceIdentifier: string;
  profileId: string;
  name: string;
  /** Absolute folder of the device's replicas. */
  dir: string;
  /** `connected` while it is on the bus. */
  state: string;
  /** Why it is not running: its start failed (a folder gone, unwritable or in use). */
  problem?: string;
}

export interface EmbeddedEngine {
  apiUrl: string;
  wsUrl: string;
  /** Where it listens; differs from apiUrl only with `publicUrl` (a proxy in front). */
  listenUrl: string;
  /** With `tls`: the certificate's pin, which every client of this engine checks. */
  tlsPin: string | undefined;
  dataDir: string;
  /** The local storage devices this host runs, of one profile or all. */
  localStorage(profileId?: string): LocalStorageDevice[];
  /**
   * Makes sure the token's profile has local storage: on first use creates three devices in
   * subfolders of the data folder and starts them. Resolves once they are on the bus.
   */
  ensureLocalStorage(authorizationToken: string): Promise<LocalStorageDevice[]>;
  /** Creates, registers and starts one more local storage device with its replicas in `dir`. */
  addLocalStorage(
    authorizationToken: string,
    dir: string,
    options?: { name?: string },
  ): Promise<LocalStorageDevice>;
  /** Stops a local device and forgets it (after storage remove); its folder is left as it is. */
  forgetLocalStorage(deviceIdentifier: string): Promise<boolean>;
  stop(): Promise<void>;
}

interface HostRecord {
  version: 1;
  devices: { deviceIdentifier: string; profileId: string; name: string; dir: string }[];
}

const DEFAULT_DEVICES = 3;
const COMMAND_TIMEOUT_MS = 30_000;

export async function startEmbeddedEngine(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = acquireLock(join(dataDir, 'host.lock'), (owner) => inUse(dataDir, owner));
  const log = createLogger(options.logLevel ?? process.env['PRIVICORE_LOG_LEVEL'] ?? 'warn');
  const readyTimeoutMs = options.deviceReadyTimeoutMs ?? 15_000;
  const recordFile = join(dataDir, 'host.json');
  let record: HostRecord;
  // The devices run on a thread of their own (storage-device-thread.ts), started with the first
  // one; null: this build has none, and they run on this thread. When recorded devices are about
  // to start, the thread starts first, so that loading its code on the other core overlaps with
  // the engine's start instead of following it.
  let deviceThread: StorageDeviceThread | null | undefined;
  let engine: RunningEngine;
  try {
    record = await readRecord(recordFile);
    if (options.startLocalStorage !== false && record.devices.length > 0)
      deviceThread = StorageDeviceThread.start(log, options.deviceWorkerUrl) ?? null;
    engine = await startEngine({
      dataDir,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      log,
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.publicHost ? { publicHost: options.publicHost } : {}),
    });
  } catch (error) {
    await deviceThread?.close();
    releaseLock();
    throw error;
  }

  const running = new Map<
    string,
    { device: RunningStorageDevice; entry: HostRecord['devices'][number] }
  >();
  let stopping: Promise<void> | undefined;

  const absolute = (dir: string) => (isAbsolute(dir) ? dir : join(dataDir, dir));

  async function launch(
    entry: HostRecord['devices'][number],
  ): Promise<RunningStorageDevice | undefined> {
    const bundle = await freshBundle(engine, entry.profileId, entry.deviceIdentifier, log);
    if (!bundle) return undefined;
    const dir = absolute(entry.dir);
    // A folder of its own elsewhere is never made again here: one that went away (a disk not
    // plugged in) must not come back empty on another disk under the same name, with a new
    // key and none of its copies. One inside the data folder (the first three) is remade.
    if (isAbsolute(entry.dir)) {
      const folder = await stat(dir).catch(() => undefined);
      if (!folder?.isDirectory())
        throw new Error(`Its folder ${dir} is missing (a disk that is not plugged in?).`);
    } else await mkdir(dir, { recursive: true, mode: 0o700 });
    deviceThread ??= StorageDeviceThread.start(log, options.deviceWorkerUrl) ?? null;
    let device: RunningStorageDevice | undefined;
    if (deviceThread) {
      try {
        // The thread's devices reach this engine over MessagePorts, not its loopback socket.
        device = await deviceThread.startDevice(
          bundle,
          dir,
          bundle.bus.kind === 'embedded' ? (port) => engine.connectDevicePort(port) : undefined,
        );
      } catch (error) {
        // A device that fails on a live thread fails for its own reason (its folder, its lock).
        // A thread that could not run at all (its entry point did not load, e.g. from a packed
        // archive) must not leave the vault without storage: the devices run on this thread.
        if (deviceThread.alive) throw error;
        log.warn(
          { err: error },
          'the storage-device thread could not run; local storage devices run on the engine thread',
        );
        deviceThread = null;
      }
    }
    device ??= await startStorageDevice({ bundle, dir, log });
    running.set(entry.deviceIdentifier, { device, entry });
    return device;
  }

  async function saveRecord(): Promise<void> {
    const temporary = `${recordFile}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, recordFile);
  }

  async function createDevice(
    token: string,
    name: string,
    dir: string,
  ): Promise<LocalStorageDevice> {
    const api = engineApi(engine, token);
    const { profileId } = (await api.get('/profile/retrieve-profile-id')) as { profileId: string };
    const requested = await api.command('/device/request-unique-identifier', { deviceName: name });
    const { deviceIdentifier } = (await api.post('/device/retrieve-unique-identifier', {
      id: requested,
    })) as { deviceIdentifier: string };
    await api.command('/device/approve-device', { deviceIdentifier });
    await api.command('/storage/register', { deviceIdentifier });
    const stored = relative(dataDir, resolve(dir));
    const entry = {
      deviceIdentifier,
      profileId,
      name,
      dir: stored.startsWith('..') || isAbsolute(stored) ? resolve(dir) : stored,
    };
    record = { ...record, devices: [...record.devices, entry] };
    await saveRecord();
    try {
      await mkdir(absolute(entry.dir), { recursive: true, mode: 0o700 });
      const device = await launch(entry);
      if (device) await whenReady([device], readyTimeoutMs);
      return view(entry, device);
    } catch (error) {
      // A device that never ran is not kept: neither recorded for the next start nor left
      // registered for storage, where it would count as a copy that is always offline.
      await running
        .get(deviceIdentifier)
        ?.device.stop()
        .catch(() => undefined);
      running.delete(deviceIdentifier);
      record = { ...record, devices: record.devices.filter((each) => each !== entry) };
      await saveRecord();
      await api
        .command('/storage/remove', { deviceIdentifier })
        .catch((cause: unknown) =>
          log.warn(
            { err: cause, deviceIdentifier },
            'a storage device that failed to start is still registered',
          ),
        );
      throw error;
    }
  }

  function view(
    entry: HostRecord['devices'][number],
    device: RunningStorageDevice | undefined,
  ): LocalStorageDevice {
    const problem = device ? undefined : failed.get(entry.deviceIdentifier);
    return {
      ...entry,
      dir: absolute(entry.dir),
      state: device?.state ?? 'stopped',
      ...(problem ? { problem } : {}),
    };
  }

  /** Why recorded devices did not start, by device identifier. */
  const failed = new Map<string, string>();

  /**
   * Starts the recorded devices not running yet; resolves once they are on the bus. One that
   * cannot start (its folder unplugged, unwritable, or held by something else) stays offline
   * with its reason, and the rest run: one bad folder must not keep the vault from opening.
   */
  async function launchRecorded(): Promise<void> {
    for (const entry of record.devices) {
      if (running.has(entry.deviceIdentifier)) continue;
      try {
        await launch(entry);
        failed.delete(entry.deviceIdentifier);
      } catch (error) {
        failed.set(entry.deviceIdentifier, error instanceof Error ? error.message : String(error));
        log.warn(
          { err: error, deviceIdentifier: entry.deviceIdentifier, dir: absolute(entry.dir) },
          'a local storage device could not start; it stays offline',
        );
      }
    }
    await whenReady(
      [...running.values()].map((r) => r.device),
      readyTimeoutMs,
    );
  }
  let recordedLaunch: Promise<void> | undefined;

  if (options.startLocalStorage !== false) {
    try {
      recordedLaunch = launchRecorded();
      await recordedLaunch;
    } catch (error) {
      await Promise.allSettled([...running.values()].map((r) => r.device.stop()));
      await deviceThread?.close();
      await engine.close();
      releaseLock();
      throw error;
    }
  }

  return {
    apiUrl: engine.apiUrl,
    wsUrl: engine.wsUrl,
    listenUrl: engine.listenUrl,
    tlsPin: engine.tlsPin,
    dataDir,
    localStorage(profileId) {
      return record.devices
        .filter((entry) => profileId === undefined || entry.profileId === profileId)
        .map((entry) => view(entry, running.get(entry.deviceIdentifier)?.device));
    },
    async ensureLocalStorage(token) {
      const { profileId } = (await engineApi(engine, token).get(
        '/profile/retrieve-profile-id',
      )) as { profileId: string };
      recordedLaunch ??= launchRecorded();
      await recordedLaunch;
      const existing = record.devices.filter((entry) => entry.profileId === profileId);
      if (existing.length > 0)
        return existing.map((entry) => view(entry, running.get(entry.deviceIdentifier)?.device));
      const created: LocalStorageDevice[] = [];
      for (let n = 1; n <= DEFAULT_DEVICES; n += 1) {
        created.push(
          await createDevice(
            token,
            `Local storage ${n}`,
            join(dataDir, 'storage', profileId, `device-${n}`),
          ),
        );
      }
      return created;
    },
    async addLocalStorage(token, dir, addOptions = {}) {
      recordedLaunch ??= launchRecorded();
      await recordedLaunch;
      await prepareStorageFolder(
        dir,
        dataDir,
        record.devices.map((entry) => ({ name: entry.name, dir: absolute(entry.dir) })),
      );
      return createDevice(
        token,
        addOptions.name ?? `Local folder ${resolve(dir)}`.slice(0, 255),
        dir,
      );
    },
    async forgetLocalStorage(deviceIdentifier) {
      const found = record.devices.some((entry) => entry.deviceIdentifier === deviceIdentifier);
      if (!found) return false;
      await running
        .get(deviceIdentifier)
        ?.device.stop()
        .catch(() => undefined);
      running.delete(deviceIdentifier);
      record = {
        ...record,
        devices: record.devices.filter((entry) => entry.deviceIdentifier !== deviceIdentifier),
      };
      await saveRecord();
      return true;
    },
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled([...running.values()].map((r) => r.device.stop()));
        running.clear();
        await deviceThread?.close();
        await engine.close();
        releaseLock();
      })();
      return stopping;
    },
  };
}

/**
 * A configuration bundle with a fresh device token, made in-process: the device's earlier tokens
 * are revoked first, so each run leaves exactly one live token per device. Undefined when the
 * device no longer exists or is not approved (removed through the API); it is then not started.
 */
async function freshBundle(
  engine: RunningEngine,
  profileId: string,
  deviceIdentifier: string,
  log: Logger,
) {
  const { ctx } = engine;
  const profile = await ctx.store.profiles.byId(profileId);
  if (!profile) return undefined;
  const now = ctx.now();
  // The owner's own authority, as download-device-configuration checks it; no token is issued for it.
  const caller: Caller = {
    profile,
    device: null,
    token: {
      hash: '',
      kind: 'profile',
      profileId,
      deviceId: null,
      createdAt: now,
      expiresAt: now + 60_000,
      revokedAt: null,
    },
  };
  try {
    await ctx.store.tokens.revokeForDevice(deviceIdentifier, now);
    return await downloadDeviceConfiguration(ctx, caller, deviceIdentifier);
  } catch (error) {
    log.warn(
      { err: error, deviceId: deviceIdentifier },
      'local storage device cannot start; skipping it',
    );
    return undefined;
  }
}

function whenReady(devices: RunningStorageDevice[], timeoutMs: number): Promise<void> {
  const waits = devices.map(
    (device) =>
      new Promise<void>((resolveReady) => {
        if (device.connected || device.state !== 'connecting') return resolveReady();
        device.onReady(() => resolveReady());
        device.onStateChange((state) => {
          if (state !== 'connecting') resolveReady();
        });
      }),
  );
  return new Promise<void>((resolveAll) => {
    const timer = setTimeout(resolveAll, timeoutMs);
    timer.unref();
    void Promise.all(waits).then(() => {
      clearTimeout(timer);
      resolveAll();
    });
  });
}

async function readRecord(file: string): Promise<HostRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, devices: [] };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<HostRecord>;
  if (parsed.version !== 1 || !Array.isArray(parsed.devices))
    throw new Error(`${file} is not a host record of version 1.`);
  return { version: 1, devices: parsed.devices };
}

/**
 * The engine's own public API, for provisioning devices as any client would: the same routes
 * and checks, called in-process (no socket, so no TLS to verify against itself).
 */
function engineApi(engine: RunningEngine, token: string) {
  const headers = { 'x-dpt-authorization': token, accept: 'application/json' };
  type Answer = Awaited<ReturnType<RunningEngine['inject']>>;
  function read(response: Answer): unknown {
    const text = response.body;
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const error = body as { message?: string; reason?: string } | undefined;
      throw Object.assign(
        new Error(error?.message ?? `The engine answered ${response.statusCode}.`),
        { status: response.statusCode, reason: error?.reason },
      );
    }
    return body;
  }
  const post = (path: string, fields: Record<string, string>) =>
    engine.inject({
      method: 'POST',
      url: path,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  return {
    get: async (path: string) => read(await engine.inject({ method: 'GET', url: path, headers })),
    post: async (path: string, fields: Record<string, string>) => read(await post(path, fields)),
    /** Sends a command and polls it to its end; resolves with its id. */
    async command(path: string, fields: Record<string, string>): Promise<string> {
      const response = await post(path, fields);
      const accepted = read(response);
      const header = response.headers['x-dpt-cab-id'];
      const id =
        typeof header === 'string'
          ? header
          : Array.isArray(accepted)
            ? String(accepted[0])
            : String(accepted);
      const deadline = Date.now() + COMMAND_TIMEOUT_MS;
      for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
        const status = await engine.inject({ method: 'GET', url: `/request-status/${id}` });
        const word = JSON.parse(status.body) as string;
        if (word === 'succeeded') return id;
        if (word === 'rejected') {
          const reasonHeader = status.headers['x-dpt-cab-reason'];
          const reason = typeof reasonHeader === 'string' ? reasonHeader : 'server.error';
          throw Object.assign(new Error(`The engine rejected ${path}: ${reason}.`), {
            status: 0,
            reason,
          });
        }
        if (Date.now() > deadline)
          throw new Error(`${path} did not finish within ${COMMAND_TIMEOUT_MS / 1000} s.`);
        await new Promise((done) => setTimeout(done, wait));
      }
    },
  };
}
export type { TlsSetting } from './tls/engine-tls.ts';
