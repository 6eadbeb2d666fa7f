// The embedded engine's storage devices on a worker thread of their own (storage-device-worker.ts),
// so the CLI and the app's engine process use both cores: the engine's thread seals envelopes,
// hashes and serves HTTP while the devices' thread encrypts at rest, writes and fsyncs. One thread
// holds every local device (they share a disk; a thread each would cost memory for no more
// cores). The handles it gives out are RunningStorageDevice, as in-process devices are, and an
// ack still comes from a device after its fsyncs, so durability is unchanged. Given the engine's
// connectDevicePort, a device's bus connections are MessagePorts to that engine instead of
// loopback WebSockets (port-socket.ts): the same frames and token check, without the socket.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { PinMismatchError } from '../tls/pinned-agent.ts';
import type { DeviceBundle } from './device-bundle.ts';
import type {
  DeviceThreadData,
  FromDeviceThread,
  ToDeviceThread,
} from './device-thread-messages.ts';
import type { RunningStorageDevice, StorageDeviceState } from './storage-device.ts';

/**
 * Where the worker's entry point is: beside this file when running from source (under tsx); in a
 * build, beside the bundle (the desktop app: out/main/storage-device-worker.mjs) or one folder up
 * from it, where every bundle and chunk of the Node programs finds
 * out/engine/storage-device-worker.mjs (scripts/build.mjs). Undefined when the build has none:
 * the devices then run on the engine's thread.
 */
export function deviceWorkerUrl(): URL | undefined {
  const here = import.meta.url;
  const candidates = here.endsWith('.ts')
    ? [new URL('./storage-device-worker.ts', here)]
    : [
        new URL('./storage-device-worker.mjs', here),
        new URL('../engine/storage-device-worker.mjs', here),
      ];
  return candidates.find((candidate) => existsSync(fileURLToPath(candidate)));
}

/**
 * From source (development, the benchmarks under tsx): Node 20 runs no --import hooks in a
 * worker, so the worker registers tsx itself before it loads its entry point.
 */
function registeringTsx(url: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
}

interface Handle {
  device: RunningStorageDevice;
  state: StorageDeviceState;
  pinMismatch: PinMismatchError | undefined;
  readyListeners: (() => void)[];
  stateListeners: ((state: StorageDeviceState) => void)[];
  started?: { resolve(): void; reject(error: Error): void };
  /** Hands the engine's end of a new bus connection to the engine; absent: the device dials its URL. */
  connectPort: ((port: MessagePort) => boolean) | undefined;
  stopped?: Promise<void>;
  onStopped?: () => void;
}

