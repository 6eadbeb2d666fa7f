// devices [list | approve ID | reject ID | rename ID NAME | remove ID]

import { shareDataKey } from '../../client/data-key-share.ts';
import {
  approveDevice,
  configureMeta,
  rejectDevice,
  removeDevice,
  retrieveProfileDevices,
} from '../../client/endpoints/device.ts';
import { expectArgs, type CommandSpec } from '../command-spec.ts';
import { describeError } from '../describe-error.ts';
import { formatTable, formatTime } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const devicesCommand: CommandSpec = {
  name: 'devices',
  synopsis: [
    'devices [list]',
    'devices approve ID',
    'devices reject ID',
    'devices rename ID NAME',
    'devices remove ID',
  ],
  summary: "List the profile's devices, approve or reject new ones, rename or remove them.",
  async run(ctx, { positionals }) {
    const [action = 'list', ...rest] = positionals;
    const session = await (async () => {
      if (!['list', 'approve', 'reject', 'rename', 'remove'].includes(action)) {
        throw new UsageError(
          `devices: unknown action "${action}"; use list, approve, reject, rename or remove.`,
          'devices',
        );
      }
      return ctx.session();
    })();
    switch (action) {
      case 'list': {
        expectArgs(rest, 0, 0, 'devices', '');
        const devices = await retrieveProfileDevices(session.http);
        const rows = devices.map((device) => [
          device.deviceIdentifier,
          device.name,
          device.status,
          device.role ?? '-',
          formatTime(device.createdAt),
        ]);
        ctx.out.result(
          devices.length === 0
            ? 'No devices.'
            : formatTable(['ID', 'NAME', 'STATUS', 'ROLE', 'CREATED'], rows),
          { devices },
        );
        return;
      }
      case 'approve': {
        expectArgs(rest, 1, 1, 'devices', 'the device ID');
        const deviceIdentifier = rest[0]!;
        await session.run(() => approveDevice(session.http, { deviceIdentifier }));
        // An approved device gets the data key, wrapped to its own public key.
        let shared = false;
        if (session.dataKey) {
          try {
            await shareDataKey(session, deviceIdentifier, session.dataKey);
            shared = true;
          } catch (error) {
            ctx.out.note(
              `Approved, but the data key could not be shared with it: ${describeError(error)}`,
            );
          }
        }
        ctx.out.result(
          `Approved ${deviceIdentifier}${shared ? ' and shared the data key with it' : ''}.`,
          { deviceIdentifier, approved: true, dataKeyShared: shared },
        );
        return;
      }
      case 'reject': {
        expectArgs(rest, 1, 1, 'devices', 'the device ID');
        const deviceIdentifier = rest[0]!;
        await session.run(() => rejectDevice(session.http, { deviceIdentifier }));
        ctx.out.result(`Rejected ${deviceIdentifier}.`, { deviceIdentifier, rejected: true });
        return;
      }
      case 'rename': {
        expectArgs(rest, 2, 2, 'devices', 'the device ID and the new name');
        const [deviceIdentifier, name] = rest as [string, string];
        if (name === '' || name.length > 255)
          throw new UsageError('devices rename: the name must be 1–255 characters.', 'devices');
        await session.run(() => configureMeta(session.http, { deviceIdentifier, name }));
        ctx.out.result(`Renamed ${deviceIdentifier} to ${name}.`, { deviceIdentifier, name });
        return;
      }
      case 'remove': {
        expectArgs(rest, 1, 1, 'devices', 'the device ID');
        const deviceIdentifier = rest[0]!;
        await session.run(() => removeDevice(session.http, { deviceIdentifier }));
        const engine = await ctx.engine();
        await engine.embedded?.forgetLocalStorage(deviceIdentifier);
        ctx.out.result(`Removed ${deviceIdentifier}.`, { deviceIdentifier, removed: true });
        return;
      }
    }
  },
};
