import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  approveDevice,
  configureMeta,
  downloadDeviceConfiguration,
  listDevices,
  rejectDevice,
  removeDevice,
  requestUniqueIdentifier,
  retrieveUniqueIdentifier,
} from '../../domain/device.ts';
import { redeemQrToken } from '../../domain/qr-pairing.ts';
import type { DeviceRecord } from '../../store/device-store.ts';
import { isoSeconds } from '../../time.ts';
import { text } from '../field-schemas.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

type DeviceRef = { deviceIdentifier: string };

/** Contract §8 device record. */
function deviceView(device: DeviceRecord) {
  return {
    deviceIdentifier: device.id,
    name: device.name,
    status: device.status,
    role: device.role,
    createdAt: isoSeconds(device.createdAt),
    approvedAt: device.approvedAt === null ? null : isoSeconds(device.approvedAt),
    meta: device.meta,
  };
}

const deviceRef = {
  fields: { deviceIdentifier: reference },
} as const;
const publicKeyField = { type: 'string', minLength: 1, maxLength: 1000 };

export function registerDeviceRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<{ deviceName: string; publicKey?: string }>(app, ctx, 'device.request-unique-identifier', {
    fields: { deviceName: text(1, 255), publicKey: publicKeyField },
    handler: async ({ input, caller, reply }) =>
      accepted(
        reply,
        await requestUniqueIdentifier(ctx, caller, input.deviceName, input.publicKey),
      ),
  });

  route<{ id: string }>(app, ctx, 'device.retrieve-unique-identifier', {
    fields: { id: reference },
    handler: async ({ input, caller }) => ({
      deviceIdentifier: await retrieveUniqueIdentifier(ctx, caller, input.id),
    }),
  });

  route(app, ctx, 'device.retrieve-profile-devices', {
    handler: async ({ caller }) => (await listDevices(ctx, caller)).map(deviceView),
  });

  route<Record<string, unknown>>(app, ctx, 'device.configure-meta', {
    fields: { deviceIdentifier: reference, name: text(1, 255) },
    // Contract §8: the other fields are merged into meta (free-form, checked by the domain).
    additional: true,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await configureMeta(ctx, caller, input)),
  });

  route<DeviceRef>(app, ctx, 'device.approve-device', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await approveDevice(ctx, caller, input.deviceIdentifier)),
  });

  route<DeviceRef>(app, ctx, 'device.reject-device', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await rejectDevice(ctx, caller, input.deviceIdentifier)),
  });

  route<DeviceRef>(app, ctx, 'device.download-device-configuration', {
    ...deviceRef,
    handler: async ({ input, caller }) =>
      downloadDeviceConfiguration(ctx, caller, input.deviceIdentifier),
  });

  route<DeviceRef>(app, ctx, 'device.remove', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await removeDevice(ctx, caller, input.deviceIdentifier)),
  });

  route<{ qrToken: string; deviceName: string; publicKey?: string }>(
    app,
    ctx,
    'profile.redeem-token-qr',
    {
      fields: { qrToken: reference, deviceName: text(1, 255), publicKey: publicKeyField },
      handler: async ({ input }) => {
        const paired = await redeemQrToken(ctx, input.qrToken, input.deviceName, input.publicKey);
        return {
          deviceIdentifier: paired.deviceIdentifier,
          authorizationToken: paired.authorizationToken,
          expiresAt: isoSeconds(paired.expiresAt),
        };
      },
    },
  );
}
