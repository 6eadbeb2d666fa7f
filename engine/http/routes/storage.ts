import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  listStorageDevices,
  registerStorage,
  removeStorage,
  synchronizeStorage,
} from '../../domain/storage.ts';
import { isoSeconds } from '../../time.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

type DeviceRef = { deviceIdentifier: string };
const deviceRef = {
  fields: { deviceIdentifier: reference },
} as const;

export function registerStorageRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<DeviceRef>(app, ctx, 'storage.register', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await registerStorage(ctx, caller, input.deviceIdentifier)),
  });

  route(app, ctx, 'storage.list-storage-devices', {
    handler: async ({ caller }) =>
      (await listStorageDevices(ctx, caller)).map((view) => ({
        deviceIdentifier: view.device.id,
        name: view.device.name,
        online: view.online,
        lastSeenAt: view.lastSeenAt === null ? null : isoSeconds(view.lastSeenAt),
        storedTokens: view.storedTokens,
        storedBytes: view.storedBytes,
      })),
  });

  route<DeviceRef>(app, ctx, 'storage.synchronize', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await synchronizeStorage(ctx, caller, input.deviceIdentifier)),
  });

  route<DeviceRef>(app, ctx, 'storage.remove', {
    ...deviceRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await removeStorage(ctx, caller, input.deviceIdentifier)),
  });
}
