import type { CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { seal, unseal } from '../crypto/seal.ts';
import { generateSignedKeyPair } from '../crypto/signed-key.ts';
import type { DeviceBundle } from '../devices/device-bundle.ts';
import { isId, newId } from '../ids.ts';
import type { DeviceRecord } from '../store/device-store.ts';
import type { StoreRepos } from '../store/store.ts';
import { isoSeconds } from '../time.ts';
import { DEVICE_TOKEN_TTL_MS, issueToken, resolveCaller, type Caller } from './authorization.ts';
import { directoryMayConfigure } from './directory-reach.ts';
import { DomainError, invalid, notFound } from './domain-error.ts';
import { freeFormFields } from './free-form-fields.ts';
import { perContext } from './per-context.ts';
import { validSignedKey } from './public-key.ts';
import { runEffects, withdrawAuthenticator, type Effects } from './voting-pool.ts';

/** Contract §1.2: a free-form set holds at most 50 fields, after merging too. */
const MAX_META_FIELDS = 50;

/** What a new device starts with: its key, and the private half only when the engine made it. */
export interface NewDeviceKeys {
  deviceId: string;
  publicKey: string;
  privateKeySealed: string | null;
}

/** The sealed private key of a device binds its id, so it cannot be replayed onto another. */
const privateKeyPurpose = (deviceId: string) => `device-private-key/${deviceId}`;

/** Contract §8: a device created without a public key gets an engine-generated pair. */
export function deviceKeys(ctx: EngineContext, publicKey: string | undefined): NewDeviceKeys {
  const deviceId = newId();
  if (publicKey !== undefined)
    return { deviceId, publicKey: validSignedKey(publicKey), privateKeySealed: null };
  const pair = generateSignedKeyPair();
  return {
    deviceId,
    publicKey: pair.public,
    privateKeySealed: seal(ctx.secrets.sealKey, pair.private, privateKeyPurpose(deviceId)),
  };
}

/** The caller's device, or 404 for anything else, foreign devices included (contract §1.5). */
export async function ownDevice(
  repos: StoreRepos,
  caller: Caller,
  deviceIdentifier: string,
): Promise<DeviceRecord> {
  if (!isId(deviceIdentifier)) throw notFound.device();
  const device = await repos.devices.byId(deviceIdentifier);
  if (!device || device.profileId !== caller.profile.id) throw notFound.device();
  return device;
}

export const deviceCommands = perContext((ctx: EngineContext) => {
  const requestIdentifier: CommandSpec<{ deviceName: string } & NewDeviceKeys> = {
    kind: 'device.request-unique-identifier',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      await tx.devices.insert({
        id: payload.deviceId,
        profileId: profileId!,
        requestCommandId: commandId,
        name: payload.deviceName,
        status: 'pending',
        role: null,
        publicKey: payload.publicKey,
        privateKeySealed: payload.privateKeySealed,
        meta: {},
        createdAt: now,
        approvedAt: null,
        storageSince: null,
        authenticatorSince: null,
        lastSeenAt: null,
      });
      return {
        ok: true,
        result: { deviceIdentifier: payload.deviceId },
        after: () =>
          ctx.hub.publish(
            { profileId: profileId! },
            {
              type: 'DEVICE-PENDING',
              id: payload.deviceId,
              body: { deviceName: payload.deviceName, requestedAt: isoSeconds(now) },
            },
          ),
      };
    },
  };

  const configureMeta: CommandSpec<{
    deviceId: string;
    name?: string;
    fields: Record<string, string>;
  }> = {
    kind: 'device.configure-meta',
    restart: 'rerun',
    async commit(tx, { payload }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device) return { ok: false, reason: 'device.not_found' };
      await tx.devices.update(device.id, {
        meta: mergeMeta(device.meta, payload.fields),
        ...(payload.name !== undefined ? { name: payload.name } : {}),
      });
      return { ok: true };
    },
  };

  const approve: CommandSpec<{ deviceId: string }> = {
    kind: 'device.approve-device',
    restart: 'rerun',
    // Contract §11 device-governance: approving a device may wait for a vote.
    gate: {
      async event({ payload }) {
        const device = await ctx.store.devices.byId(payload.deviceId);
        // A device that is not pending is rejected anyway: nobody is asked to vote on it.
        if (!device || device.status !== 'pending') return undefined;
        return {
          eventId: 'device.approval_requested',
          attributes: [
            ['deviceIdentifier', device.id],
            ['deviceName', device.name],
          ],
        };
      },
    },
    async commit(tx, { payload, now }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.status !== 'pending')
        return { ok: false, reason: 'device.not_pending' };
      await tx.devices.update(device.id, { status: 'approved', approvedAt: now });
      return { ok: true };
    },
  };

  const reject: CommandSpec<{ deviceId: string }> = {
    kind: 'device.reject-device',
    restart: 'rerun',
    async commit(tx, { payload }) {
      const device = await tx.devices.byId(payload.deviceId);
      if (!device || device.status !== 'pending')
        return { ok: false, reason: 'device.not_pending' };
      await tx.devices.remove(device.id);
      return { ok: true };
    },
  };

  const remove: CommandSpec<{ deviceId: string }> = {
    kind: 'device.remove',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const deviceId = payload.deviceId;
      // Already gone (a concurrent remove): the outcome the caller asked for holds.
      const device = await tx.devices.byId(deviceId);
      if (!device) return { ok: true };
      await tx.devices.remove(deviceId);
      // Contract §8: it leaves voting configurations and its open ballots are withdrawn.
      const effects: Effects = [];
      if (device.role === 'authenticator')
        await withdrawAuthenticator(tx, ctx, device, now, effects);
      await tx.tokens.revokeForDevice(deviceId, now);
      // Its copies are no longer counted or read; with its tokens revoked it can never
      // reconnect to apply removals, so none stay queued for it.
      await tx.holdings.removeDevice(deviceId);
      await tx.pendingDeletes.removeDevice(deviceId);
      return {
        ok: true,
        after: () => {
          ctx.hub.closeDevice(deviceId);
          ctx.bus.closeDevice(deviceId);
          runEffects(ctx, effects);
        },
      };
    },
  };

  return { requestIdentifier, configureMeta, approve, reject, remove };
});

