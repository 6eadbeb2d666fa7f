import type { ConnectedDevice } from '../bus/device-bus.ts';
import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import type { DeviceRecord } from '../store/device-store.ts';
import type { StoreRepos } from '../store/store.ts';
import type { StoreOutcome } from '../transfer/upload-sessions.ts';
import type { Caller } from './authorization.ts';
import { ownDevice } from './device.ts';
import { perContext } from './per-context.ts';

export interface StorageDeviceView {
  device: DeviceRecord;
  online: boolean;
  lastSeenAt: number | null;
  storedTokens: number;
  storedBytes: number;
}

export const storageCommands = perContext((ctx: EngineContext) => {
  const register: CommandSpec<{ deviceId: string }> = {
    kind: 'storage.register',
    restart: 'rerun',
    // Contract §11 device-governance: a new storage device may wait for a vote.
    gate: {
      async event({ payload }) {
        const device = await ctx.store.devices.byId(payload.deviceId);
        // One that cannot become a storage device is rejected anyway, without a vote.
        if (!device || device.status !== 'approved' || device.role !== null) return undefined;
        return {
          eventId: 'storage.registered',
          attributes: [
            ['deviceIdentifier', device.id],
            ['deviceName', device.name],
          ],
        };
      },
    },
    async commit(tx, { payload, now }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.status !== 'approved')
        return { ok: false, reason: 'device.not_approved' };
      if (device.role !== null) return { ok: false, reason: 'device.role_taken' };
      await tx.devices.update(device.id, { role: 'storage', storageSince: now });
      // Removals queued from an earlier stint as a storage device.
      return { ok: true, after: () => void ctx.transfer.sync.reconcile(device.id) };
    },
  };

  const synchronize: CommandSpec<
    { deviceId: string; profileId: string },
    { copied: string[]; missing: number }
  > = {
    kind: 'storage.synchronize',
    restart: 'rerun',
    async prepare({ payload }) {
      const device = await ctx.store.devices.byId(payload.deviceId);
      if (!device || device.role !== 'storage')
        return { ok: false, reason: 'storage.not_registered' };
      if (!ctx.bus.isOnline(device.id)) return { ok: false, reason: 'storage.device_offline' };
      try {
        return {
          ok: true,
          value: await ctx.transfer.sync.synchronize(device.id, payload.profileId),
        };
      } catch (error) {
        ctx.log.warn({ err: error, deviceId: device.id }, 'synchronize failed');
        return { ok: false, reason: 'storage.device_offline' };
      }
    },
    async commit(tx, { payload, now }, prepared) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.role !== 'storage')
        return { ok: false, reason: 'storage.not_registered' };
      const gone: string[] = [];
      for (const blobId of prepared.copied) {
        if (await tx.dataTokens.blobStored(blobId)) {
          await tx.holdings.add(blobId, device.id, now);
          await tx.pendingDeletes.remove(device.id, blobId);
        } else {
          // Deleted while it was being copied: the copy must go too.
          await tx.pendingDeletes.add(device.id, blobId, now);
          gone.push(blobId);
        }
      }
      return {
        ok: true,
        result: { copied: prepared.copied.length - gone.length, missing: prepared.missing },
        after: () => {
          if (gone.length > 0) void ctx.transfer.sync.reconcile(device.id);
        },
      };
    },
  };

  const remove: CommandSpec<{ deviceId: string }> = {
    kind: 'storage.remove',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.role !== 'storage')
        return { ok: false, reason: 'storage.not_registered' };
      await tx.devices.update(device.id, { role: null, storageSince: null });
      // Its copies are no longer counted or read, and delete-data would no longer reach them:
      // they are removed from the device rather than left behind.
      for (const blobId of await tx.holdings.removeDevice(device.id))
        await tx.pendingDeletes.add(device.id, blobId, now);
      // With no role its tokens would act as the owner (token-access.ts): the bundle's token
      // ends here. The bus connection it has open stays to take the removals; once it drops,
      // the device is done.
      await tx.tokens.revokeForDevice(device.id, now);
      return { ok: true, after: () => void ctx.transfer.sync.reconcile(device.id) };
    },
  };

  return { register, synchronize, remove };
});

