// The entry point of the embedded engine's storage-device thread (storage-device-thread.ts):
// runs the local storage devices here, off the engine's thread, so their at-rest encryption,
// frame handling, file writes and fsyncs use the second core. Each device still reaches the
// engine over its own bus connection, exactly as a device in another process would.

import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../log.ts';
import type {
  DeviceThreadData,
  FromDeviceThread,
  ToDeviceThread,
} from './device-thread-messages.ts';
import { startStorageDevice, type RunningStorageDevice } from './storage-device.ts';

const port = parentPort;
if (!port) throw new Error('storage-device-worker.ts runs only as a worker thread');
const { logLevel } = workerData as DeviceThreadData;
const log = createLogger(logLevel);
const devices = new Map<number, Promise<RunningStorageDevice | undefined>>();
const send = (message: FromDeviceThread) => port.postMessage(message);

port.on('message', (message: ToDeviceThread) => {
  if (message.op === 'start') {
    const { key } = message;
    const starting = startStorageDevice({ bundle: message.bundle, dir: message.dir, log }).then(
      (device) => {
        device.onStateChange((state) =>
          send({
            op: 'state',
            key,
            state,
            ...(device.pinMismatch
              ? {
                  pinMismatch: {
                    host: device.pinMismatch.host,
                    expected: device.pinMismatch.expected,
                    actual: device.pinMismatch.actual,
                  },
                }
              : {}),
          }),
        );
        device.onReady(() => send({ op: 'ready', key }));
        // A state reached before the listeners were attached is reported too.
        send({ op: 'state', key, state: device.state });
        if (device.connected) send({ op: 'ready', key });
        send({ op: 'started', key });
        return device;
      },
      (error: unknown) => {
        send({ op: 'start-failed', key, message: (error as Error).message ?? String(error) });
        return undefined;
      },
    );
    devices.set(key, starting);
    return;
  }
  const starting = devices.get(message.key);
  devices.delete(message.key);
  void (async () => {
    const device = await starting;
    await device?.stop();
    send({ op: 'stopped', key: message.key });
  })();
});
