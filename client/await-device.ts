// Waiting for something about one device of the profile: a meta field another device writes
// (a pairing proof, an approval answer, a wrapped key). The contract sends no event for meta
// changes, so it looks every interval and at once whenever the channel hears anything: a
// configure-meta's outcome reaches every socket of the profile, so a change is usually seen on
// that message rather than on the next tick.

import { retrieveProfileDevices, type DeviceRecord } from './endpoints/device.ts';
import { isPrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';

export type AwaitedDevice<T> =
  | { state: 'found'; device: DeviceRecord; value: T }
  /** The device no longer exists (rejected, removed), or this session's token was ended. */
  | { state: 'device-gone' }
  | { state: 'timed-out' }
  | { state: 'cancelled' };

export interface AwaitDeviceOptions {
  signal?: AbortSignal;
  /** Default 1.5 s. */
  intervalMs?: number;
  /** Give up after this long; default never. */
  timeoutMs?: number;
}

const DEFAULT_INTERVAL_MS = 1500;

/**
 * Resolves once `look` returns something other than undefined for the device. Errors reading
 * the list (the engine away for a moment) and errors thrown by `look` are retried; `look` throws
 * only to say "not yet".
 */
export function awaitDevice<T>(
  session: VaultSession,
  deviceIdentifier: string,
  look: (device: DeviceRecord) => T | undefined,
  options: AwaitDeviceOptions = {},
): Promise<AwaitedDevice<T>> {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const { signal } = options;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let checking = false;
    let again = false;
    let done = false;

    const finish = (result: AwaitedDevice<T>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      offMessage();
      offState();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ state: 'cancelled' });

    const check = async (): Promise<void> => {
      if (done) return;
      // A burst of channel messages (an upload elsewhere) makes one look, not one per message.
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      clearTimeout(timer);
      try {
        const devices = await retrieveProfileDevices(session.http);
        const device = devices.find((d) => d.deviceIdentifier === deviceIdentifier);
        if (!device) return finish({ state: 'device-gone' });
        const value = look(device);
        if (value !== undefined) return finish({ state: 'found', device, value });
      } catch (error) {
        // This device's token was ended (removed, turned away): nothing will ever be found.
        if (isPrivicoreError(error) && error.status === 401)
          return finish({ state: 'device-gone' });
        // Otherwise not yet: the engine away for a moment; the next look may find it.
      } finally {
        checking = false;
        if (!done) {
          if (again) {
            again = false;
            void check();
          } else {
            timer = setTimeout(() => void check(), intervalMs);
          }
        }
      }
    };

    const offMessage = session.channel.on('message', () => void check());
    const offState = session.channel.on('state', (state) => {
      if (state === 'joined') void check();
    });
    if (signal?.aborted) return finish({ state: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined)
      deadline = setTimeout(() => finish({ state: 'timed-out' }), options.timeoutMs);
    void check();
  });
}
