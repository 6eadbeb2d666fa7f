import { uiSelectors, useAppStore } from '../store/index.ts';
import { AddRemoteStorageDialog } from './add-remote-storage-dialog.tsx';
import { AppCredentialsDialog } from './app-credentials-dialog.tsx';
import { ApproveDeviceDialog } from './approve-device-dialog.tsx';
import { ConsentDialog } from './consent-dialog.tsx';
import { RegisterAppDialog } from './register-app-dialog.tsx';
import { RevokeAppAccessDialog, RevokeAppDialog } from './revoke-app-dialog.tsx';
import { ClassifyDialog } from './classify-dialog.tsx';
import { DeleteDialog } from './delete-dialog.tsx';
import { ExportKitDialog } from './export-kit-dialog.tsx';
import { DeleteFolderDialog, RenameFolderDialog, SignOutDialog } from './folder-dialogs.tsx';
import { ImportKitDialog } from './import-kit-dialog.tsx';
import { JoinSignedInDialog } from './join-signed-in-dialog.tsx';
import { MoveDialog } from './move-dialog.tsx';
import { NewFolderDialog } from './new-folder-dialog.tsx';
import {
  AddPersonDialog,
  AskTeamDialog,
  CreateOrganisationDialog,
  InvitePersonDialog,
  MemberDeviceDialog,
  MemberPasswordDialog,
  MemberRoleDialog,
} from './organisation-dialogs.tsx';
import { PairingJoinDialog } from './pairing-join-dialog.tsx';
import { RemoveDeviceDialog } from './remove-device-dialog.tsx';
import { RemoveStorageDialog } from './remove-storage-dialog.tsx';
import { RenameDeviceDialog } from './rename-device-dialog.tsx';
import { RenameDialog } from './rename-dialog.tsx';
import { SignOutEverywhereDialog } from './sign-out-everywhere-dialog.tsx';

/** Shows whichever dialog the store says is open; at most one at a time. */
export function DialogHost() {
  const dialog = useAppStore(uiSelectors.dialog);
  const closeDialog = useAppStore((s) => s.closeDialog);
  const closeConsent = useAppStore((s) => s.closeConsent);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'consent':
      return <ConsentDialog key={dialog.prompt.id} prompt={dialog.prompt} onClose={closeConsent} />;
    case 'register-app':
      return <RegisterAppDialog onClose={closeDialog} />;
    case 'app-credentials':
      return <AppCredentialsDialog credentials={dialog.credentials} onClose={closeDialog} />;
    case 'revoke-app':
      return (
        <RevokeAppDialog key={dialog.app.applicationId} app={dialog.app} onClose={closeDialog} />
      );
    case 'revoke-app-access':
      return (
        <RevokeAppAccessDialog key={dialog.app.clientId} app={dialog.app} onClose={closeDialog} />
      );
    case 'rename':
      return <RenameDialog key={dialog.file.token} file={dialog.file} onClose={closeDialog} />;
    case 'move':
      return <MoveDialog files={dialog.files} onClose={closeDialog} />;
    case 'classify':
      return <ClassifyDialog files={dialog.files} onClose={closeDialog} />;
    case 'delete':
      return <DeleteDialog files={dialog.files} onClose={closeDialog} />;
    case 'rename-folder':
      return (
        <RenameFolderDialog key={dialog.folder} folder={dialog.folder} onClose={closeDialog} />
      );
    case 'delete-folder':
      return (
        <DeleteFolderDialog key={dialog.folder} folder={dialog.folder} onClose={closeDialog} />
      );
    case 'sign-out':
      return <SignOutDialog running={dialog.running} onClose={closeDialog} />;
    case 'new-folder':
      return <NewFolderDialog onClose={closeDialog} />;
    case 'rename-device':
      return (
        <RenameDeviceDialog
          key={dialog.device.deviceIdentifier}
          device={dialog.device}
          onClose={closeDialog}
        />
      );
    case 'remove-device':
      return (
        <RemoveDeviceDialog
          key={dialog.device.deviceIdentifier}
          device={dialog.device}
          onClose={closeDialog}
        />
      );
    case 'remove-storage':
      return (
        <RemoveStorageDialog
          key={dialog.device.deviceIdentifier}
          device={dialog.device}
          onClose={closeDialog}
        />
      );
    case 'export-kit':
      return <ExportKitDialog onClose={closeDialog} />;
    case 'import-kit':
      return <ImportKitDialog onClose={closeDialog} />;
    case 'join-signed-in':
      return <JoinSignedInDialog onClose={closeDialog} />;
    case 'approve-device':
      return (
        <ApproveDeviceDialog
          key={dialog.device.deviceIdentifier}
          device={dialog.device}
          onClose={closeDialog}
        />
      );
    case 'pairing-join':
      return (
        <PairingJoinDialog
          key={dialog.join.deviceIdentifier}
          join={dialog.join}
          onClose={closeDialog}
        />
      );
    case 'sign-out-everywhere':
      return <SignOutEverywhereDialog onClose={closeDialog} />;
    case 'org-create':
      return <CreateOrganisationDialog onClose={closeDialog} />;
    case 'org-add-person':
      return <AddPersonDialog onClose={closeDialog} />;
    case 'org-invite':
      return <InvitePersonDialog onClose={closeDialog} />;
    case 'org-ask':
      return <AskTeamDialog onClose={closeDialog} />;
    case 'org-role':
      return (
        <MemberRoleDialog
          key={dialog.member.profileId}
          member={dialog.member}
          onClose={closeDialog}
        />
      );
    case 'org-password':
      return (
        <MemberPasswordDialog
          key={dialog.member.profileId}
          member={dialog.member}
          onClose={closeDialog}
        />
      );
    case 'org-device':
      return (
        <MemberDeviceDialog
          key={`${dialog.member.profileId}-${String(dialog.storage)}`}
          member={dialog.member}
          storage={dialog.storage}
          onClose={closeDialog}
        />
      );
    case 'add-remote-storage':
      return <AddRemoteStorageDialog onClose={closeDialog} />;
  }
}
