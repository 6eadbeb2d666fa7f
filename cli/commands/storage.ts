// storage [list | add-local DIR [--name N] | sync ID | remove ID]

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  listStorageDevices,
  removeStorage,
  synchronizeStorage,
} from '../../client/endpoints/storage.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatBytes, formatTable, formatTime } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const storageCommand: CommandSpec = {
  name: 'storage',
  synopsis: [
    'storage [list]',
    'storage add-local DIR [--name N]',
    'storage sync ID',
    'storage remove ID',
  ],
  summary:
    'List storage devices, add a local folder as one, copy existing files to one, remove one.',
  options: { name: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const [action = 'list', ...rest] = positionals;
    if (!['list', 'add-local', 'sync', 'remove'].includes(action)) {
      throw new UsageError(
        `storage: unknown action "${action}"; use list, add-local, sync or remove.`,
        'storage',
      );
    }
    if (action !== 'add-local' && values['name'] !== undefined)
      throw new UsageError('storage: --name goes with add-local only.', 'storage');
    switch (action) {
      case 'list': {
        expectArgs(rest, 0, 0, 'storage', '');
        const session = await ctx.session();
        const devices = await listStorageDevices(session.http);
        const engine = await ctx.engine();
        const local = new Map(
          (engine.embedded?.localStorage() ?? []).map((device) => [
            device.deviceIdentifier,
            device.dir,
          ]),
        );
        const rows = devices.map((device) => [
          device.deviceIdentifier,
          device.name,
          device.online ? 'online' : 'offline',
          String(device.storedTokens),
          formatBytes(device.storedBytes),
          formatTime(device.lastSeenAt),
          local.get(device.deviceIdentifier) ?? '-',
        ]);
        ctx.out.result(
          devices.length === 0
            ? 'No storage devices.'
            : formatTable(['ID', 'NAME', 'STATE', 'FILES', 'BYTES', 'LAST SEEN', 'FOLDER'], rows),
          {
            storageDevices: devices.map((device) => ({
              ...device,
              dir: local.get(device.deviceIdentifier) ?? null,
            })),
          },
        );
        return;
      }
      case 'add-local': {
        expectArgs(rest, 1, 1, 'storage add-local', 'the folder');
        const name = stringOption(values, 'name');
        if (name !== undefined && (name === '' || name.length > 255))
          throw new UsageError('storage add-local: --name must be 1–255 characters.', 'storage');
        const engine = await ctx.engine();
        if (!engine.embedded) {
          throw new UsageError(
            'storage add-local runs the folder as a device of the embedded engine; with --engine, run a storage device beside that engine (npm run storage-device -- --config BUNDLE.json --dir FOLDER).',
            'storage',
          );
        }
        const dir = resolve(rest[0]!);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const session = await ctx.session();
        const device = await engine.embedded.addLocalStorage(
          session.authorizationToken,
          dir,
          name === undefined ? {} : { name },
        );
        ctx.out.result(
          [
            `Added storage device ${device.deviceIdentifier} (${device.name}) in ${device.dir}.`,
            `New files go to it from now on; copy the existing ones with: privicore-vault storage sync ${device.deviceIdentifier}`,
          ],
          {
            deviceIdentifier: device.deviceIdentifier,
            name: device.name,
            dir: device.dir,
            state: device.state,
          },
        );
        return;
      }
      case 'sync': {
        expectArgs(rest, 1, 1, 'storage sync', 'the device ID');
        const deviceIdentifier = rest[0]!;
        const session = await ctx.session();
        const result = await session.run(
          () => synchronizeStorage(session.http, { deviceIdentifier }),
          { timeoutMs: 30 * 60_000 },
        );
        const human = result
          ? `Synchronized ${deviceIdentifier}: copied ${result.copied}, ${result.missing} without an intact source.`
          : `Synchronized ${deviceIdentifier}.`;
        ctx.out.result(human, {
          deviceIdentifier,
          copied: result?.copied ?? null,
          missing: result?.missing ?? null,
        });
        return;
      }
      case 'remove': {
        expectArgs(rest, 1, 1, 'storage remove', 'the device ID');
        const deviceIdentifier = rest[0]!;
        const session = await ctx.session();
        await session.run(() => removeStorage(session.http, { deviceIdentifier }));
        const engine = await ctx.engine();
        const forgotten = (await engine.embedded?.forgetLocalStorage(deviceIdentifier)) ?? false;
        ctx.out.result(
          `Removed storage device ${deviceIdentifier}${forgotten ? ' (its folder is left as it was)' : ''}.`,
          { deviceIdentifier, removed: true },
        );
        return;
      }
    }
  },
};
