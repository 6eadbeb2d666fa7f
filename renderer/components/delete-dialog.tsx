import type { FileItem } from '../../bridge/types.ts';
import { displayName } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

export function DeleteDialog({ file, onClose }: { file: FileItem; onClose: () => void }) {
  const deleteFile = useAppStore((s) => s.deleteFile);
  const { busy, error, run } = useDialogAction(onClose);
  const name = displayName(file);

  const submit = async () => {
    await run(() => deleteFile(file.token));
  };

  return (
    <Dialog
      title={`Delete “${name}”?`}
      description={
        <p>
          <strong>{name}</strong> will be removed from the vault and from every storage device that
          holds it. This can't be undone.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="delete-dialog"
    />
  );
}