/** Contract §8: fields merge into meta, and an empty value removes its key. */
function mergeMeta(
  meta: Record<string, string>,
  fields: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...meta, ...fields }).filter(([, value]) => value !== ''),
  );
}

export async function requestUniqueIdentifier(
  ctx: EngineContext,
  caller: Caller,
  deviceName: string,
  publicKey: string | undefined,
): Promise<string> {
  const keys = deviceKeys(ctx, publicKey);
  return ctx.commands.accept(deviceCommands(ctx).requestIdentifier, caller.profile.id, {
    deviceName,
    ...keys,
  });
}

/** Contract §8: the device a request-unique-identifier command of the caller created. */
export async function retrieveUniqueIdentifier(
  ctx: EngineContext,
  caller: Caller,
  commandId: string,
): Promise<string> {
  if (!isId(commandId)) throw notFound.device();
  const device = await ctx.store.devices.byRequestCommand(caller.profile.id, commandId);
  if (device) return device.id;
  // Contract §8: also the caller's directory create-profile-device, whose device is a member's.
  const provisioned = await ctx.store.provisionedDevices.byCommand(caller.profile.id, commandId);
  if (!provisioned) throw notFound.device();
  return provisioned;
}

export function listDevices(ctx: EngineContext, caller: Caller): Promise<DeviceRecord[]> {
  return ctx.store.devices.listByProfile(caller.profile.id);
}

