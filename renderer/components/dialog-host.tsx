import { uiSelectors, useAppStore } from '../store/index.ts';
import { ClassifyDialog } from './classify-dialog.tsx';
import { DeleteDialog } from './delete-dialog.tsx';
import { MoveDialog } from './move-dialog.tsx';
import { NewFolderDialog } from './new-folder-dialog.tsx';
import { RenameDialog } from './rename-dialog.tsx';

/** Shows whichever dialog the store says is open; at most one at a time. */
export function DialogHost() {
  const dialog = useAppStore(uiSelectors.dialog);
  const closeDialog = useAppStore((s) => s.closeDialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'rename':
      return <RenameDialog key={dialog.file.token} file={dialog.file} onClose={closeDialog} />;
    case 'move':
      return <MoveDialog key={dialog.file.token} file={dialog.file} onClose={closeDialog} />;
    case 'classify':
      return <ClassifyDialog key={dialog.file.token} file={dialog.file} onClose={closeDialog} />;
    case 'delete':
      return <DeleteDialog key={dialog.file.token} file={dialog.file} onClose={closeDialog} />;
    case 'new-folder':
      return <NewFolderDialog onClose={closeDialog} />;
  }
}
