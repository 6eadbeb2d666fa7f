import { useState } from 'react';
import type { FileItem } from '../../bridge/types.ts';
import { describeBulk } from '../model/bulk-outcome.ts';
import { resolveFolderPath } from '../model/folder-path.ts';
import { shownName } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';
import { FolderPicker } from './folder-picker.tsx';
import { TextField } from './text-field.tsx';

export function MoveDialog({ files, onClose }: { files: FileItem[]; onClose: () => void }) {
  const moveFile = useAppStore((s) => s.moveFile);
  const moveFiles = useAppStore((s) => s.moveFiles);
  const notify = useAppStore((s) => s.notify);
  const one = files.length === 1 ? files[0]! : null;
  const [folder, setFolder] = useState(one?.context || '/');
  const { busy, error, setError, run } = useDialogAction(onClose);
  const resolved = resolveFolderPath(folder, null);

  const submit = async () => {
    if (!resolved.ok) return setError(resolved.error);
    const moving = files.filter((file) => file.context !== resolved.context);
    if (moving.length === 0) return onClose();
    if (one) return run(() => moveFile(one.token, resolved.context));
    await run(async () => {
      const outcome = await moveFiles(moving, resolved.context);
      if (outcome.done === 0) return { message: describeBulk(outcome, 'moved') };
      notify(describeBulk(outcome, 'moved'), outcome.failed.length > 0 ? 'warning' : 'success');
      return null;
    });
  };

  const change = (value: string) => {
    setFolder(value);
    setError(null);
  };

  return (
    <Dialog
      title={one ? `Move “${shownName(one)}”` : `Move ${files.length} files`}
      description={<p>Pick a folder, or type a path to a new one.</p>}
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel={one ? 'Move' : `Move ${files.length} files`}
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
