// This machine as a verified authenticator (contract §10, §14 "Device onboarding"): it asks for
// a device of its own, approves it (the owner's act, and itself possibly held by a device
// policy), registers it as an authenticator and keeps its device token, with which it joins
// the channel and receives its ballots.

import {
  approveDevice,
  downloadDeviceConfiguration,
  removeDevice,
  requestUniqueIdentifier,
} from './endpoints/device.ts';
import { registerAuthenticator } from './endpoints/verified-authenticator.ts';
import type { VaultSession } from './session.ts';
import type { CommandHold } from './vault/vault-context.ts';

export interface ThisAuthenticator {
  deviceIdentifier: string;
  /** The device token; keep it in the OS keychain only. */
  deviceToken: string;
  deviceTokenExpiresAt: string;
}

export async function becomeAuthenticator(
  session: VaultSession,
  options: { deviceName: string; onHold?: (hold: CommandHold) => void; signal?: AbortSignal },
): Promise<ThisAuthenticator> {
  const created = await session.run(
    () => requestUniqueIdentifier(session.http, { deviceName: options.deviceName }),
    options.signal ? { signal: options.signal } : {},
  );
  const deviceIdentifier = created.deviceIdentifier;
  try {
    await session.run(() => approveDevice(session.http, { deviceIdentifier }), {
      ...(options.onHold ? { onHold: options.onHold } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await session.run(() => registerAuthenticator(session.http, { deviceIdentifier }));
    const configuration = await downloadDeviceConfiguration(session.http, { deviceIdentifier });
    return {
      deviceIdentifier,
      deviceToken: configuration.deviceToken,
      deviceTokenExpiresAt: configuration.deviceTokenExpiresAt,
    };
  } catch (error) {
    // A half-made authenticator (approval voted down, say) is not left behind.
    await session
      .run(() => removeDevice(session.http, { deviceIdentifier }))
      .catch(() => undefined);
    throw error;
  }
}