/** Contract §8 configure-meta: `name` renames; every other field merges into meta. */
export async function configureMeta(
  ctx: EngineContext,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<string> {
  const fields = freeFormFields(input, ['deviceIdentifier', 'name']);
  const device = await ownDevice(ctx.store, caller, String(input.deviceIdentifier));
  if (Object.keys(mergeMeta(device.meta, fields)).length > MAX_META_FIELDS) {
    throw invalid('body', `meta would hold more than ${MAX_META_FIELDS} fields`);
  }
  const name = typeof input.name === 'string' ? input.name : undefined;
  return ctx.commands.accept(deviceCommands(ctx).configureMeta, caller.profile.id, {
    deviceId: device.id,
    ...(name !== undefined ? { name } : {}),
    fields,
  });
}

export async function approveDevice(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(deviceCommands(ctx).approve, caller.profile.id, {
    deviceId: device.id,
  });
}

export async function rejectDevice(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(deviceCommands(ctx).reject, caller.profile.id, {
    deviceId: device.id,
  });
}

export async function removeDevice(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<string> {
  const device = await ownDevice(ctx.store, caller, deviceIdentifier);
  return ctx.commands.accept(deviceCommands(ctx).remove, caller.profile.id, {
    deviceId: device.id,
  });
}

/**
 * Contract §8: download-device-configuration is "open to the owner and to owners/admins of a
 * directory the owner belongs to". This engine narrows the second half to devices a directory
 * made for the member (create-profile-device) and to the admins directory-reach.ts lets act on
 * that member: a device the member made or paired itself stays the member's alone. (Only a
 * profile token gets this far: token-access.ts.)
 */
async function configurableDevice(
  repos: StoreRepos,
  caller: Caller,
  deviceIdentifier: string,
): Promise<DeviceRecord> {
  if (!isId(deviceIdentifier)) throw notFound.device();
  const device = await repos.devices.byId(deviceIdentifier);
  if (!device) throw notFound.device();
  if (device.profileId === caller.profile.id) return device;
  if (await directoryMayConfigure(repos, caller.profile.id, device)) return device;
  throw notFound.device();
}

/**
 * Contract §8 download-device-configuration: the bundle a device runtime starts from. Every
 * call issues a new 30-day device token; earlier ones live on until they expire.
 */
export async function downloadDeviceConfiguration(
  ctx: EngineContext,
  caller: Caller,
  deviceIdentifier: string,
): Promise<DeviceBundle> {
  // The check and the issue share one transaction: a removal cannot slip in between and leave
  // a live token for a device that is gone.
  const { device, issued } = await ctx.store.atomic(async (tx) => {
    const found = await configurableDevice(tx, caller, deviceIdentifier);
    if (found.status !== 'approved') {
      throw new DomainError(
        409,
        'device.not_approved',
        'The device is not approved yet; approve it first (POST /device/approve-device).',
      );
    }
    return {
      device: found,
      issued: await issueToken(tx, {
        kind: 'device',
        profileId: found.profileId,
        deviceId: found.id,
        issuedBy: found.profileId === caller.profile.id ? null : caller.profile.id,
        ttlMs: DEVICE_TOKEN_TTL_MS,
        now: ctx.now(),
      }),
    };
  });
  return {
    deviceIdentifier: device.id,
    engine: {
      apiUrl: ctx.urls.apiUrl,
      wsUrl: ctx.urls.wsUrl,
      ...(ctx.urls.tlsPin ? { tlsPin: ctx.urls.tlsPin } : {}),
    },
    // Contract §9: how this device reaches the bus (on RabbitMQ, its own user and queue).
    bus: await ctx.bus.bundleBus(device.id),
    deviceToken: issued.authorizationToken,
    deviceTokenExpiresAt: isoSeconds(issued.expiresAt),
    keys: {
      public: device.publicKey,
      ...(device.privateKeySealed !== null
        ? {
            private: unseal(
              ctx.secrets.sealKey,
              device.privateKeySealed,
              privateKeyPurpose(device.id),
            ),
          }
        : {}),
    },
  };
}

/**
 * The device bus's credential check: the caller behind a live device token of an approved device
 * (resolveCaller), or undefined. Which roles may connect is token-access.ts's to say.
 */
export async function authenticateDevice(
  repos: StoreRepos,
  deviceToken: string,
  now: number,
): Promise<Caller | undefined> {
  try {
    const caller = await resolveCaller(repos, deviceToken, now);
    return caller.device ? caller : undefined;
  } catch {
    return undefined;
  }
}