export class StorageDeviceThread {
  private readonly handles = new Map<number, Handle>();
  private nextKey = 1;
  private exited = false;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
  ) {
    worker.on('message', (message: FromDeviceThread) => this.receive(message));
    worker.on('error', (error) => log.error({ err: error }, 'the storage-device thread failed'));
    worker.on('exit', (code) => this.lost(code));
  }

  /**
   * Starts the thread; undefined when this build has no worker entry point, or when
   * PRIVICORE_DEVICE_THREAD=0 asks for the devices on the engine's thread (to compare, or to
   * rule the thread out when diagnosing).
   */
  static start(
    log: Logger,
    entry: URL | undefined = deviceWorkerUrl(),
  ): StorageDeviceThread | undefined {
    const url = process.env['PRIVICORE_DEVICE_THREAD'] === '0' ? undefined : entry;
    if (!url) return undefined;
    const data: DeviceThreadData = { logLevel: log.level };
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(registeringTsx(url), { eval: true, workerData: data })
      : new Worker(url, { workerData: data });
    return new StorageDeviceThread(worker, log);
  }

  /**
   * Starts one device on the thread; resolves once it runs (and is connecting). With
   * `connectPort` (the embedded engine's RunningEngine.connectDevicePort), each of its bus
   * connections is a MessagePort handed to that engine instead of a WebSocket to the bundle's URL.
   */
  async startDevice(
    bundle: DeviceBundle,
    dir: string,
    connectPort?: (port: MessagePort) => boolean,
  ): Promise<RunningStorageDevice> {
    if (this.exited) throw new Error('the storage-device thread has stopped');
    const key = this.nextKey++;
    const handle = this.handle(key, bundle.deviceIdentifier, connectPort);
    this.handles.set(key, handle);
    const started = new Promise<void>((resolve, reject) => (handle.started = { resolve, reject }));
    this.post({ op: 'start', key, bundle, dir, viaPort: connectPort !== undefined });
    await started;
    return handle.device;
  }

  /** False once the thread has ended (its entry point failed to load, it crashed, or close). */
  get alive(): boolean {
    return !this.exited;
  }

  /** Ends the thread; the devices must have been stopped first (what is left is stopped now). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.handles.values()].map((handle) => handle.device.stop()));
    this.closing = true;
    if (!this.exited) await this.worker.terminate();
  }

  private handle(
    key: number,
    deviceIdentifier: string,
    connectPort: ((port: MessagePort) => boolean) | undefined,
  ): Handle {
    const post = (message: ToDeviceThread) => this.post(message);
    const exited = () => this.exited;
    const handle: Handle = {
      connectPort,
      state: 'connecting',
      pinMismatch: undefined,
      readyListeners: [],
      stateListeners: [],
      device: {
        deviceIdentifier,
        get state() {
          return handle.state;
        },
        get connected() {
          return handle.state === 'connected';
        },
        get pinMismatch() {
          return handle.pinMismatch;
        },
        onReady(listener) {
          handle.readyListeners.push(listener);
        },
        onStateChange(listener) {
          handle.stateListeners.push(listener);
        },
        stop() {
          handle.stopped ??= exited()
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                handle.onStopped = resolve;
                post({ op: 'stop', key });
              });
          return handle.stopped;
        },
      },
    };
    return handle;
  }

  private receive(message: FromDeviceThread): void {
    const handle = this.handles.get(message.key);
    if (message.op === 'dial') {
      this.dial(message.dial, handle);
      return;
    }
    if (!handle) return;
    switch (message.op) {
      case 'started':
        handle.started?.resolve();
        handle.started = undefined;
        return;
      case 'start-failed':
        this.handles.delete(message.key);
        handle.started?.reject(new Error(message.message));
        return;
      case 'state':
        if (message.pinMismatch) {
          const { host, expected, actual } = message.pinMismatch;
          handle.pinMismatch = new PinMismatchError(host, expected, actual);
        }
        this.setState(handle, message.state);
        return;
      case 'ready':
        for (const listener of handle.readyListeners) this.call(listener);
        return;
      case 'stopped':
        this.handles.delete(message.key);
        this.setState(handle, 'stopped');
        handle.onStopped?.();
        return;
    }
  }

  /** A device's new bus connection: one end to its engine, the other to the thread. */
  private dial(dial: number, handle: Handle | undefined): void {
    const refuse = (message: string) => this.post({ op: 'dial-failed', dial, message });
    if (!handle?.connectPort) return refuse('this device has no engine to connect to by port');
    const { port1, port2 } = new MessageChannel();
    let accepted = false;
    try {
      accepted = handle.connectPort(port1);
    } catch (error) {
      this.log.error({ err: error }, 'the engine could not take a device bus port');
    }
    if (!accepted) {
      port1.close();
      port2.close();
      return refuse('the engine does not take device connections now');
    }
    this.worker.postMessage({ op: 'dialed', dial, port: port2 } satisfies ToDeviceThread, [port2]);
  }

  private setState(handle: Handle, state: StorageDeviceState): void {
    if (handle.state === state) return;
    handle.state = state;
    for (const listener of handle.stateListeners) this.call(() => listener(state));
  }

  /** The thread ended: every device on it is stopped, every pending start fails. */
  private lost(code: number): void {
    this.exited = true;
    if (!this.closing && this.handles.size > 0)
      this.log.error({ code }, 'the storage-device thread ended; its devices are stopped');
    for (const [key, handle] of this.handles) {
      this.handles.delete(key);
      handle.started?.reject(new Error(`the storage-device thread exited (${code})`));
      this.setState(handle, 'stopped');
      handle.onStopped?.();
    }
  }

  private post(message: ToDeviceThread): void {
    this.worker.postMessage(message);
  }

  private call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.log.error({ err: error }, 'storage device listener failed');
    }
  }
}
