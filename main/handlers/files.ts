import type { HandlerTable } from '../../bridge/vault-api.ts';
import {
  configureInformationSecurityRiskMeta,
  deleteData,
  listDataTokens,
} from '../../client/endpoints/data-token.ts';
import { listStorageDevices } from '../../client/endpoints/storage.ts';
import { listAllContexts, findDataToken, toFileItem } from '../../client/vault/file-catalog.ts';
import {
  deleteFolder,
  moveFile,
  renameFile,
  renameFolder,
} from '../../client/vault/folder-changes.ts';
import type { VaultApp } from '../vault-app.ts';

type FileChannels =
  | 'files:list'
  | 'files:contexts'
  | 'files:details'
  | 'files:choose'
  | 'files:upload'
  | 'files:download'
  | 'files:downloadMany'
  | 'files:cancel'
  | 'files:retry'
  | 'files:showInFolder'
  | 'files:forget'
  | 'files:transfers'
  | 'files:rename'
  | 'files:move'
  | 'files:classify'
  | 'files:delete'
  | 'files:renameFolder'
  | 'files:deleteFolder';

export function fileHandlers(app: VaultApp): Pick<HandlerTable, FileChannels> {
  return {
    'files:list': async ({ folder, ...query }) => {
      const list = await listDataTokens(app.session().http, {
        ...query,
        // `folder` (an extension of this engine) keeps /taxes out of /tax; the contract's prefix
        // beside it narrows the list where an engine lacks the extension.
        ...(folder && folder !== '/' ? { folder, context: folder } : {}),
      });
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
    'files:choose': (input) =>
      input?.kind === 'folders' ? app.platform.chooseUploadFolders() : app.platform.chooseFiles(),
    'files:upload': ({ paths, context }) => app.transfers.upload(paths, context),
    'files:download': async ({ token, fileName, target }) => {
      app.session();
      const chosen = target ?? (await app.platform.chooseSaveTarget(fileName));
      if (!chosen) return null;
      // The save dialog asked before replacing a file; a path from the window never replaces one.
      return app.transfers.download(token, fileName, chosen, target === undefined);
    },
    'files:downloadMany': ({ files }) => app.transfers.downloadMany(files),
    'files:cancel': async ({ transferId }) => app.transfers.queue.cancel(transferId),
    'files:retry': ({ transferId }) => app.transfers.retry(transferId),
    'files:showInFolder': async ({ transferId }) => app.transfers.showInFolder(transferId),
    'files:forget': async ({ transferIds }) => app.transfers.forget(transferIds),
    'files:transfers': async () => app.transfers.queue.list(),
    'files:rename': ({ token, fileName, extension }) =>
      renameFile(app.session(), token, fileName, extension),
    'files:move': ({ token, context }) => moveFile(app.session(), token, context),
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
    'files:renameFolder': async ({ from, to }) => ({
      files: await renameFolder(app.session(), from, to),
    }),
    'files:deleteFolder': async ({ folder }) => ({
      files: await deleteFolder(app.session(), folder),
    }),
  };
}
