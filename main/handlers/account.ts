import type { HandlerTable } from '../../bridge/vault-api.ts';
import { changeAccountPassword } from '../../client/change-password.ts';
import {
  exportRecoveryKit,
  importRecoveryKit,
  recoveryKitFileName,
} from '../../client/recovery-kit-file.ts';
import type { VaultApp } from '../vault-app.ts';

type AccountChannels =
  | 'account:get'
  | 'account:changePassword'
  | 'account:signOutEverywhere'
  | 'account:exportRecoveryKit'
  | 'account:importRecoveryKit';

export function accountHandlers(app: VaultApp): Pick<HandlerTable, AccountChannels> {
  return {
    'account:get': async () => app.account(),
    'account:changePassword': ({ currentPassword, newPassword }) =>
      changeAccountPassword(app.session(), currentPassword, newPassword, {
        // A profile policy may hold the change for a vote; the Account screen shows the wait.
        onHold: app.holds().tracker('password-change', null, 'Password change'),
      }),
    'account:signOutEverywhere': () => app.signOutEverywhere(),
    'account:exportRecoveryKit': async ({ passphrase, target }) => {
      const { profileId, username } = app.account();
      const file =
        target ??
        (await app.platform.chooseRecoveryKitTarget(recoveryKitFileName(username, profileId)));
      if (!file) return null;
      // The save dialog asked before replacing a file; a path from the window never replaces one.
      await exportRecoveryKit(app.secrets, { profileId, username }, passphrase, file, {
        replace: target === undefined,
      });
      return file;
    },
    'account:importRecoveryKit': async ({ passphrase, path }) => {
      const { profileId } = app.account();
      const file = path ?? (await app.platform.openRecoveryKit());
      if (!file) return null;
      const kit = await importRecoveryKit(app.secrets, file, passphrase, profileId);
      return app.adoptKeys(kit.dataKey, kit.privateKey);
    },
  };
}
