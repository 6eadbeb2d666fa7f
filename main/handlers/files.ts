import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileItem } from '../../bridge/types.ts';
import type { HandlerTable } from '../../bridge/vault-api.ts';
import { listAllContexts, findDataToken, toFileItem } from '../../client/vault/file-catalog.ts';
import {
  configureInformationSecurityRiskMeta,
  deleteData,
  listDataTokens,
  updateDataToken,
} from '../../client/endpoints/data-token.ts';
import { listStorageDevices } from '../../client/endpoints/storage.ts';
import type { ProgressListener } from '../../client/vault/transfer-progress.ts';
import type { VaultApp } from '../vault-app.ts';

type FileChannels =
  | 'files:list'
  | 'files:contexts'
  | 'files:details'
  | 'files:choose'
  | 'files:upload'
  | 'files:download'
  | 'files:cancel'
  | 'files:transfers'
  | 'files:rename'
  | 'files:move'
  | 'files:classify'
  | 'files:delete';

/** A transfer's progress, with a vote it waits for watched until it ends (contract §11). */
function watchHolds(
  app: VaultApp,
  operation: 'upload' | 'download',
  label: string,
  onProgress: ProgressListener,
): ProgressListener {
  return (progress) => {
    if (progress.phase === 'held' && progress.hold)
      app.holds().watch(progress.hold, operation, null, label);
    onProgress(progress);
  };
}

export function fileHandlers(app: VaultApp): Pick<HandlerTable, FileChannels> {
  return {
    'files:list': async (query) => {
      const list = await listDataTokens(app.session().http, query);
      return {
        items: list.items.map(toFileItem),
        count: list.meta.count,
        page: list.meta.page,
        perPage: list.meta.perPage,
      };
    },
    'files:contexts': () => listAllContexts(app.session().http),
    'files:details': async ({ token }) => {
      const session = app.session();
      const [item, devices] = await Promise.all([
        findDataToken(session.http, token),
        listStorageDevices(session.http),
      ]);
      return {
        ...item,
        storedBytes: null,
        // The contract has no per-token holder list: every registered storage device receives
        // every store (§9), so these are the devices that hold (or will be backfilled with) it.
        storageDevices: devices.map((device) => ({
          deviceIdentifier: device.deviceIdentifier,
          name: device.name,
          online: device.online,
        })),
      };
    },
    'files:choose': () => app.platform.chooseFiles(),
    'files:upload': async ({ paths, context }) => {
      const session = app.session();
      const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
      return app.transfers.enqueue(
        paths.map((path, index) => ({
          kind: 'upload' as const,
          name: basename(path),
          context,
          total: sizes[index]!,
          run: async (signal, onProgress) => {
            const stored = await session.storeFile(path, {
              context,
              signal,
              onProgress: watchHolds(app, 'upload', basename(path), onProgress),
            });
            return { token: stored.token };
          },
        })),
      );
    },
    'files:download': async ({ token, fileName, target }) => {
      const session = app.session();
      const chosen = target ?? (await app.platform.chooseSaveTarget(fileName));
      if (!chosen) return null;
      const item: FileItem | undefined = await findDataToken(session.http, token).catch(
        () => undefined,
      );
      const { transfers } = app.transfers.enqueue([
        {
          kind: 'download',
          name: fileName,
          context: item?.context ?? '/',
          total: item?.size ?? 0,
          target: chosen,
          run: async (signal, onProgress) => {
            const retrieved = await session.retrieveFile(token, chosen, {
              signal,
              onProgress: watchHolds(app, 'download', fileName, onProgress),
            });
            return { target: retrieved.target };
          },
        },
      ]);
      return transfers[0]!;
    },
    'files:cancel': async ({ transferId }) => app.transfers.cancel(transferId),
    'files:transfers': async () => app.transfers.list(),
    'files:rename': async ({ token, fileName, extension }) => {
      const session = app.session();
      // The engine keeps the extension apart; null/'' clears it, absent keeps it.
      await session.run(() =>
        updateDataToken(session.http, {
          token,
          fileName,
          ...(extension === undefined ? {} : { extension: extension ?? '' }),
        }),
      );
    },
    'files:move': async ({ token, context }) => {
      const session = app.session();
      await session.run(() => updateDataToken(session.http, { token, context }));
    },
    'files:classify': async ({ token, fields }) => {
      const session = app.session();
      await session.run(() =>
        configureInformationSecurityRiskMeta(session.http, { token, fields }),
      );
    },
    'files:delete': async ({ token }) => {
      const session = app.session();
      await session.run(() => deleteData(session.http, { token }), {
        onHold: app.holds().tracker('delete', token, 'File deletion'),
      });
    },
  };
}
