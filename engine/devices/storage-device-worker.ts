// The entry point of the embedded engine's storage-device thread (storage-device-thread.ts):
// runs the local storage devices here, off the engine's thread, so their at-rest encryption,
// frame handling, file writes and fsyncs use the second core. Each device still reaches the
// engine over its own bus connection and says hello with its token, as a device in another
// process does: over a MessagePort the main thread hands to its engine (port-socket.ts) when
// started with viaPort, else over the bundle's URL.

import { parentPort, workerData } from 'node:worker_threads';
import { MAX_FRAME_BYTES } from '../bus/bus-frames.ts';
import { PortSocket } from '../bus/port-socket.ts';
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
/** Bus connections asked of the main thread (`dial`) and not answered yet. */
const dialing = new Map<number, PortSocket>();
let nextDial = 1;

/** A new bus connection of device `key`: connecting until the main thread sends its port. */
function dialBus(key: number): PortSocket {
  const socket = new PortSocket(undefined, MAX_FRAME_BYTES);
  const dial = nextDial++;
  dialing.set(dial, socket);
  send({ op: 'dial', key, dial });
  return socket;
}

port.on('message', (message: ToDeviceThread) => {
  if (message.op === 'dialed' || message.op === 'dial-failed') {
    const socket = dialing.get(message.dial);
    dialing.delete(message.dial);
    if (message.op === 'dial-failed') socket?.fail(new Error(message.message));
    else if (socket) socket.attach(message.port);
    else message.port.close();
    return;
  }
  if (message.op === 'start') {
    const { key } = message;
    const starting = startStorageDevice({
      bundle: message.bundle,
      dir: message.dir,
      log,
      ...(message.viaPort ? { dialBus: () => dialBus(key) } : {}),
    }).then(
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
