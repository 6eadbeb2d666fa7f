// Waiting on a new device for the data key an owner's device leaves for it (data-key-share.ts):
// after an approval or a QR pairing, the owner wraps the key to this device's public key and
// writes it into the device's meta. The contract sends no event to the waiting device, so it
// looks every few seconds, and at once whenever its channel hears anything — the owner's
// configure-meta ack reaches every socket of the profile, so the key is usually picked up on
// that message rather than on the next tick.

import { unwrapDataKey } from './crypto/key-wrap.ts';
import { WRAPPED_DATA_KEY_FIELD } from './data-key-share.ts';
import { retrieveProfileDevices } from './endpoints/device.ts';
import type { VaultSession } from './session.ts';

export type AwaitedDataKey =
  | { state: 'received'; dataKey: Buffer }
  /** The device no longer exists: its request was rejected, or it was removed. */
  | { state: 'device-gone' }
  | { state: 'cancelled' };

export interface AwaitDataKeyOptions {
  deviceIdentifier: string;
  /** This device's X25519 private key (64 hex), the one its public key was registered with. */
  devicePrivateKey: string;
  signal?: AbortSignal;
  /** Default 1.5 s. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 1500;

export function awaitDataKey(
  session: VaultSession,
  options: AwaitDataKeyOptions,
): Promise<AwaitedDataKey> {
  const { deviceIdentifier, devicePrivateKey, signal } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let checking = false;
    let again = false;
    let done = false;

    const finish = (result: AwaitedDataKey) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
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
        const own = devices.find((device) => device.deviceIdentifier === deviceIdentifier);
        if (!own) return finish({ state: 'device-gone' });
        const wrapped = own.meta?.[WRAPPED_DATA_KEY_FIELD];
        if (wrapped)
          return finish({ state: 'received', dataKey: unwrapDataKey(wrapped, devicePrivateKey) });
      } catch {
        // The engine away for a moment, or a wrapped key that does not open with this device's
        // key (written for an earlier key pair): keep waiting; the owner can share again.
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
    void check();
  });
}
