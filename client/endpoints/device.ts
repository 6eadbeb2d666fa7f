// Contract §8: devices.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { DeviceBundle } from '../../engine/devices/device-bundle.ts';
import type { HttpClient } from '../http.ts';

export interface DeviceRecord {
  deviceIdentifier: string;
  name: string;
  status: 'pending' | 'approved';
  role: null | 'storage' | 'authenticator';
  createdAt: string;
  approvedAt: string | null;
  meta: Record<string, string>;
}

/** Contract §8's configuration bundle, as the engine's one type for it. */
export type DeviceConfiguration = DeviceBundle;

/** POST /device/request-unique-identifier: a pending device; status 2 `{deviceIdentifier}`. */
export async function requestUniqueIdentifier(
  http: HttpClient,
  input: { deviceName: string; publicKey?: string },
): Promise<AcceptedCommand<{ deviceIdentifier: string }>> {
  const response = await http.request({
    method: 'POST',
    path: '/device/request-unique-identifier',
    form: input,
  });
  return acceptCommand(response, (commandId) => retrieveUniqueIdentifier(http, { id: commandId }));
}

/** POST /device/retrieve-unique-identifier: by the request-unique-identifier command id. */
export async function retrieveUniqueIdentifier(
  http: HttpClient,
  input: { id: string },
): Promise<{ deviceIdentifier: string }> {
  return (
    await http.request<{ deviceIdentifier: string }>({
      method: 'POST',
      path: '/device/retrieve-unique-identifier',
      form: input,
    })
  ).data;
}

/** GET /device/retrieve-profile-devices */
export async function retrieveProfileDevices(http: HttpClient): Promise<DeviceRecord[]> {
  return (
    await http.request<DeviceRecord[]>({ method: 'GET', path: '/device/retrieve-profile-devices' })
  ).data;
}

/** POST /device/configure-meta: `name` renames; other fields merge into meta (empty removes). */
export async function configureMeta(
  http: HttpClient,
  input: { deviceIdentifier: string; name?: string; meta?: Readonly<Record<string, string>> },
): Promise<AcceptedCommand<void>> {
  const form = {
    ...input.meta,
    deviceIdentifier: input.deviceIdentifier,
    ...(input.name === undefined ? {} : { name: input.name }),
  };
  return acceptCommand(
    await http.request({ method: 'POST', path: '/device/configure-meta', form }),
  );
}

/** POST /device/approve-device. Rejects `device.not_pending`. */
export async function approveDevice(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/device/approve-device', form: input }),
  );
}

/** POST /device/reject-device. Rejects `device.not_pending`. */
export async function rejectDevice(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/device/reject-device', form: input }),
  );
}

/** POST /device/download-device-configuration: approved devices; each call issues a new device token. */
export async function downloadDeviceConfiguration(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<DeviceConfiguration> {
  return (
    await http.request<DeviceConfiguration>({
      method: 'POST',
      path: '/device/download-device-configuration',
      form: input,
    })
  ).data;
}

/** POST /device/remove: deletes the device and revokes its tokens. */
export async function removeDevice(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(await http.request({ method: 'POST', path: '/device/remove', form: input }));
}
