import { useState } from 'react';
import { resolveFolderPath } from '../model/folder-path.ts';
import { filesSelectors, useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { TextField } from './text-field.tsx';

/**
 * Folders exist only as the path part of files, so a new folder is a place to go: it opens
 * empty, and files added there make it real.
 */
export function NewFolderDialog({ onClose }: { onClose: () => void }) {
  const parent = useAppStore(filesSelectors.context);
  const openFolder = useAppStore((s) => s.openFolder);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = () => {
    const resolved = resolveFolderPath(name, parent);
    if (!resolved.ok) return setError(resolved.error);
    onClose();
    openFolder(resolved.context);
  };

  return (
    <Dialog
      title="New folder"
      description={
        <p>
          {parent ? (
            <>
              Creates it inside <strong>{parent}</strong>.
            </>
          ) : (
            'Creates it at the top level.'
          )}{' '}
          The folder is kept once you add files to it.
        </p>
      }
      onClose={onClose}
      onSubmit={submit}
      error={null}
      confirmLabel="Create"
      testId="new-folder-dialog"
      fallbackFocus='[data-testid="folder-tree"] [role="treeitem"][tabindex="0"]'
    >
      <TextField
        label="Folder name"
        value={name}
        onChange={(value) => {
          setName(value);
          setError(null);
        }}
        error={error}
        hint='Use "/" to make several levels at once, e.g. taxes/2026.'
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
        testId="new-folder-input"
      />
    </Dialog>
  );
}