export async function registerStorage(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(storageCommands(ctx).register, caller.profile.id, {
    deviceId: device.id,
  });
}

export async function synchronizeStorage(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(storageCommands(ctx).synchronize, caller.profile.id, {
    deviceId: device.id,
    profileId: caller.profile.id,
  });
}

export async function removeStorage(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(storageCommands(ctx).remove, caller.profile.id, {
    deviceId: device.id,
  });
}

export async function listStorageDevices(
  ctx: EngineContext,
  caller: Caller,
): Promise<StorageDeviceView[]> {
  const now = ctx.now();
  const views: StorageDeviceView[] = [];
  for (const device of await ctx.store.devices.storageDevices(caller.profile.id)) {
    const online = ctx.bus.isOnline(device.id);
    const stats = await ctx.store.holdings.statsFor(device.id);
    views.push({
      device,
      online,
      lastSeenAt: online ? now : device.lastSeenAt,
      storedTokens: stats.tokens,
      storedBytes: stats.bytes,
    });
  }
  return views;
}

/**
 * Contract §9 "Store": writes the bytes to every online storage device of the profile.
 * Resolves with who confirmed, or the reason the store failed; rejects only when the source
 * fails (an upload cut short). The source is read to its end in every case.
 */
export async function storeBytes(
  ctx: EngineContext,
  profileId: string,
  blobId: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<StoreOutcome> {
  const devices = await ctx.store.devices.storageDevices(profileId);
  const online = devices.filter((device) => ctx.bus.isOnline(device.id)).map((device) => device.id);
  let written;
  try {
    written = await ctx.transfer.fanout.write(blobId, online, source);
  } catch (error) {
    // The upload was cut short: whatever reached the devices is a fragment.
    await discardBlob(ctx, blobId, online);
    throw error;
  }
  if (devices.length === 0) return { ok: false, reason: 'storage.none_registered' };
  if (written.holders.length === 0) {
    await discardBlob(ctx, blobId, online);
    return { ok: false, reason: 'storage.unavailable' };
  }
  return { ok: true, result: written };
}

/** Queues the removal of a blob from devices (inside the caller's transaction). */
export async function queueRemoval(
  tx: StoreRepos,
  blobId: string,
  deviceIds: Iterable<string>,
  now: number,
): Promise<string[]> {
  const targets = [...new Set(deviceIds)];
  for (const deviceId of targets) await tx.pendingDeletes.add(deviceId, blobId, now);
  return targets;
}

/**
 * Brings the online ones of these devices up to date now (queued removals, missed stores);
 * the others catch up when they next connect.
 */
export function reconcileDevices(ctx: EngineContext, deviceIds: Iterable<string>): void {
  for (const deviceId of deviceIds)
    if (ctx.bus.isOnline(deviceId)) void ctx.transfer.sync.reconcile(deviceId);
}

/** Removes a blob that will never belong to a data token (failed or abandoned upload). */
export async function discardBlob(
  ctx: EngineContext,
  blobId: string,
  deviceIds: Iterable<string>,
): Promise<void> {
  const targets = await ctx.store.atomic((tx) => queueRemoval(tx, blobId, deviceIds, ctx.now()));
  reconcileDevices(ctx, targets);
}

/** Bus connect: note the time, then apply what the device missed while away. */
export async function deviceConnected(ctx: EngineContext, device: ConnectedDevice): Promise<void> {
  await ctx.store.devices.seen(device.deviceId, ctx.now());
  await ctx.transfer.sync.reconcile(device.deviceId);
}

export async function deviceDisconnected(
  ctx: EngineContext,
  device: ConnectedDevice,
): Promise<void> {
  await ctx.store.devices.seen(device.deviceId, ctx.now());
}
