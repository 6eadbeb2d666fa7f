// Waiting on a joining device for the keys an owner's device leaves for it (data-key-grant.ts):
// wrapped to this device's key and authenticated by the profile key it trusts (the pairing
// code's fingerprint, or the one whose code the person confirmed). Anything else found in its
// meta is refused, reported, and waited past: a planted wrap never becomes this device's key.

import { awaitDevice } from './await-device.ts';
import { KeyWrapError, type WrappedKeys } from './crypto/key-wrap.ts';
import { openGrantedKeys } from './data-key-grant.ts';
import { META, metaValue } from './device-meta.ts';
import type { VaultSession } from './session.ts';

export type AwaitedDataKey =
  | { state: 'received'; keys: WrappedKeys }
  /** The device no longer exists: its request was rejected, or it was removed. */
  | { state: 'device-gone' }
  | { state: 'cancelled' };

export interface AwaitDataKeyOptions {
  deviceIdentifier: string;
  /** This device's X25519 private key (64 hex), the one its public key was registered with. */
  devicePrivateKey: string;
  /** The fingerprint of the profile key the keys must come from. */
  trustedProfileKey: string;
  signal?: AbortSignal;
  /** Default 1.5 s. */
  intervalMs?: number;
  /** A wrap was found and refused (once per distinct wrap). */
  onRefused?(error: KeyWrapError): void;
}

export async function awaitDataKey(
  session: VaultSession,
  options: AwaitDataKeyOptions,
): Promise<AwaitedDataKey> {
  const refused = new Set<string>();
  const result = await awaitDevice(
    session,
    options.deviceIdentifier,
    (device) => {
      const wrapped = metaValue(device, META.wrappedDataKey);
      if (wrapped === undefined || refused.has(wrapped)) return undefined;
      try {
        return openGrantedKeys(device, options.devicePrivateKey, {
          fingerprint: options.trustedProfileKey,
        });
      } catch (error) {
        if (!(error instanceof KeyWrapError)) throw error;
        refused.add(wrapped);
        options.onRefused?.(error);
        return undefined;
      }
    },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    },
  );
  if (result.state === 'found') return { state: 'received', keys: result.value };
  if (result.state === 'timed-out') return { state: 'cancelled' };
  return { state: result.state };
}
