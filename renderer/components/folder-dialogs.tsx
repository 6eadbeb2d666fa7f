import { useEffect, useState } from 'react';
import { contextName } from '../model/context-tree.ts';
import { resolveFolderPath } from '../model/folder-path.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { TextField } from './text-field.tsx';
import { useDialogAction } from './use-dialog-action.ts';

const FOLDER_FOCUS = '[data-testid="folder-tree"] [role="treeitem"][tabindex="0"]';

/**
 * Renames a folder: a plain name stays beside it ("2025" → "/finance/2025"); a path starting
 * with "/" moves it anywhere. Its files and subfolders go with it.
 */
export function RenameFolderDialog({ folder, onClose }: { folder: string; onClose: () => void }) {
  const renameFolder = useAppStore((s) => s.renameFolder);
  const [name, setName] = useState(contextName(folder) ?? '');
  const { busy, error, setError, run } = useDialogAction(onClose);
  const parent = folder.slice(0, folder.lastIndexOf('/')) || null;

  const submit = async () => {
    const resolved = resolveFolderPath(name, parent);
    if (!resolved.ok) return setError(resolved.error);
    if (resolved.context === '/') return setError('Enter a folder name.');
    if (resolved.context === folder) return onClose();
    await run(() => renameFolder(folder, resolved.context));
  };

  return (
    <Dialog
      title={`Rename folder “${contextName(folder)}”`}
      description={<p>Its files and subfolders go with it.</p>}
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel="Rename"
      busy={busy}
      testId="rename-folder-dialog"
      fallbackFocus={FOLDER_FOCUS}
    >
      <TextField
        label="Folder name"
        value={name}
        onChange={(value) => {
          setName(value);
          setError(null);
        }}
        error={error}
        hint='A path starting with "/" moves the folder, for example /archive/2025.'
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
        testId="rename-folder-input"
      />
    </Dialog>
  );
}

/** Deletes a folder with everything in it, after saying how many files that is. */
export function DeleteFolderDialog({ folder, onClose }: { folder: string; onClose: () => void }) {
  const deleteFolder = useAppStore((s) => s.deleteFolder);
  const countFolder = useAppStore((s) => s.countFolder);
  const notify = useAppStore((s) => s.notify);
  const [count, setCount] = useState<number | null | undefined>(undefined);
  const { busy, error, run } = useDialogAction(onClose);
  const name = contextName(folder) ?? folder;

  useEffect(() => {
    let live = true;
    void countFolder(folder).then((n) => live && setCount(n));
    return () => {
      live = false;
    };
  }, [countFolder, folder]);

  const files = count === 1 ? '1 file' : `${count} files`;
  const submit = async () => {
    await run(async () => {
      const failure = await deleteFolder(folder);
      if (!failure)
        notify(`Deleted the folder ${name}${count ? ` and its ${files}` : ''}.`, 'success');
      return failure;
    });
  };

  return (
    <Dialog
      title={`Delete folder “${name}”?`}
      description={
        <p data-testid="delete-folder-count">
          {count === undefined
            ? 'Counting the files in it…'
            : count === null
              ? `Every file in ${folder} and its subfolders will be removed from the vault. This can't be undone.`
              : count === 0
                ? `${folder} holds no files.`
                : `${files} in ${folder} and its subfolders will be removed from the vault and from every storage device. This can't be undone.`}
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel={count ? `Delete folder and ${files}` : 'Delete folder'}
      confirmTone="danger"
      confirmDisabled={count === undefined}
      busy={busy}
      error={error}
      testId="delete-folder-dialog"
      fallbackFocus={FOLDER_FOCUS}
    />
  );
}

/** Signing out while transfers run: stop them (uploads are offered again after sign-in), or not. */
export function SignOutDialog({ running, onClose }: { running: number; onClose: () => void }) {
  const signOut = useAppStore((s) => s.signOut);
  const { busy, run } = useDialogAction(onClose);
  const them = running === 1 ? 'it' : 'them';
  return (
    <Dialog
      title={
        running === 1 ? 'A transfer is still running' : `${running} transfers are still running`
      }
      description={
        <p>
          Signing out stops {them}. Uploads that are stopped are listed when you sign in again, with
          Retry.
        </p>
      }
      onClose={onClose}
      onSubmit={() =>
        void run(async () => {
          await signOut();
          return null;
        })
      }
      confirmLabel={`Cancel ${them} and sign out`}
      cancelLabel="Keep going"
      confirmTone="danger"
      busy={busy}
      testId="sign-out-dialog"
      fallbackFocus='[data-testid="sign-out-button"]'
    />
  );
}
