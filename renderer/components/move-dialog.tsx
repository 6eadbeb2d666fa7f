import { useState } from 'react';
import type { FileItem } from '../../bridge/types.ts';
import { resolveFolderPath } from '../model/folder-path.ts';
import { displayName } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';
import { FolderPicker } from './folder-picker.tsx';
import { TextField } from './text-field.tsx';

export function MoveDialog({ file, onClose }: { file: FileItem; onClose: () => void }) {
  const moveFile = useAppStore((s) => s.moveFile);
  const [folder, setFolder] = useState(file.context || '/');
  const { busy, error, setError, run } = useDialogAction(onClose);
  const resolved = resolveFolderPath(folder, null);

  const submit = async () => {
    if (!resolved.ok) return setError(resolved.error);
    if (resolved.context === file.context) return onClose();
    await run(() => moveFile(file.token, resolved.context));
  };

  const change = (value: string) => {
    setFolder(value);
    setError(null);
  };

  return (
    <Dialog
      title={`Move “${displayName(file)}”`}
      description={<p>Pick a folder, or type a path to a new one.</p>}
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      testId="move-dialog"
    >
      <FolderPicker value={resolved.ok ? resolved.context : folder} onPick={change} />
      <TextField
        label="Folder"
        value={folder}
        onChange={change}
        hint='Paths start with "/", for example /finance/2026.'
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
        testId="move-input"
      />
    </Dialog>
  );
}
