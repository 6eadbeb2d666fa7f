// storage [list | add-local DIR [--name N] | add-remote NAME --out FILE | sync ID | remove ID]

import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import {
  listStorageDevices,
  removeStorage,
  synchronizeStorage,
} from '../../client/endpoints/storage.ts';
import {
  createStorageDeviceBundle,
  writeDeviceBundle,
} from '../../client/storage-device-bundle.ts';
import { expectArgs, stringOption, type CommandSpec } from '../command-spec.ts';
import { formatBytes, formatTable, formatTime } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const storageCommand: CommandSpec = {
  name: 'storage',
  synopsis: [
    'storage [list]',
    'storage add-local DIR [--name N]',
    'storage add-remote NAME --out BUNDLE.json',
    'storage sync ID',
    'storage remove ID',
  ],
  summary:
    'List storage devices, add a local folder or another host as one, copy existing files to one, remove one.',
  details: [
    'add-remote makes a storage device for another host and writes its configuration bundle (it',
    "holds the device token and the engine's TLS pin; the file is private to you). On that host:",
    '  npm run storage-device -- --config BUNDLE.json --dir FOLDER',
  ],
  options: { name: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, { positionals, values }) {
    const [action = 'list', ...rest] = positionals;
    if (!['list', 'add-local', 'add-remote', 'sync', 'remove'].includes(action)) {
      throw new UsageError(
        `storage: unknown action "${action}"; use list, add-local, add-remote, sync or remove.`,
        'storage',
      );
    }
    if (action !== 'add-local' && values['name'] !== undefined)
      throw new UsageError('storage: --name goes with add-local only.', 'storage');
    if (action !== 'add-remote' && values['out'] !== undefined)
      throw new UsageError('storage: --out goes with add-remote only.', 'storage');
    switch (action) {
      case 'list': {
        expectArgs(rest, 0, 0, 'storage', '');
        const session = await ctx.session();
        const devices = await listStorageDevices(session.http);
        const engine = await ctx.engine();
        const here = engine.embedded?.localStorage() ?? [];
        const local = new Map(here.map((device) => [device.deviceIdentifier, device.dir]));
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
        for (const device of here)
          if (device.problem)
            ctx.out.note(
              `${device.name} (${device.deviceIdentifier}) is not running: ${device.problem}`,
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
        const session = await ctx.session();
        const device = await engine.embedded
          .addLocalStorage(session.authorizationToken, dir, name === undefined ? {} : { name })
          .catch((error: unknown) => {
            // The host's StorageFolderRefused (engine/storage-folder.ts): a folder that cannot be one.
            if ((error as { reason?: unknown } | null)?.reason === 'storage.folder_refused')
              throw new UsageError(`storage add-local: ${(error as Error).message}`, 'storage');
            throw error;
          });
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
      case 'add-remote': {
        expectArgs(rest, 1, 1, 'storage add-remote', 'the device name');
        const name = rest[0]!;
        if (name === '' || name.length > 255)
          throw new UsageError('storage add-remote: the name must be 1–255 characters.', 'storage');
        const out = stringOption(values, 'out');
        if (out === undefined)
          throw new UsageError('storage add-remote: --out BUNDLE.json is required.', 'storage');
        const target = resolve(out);
        const engine = await ctx.engine();
        if (engine.embedded) {
          throw new UsageError(
            'storage add-remote needs an engine other hosts can reach (--engine URL); the embedded engine answers only on this machine. Use storage add-local for a folder here.',
            'storage',
          );
        }
        // Checked before the device is made: a bundle that cannot be written leaves a device
        // nobody can run.
        if (await exists(target))
          throw new UsageError(`storage add-remote: ${target} exists already.`, 'storage');
        if (!(await stat(dirname(target)).catch(() => undefined))?.isDirectory())
          throw new UsageError(
            `storage add-remote: the folder ${dirname(target)} does not exist.`,
            'storage',
          );
        const session = await ctx.session();
        const bundle = await createStorageDeviceBundle(session, name);
        await writeDeviceBundle(target, bundle);
        ctx.out.result(
          [
            `Added storage device ${bundle.deviceIdentifier} (${name}); its configuration is in ${target}.`,
            'Copy it to the host, keep it private (it holds the device token), and run there:',
            `  npm run storage-device -- --config ${basename(target)} --dir FOLDER`,
          ],
          {
            deviceIdentifier: bundle.deviceIdentifier,
            name,
            bundle: target,
            tlsPin: bundle.engine.tlsPin ?? null,
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

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
