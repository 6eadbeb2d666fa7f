// The messages between the embedded engine's main thread and its storage-device thread
// (storage-device-thread.ts ↔ storage-device-worker.ts). Each device has a key chosen by the
// main thread; the bundle crosses by structured clone and never touches a file or a log.

import type { MessagePort } from 'node:worker_threads';
import type { DeviceBundle } from './device-bundle.ts';
import type { StorageDeviceState } from './storage-device.ts';

export type ToDeviceThread =
  | {
      op: 'start';
      key: number;
      bundle: DeviceBundle;
      dir: string;
      /** Reach the engine over MessagePorts (port-socket.ts) instead of the bundle's URL. */
      viaPort: boolean;
    }
  | { op: 'stop'; key: number }
  /** Answers `dial`: the device's end of a new bus connection (transferred). */
  | { op: 'dialed'; dial: number; port: MessagePort }
  | { op: 'dial-failed'; dial: number; message: string };

export type FromDeviceThread =
  | { op: 'started'; key: number }
  /** A device with viaPort opens a bus connection: the main thread answers dialed or dial-failed. */
  | { op: 'dial'; key: number; dial: number }
  | { op: 'start-failed'; key: number; message: string }
  | {
      op: 'state';
      key: number;
      state: StorageDeviceState;
      /** In `untrusted`: the certificate found and the one pinned (PinMismatchError's fields). */
      pinMismatch?: { host: string; expected: string; actual: string };
    }
  | { op: 'ready'; key: number }
  | { op: 'stopped'; key: number };

/** workerData of the device thread. */
export interface DeviceThreadData {
  logLevel: string;
}
