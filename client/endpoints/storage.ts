// Contract §9: storage devices.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';

export interface StorageDeviceRecord {
  deviceIdentifier: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  storedTokens: number;
  storedBytes: number;
}

export interface SynchronizeResult {
  copied: number;
  /** Items with no online intact source. */
  missing: number;
}

/** POST /storage/register: an approved device without a role becomes a storage device. */
export async function registerStorage(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/storage/register', form: input }),
  );
}

/** GET /storage/list-storage-devices */
export async function listStorageDevices(http: HttpClient): Promise<StorageDeviceRecord[]> {
  return (
    await http.request<StorageDeviceRecord[]>({
      method: 'GET',
      path: '/storage/list-storage-devices',
    })
  ).data;
}

/**
 * POST /storage/synchronize: copies what the device lacks. The status-2 body is undefined when
 * only /request-status could tell the outcome.
 */
export async function synchronizeStorage(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<SynchronizeResult | undefined>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/storage/synchronize', form: input }),
    async () => undefined,
  );
}

/** POST /storage/remove: the device leaves the fan-out; its role becomes null. */
export async function removeStorage(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/storage/remove', form: input }),
  );
}
