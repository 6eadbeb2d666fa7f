import type { FileItem } from '../../bridge/types.ts';
import { describeBulk } from '../model/bulk-outcome.ts';
import { shownName } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { FileListPreview } from './file-list-preview.tsx';
import { useDialogAction } from './use-dialog-action.ts';

export function DeleteDialog({ files, onClose }: { files: FileItem[]; onClose: () => void }) {
  const deleteFile = useAppStore((s) => s.deleteFile);
  const deleteFiles = useAppStore((s) => s.deleteFiles);
  const notify = useAppStore((s) => s.notify);
  const { busy, error, run } = useDialogAction(onClose);
  const one = files.length === 1 ? files[0]! : null;
  const name = one ? shownName(one) : null;

  const submit = async () => {
    if (one) return run(() => deleteFile(one.token));
    await run(async () => {
      const outcome = await deleteFiles(files);
      if (outcome.done === 0) return { message: describeBulk(outcome, 'deleted') };
      notify(describeBulk(outcome, 'deleted'), outcome.failed.length > 0 ? 'warning' : 'success');
      return null;
    });
  };

  return (
    <Dialog
      title={one ? `Delete “${name}”?` : `Delete ${files.length} files?`}
      description={
        one ? (
          <p>
            <strong>{name}</strong> will be removed from the vault and from every storage device
            that holds it. This can't be undone.
          </p>
        ) : (
          <>
            <p>
              These files will be removed from the vault and from every storage device that holds
              them. This can't be undone.
            </p>
            <FileListPreview files={files} />
          </>
        )
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel={one ? 'Delete' : `Delete ${files.length} files`}
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="delete-dialog"
    />
  );
}
