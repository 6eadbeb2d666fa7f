import { useState } from 'react';
import type { FileItem } from '../../bridge/types.ts';
import { displayName } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';

export function DeleteDialog({ file, onClose }: { file: FileItem; onClose: () => void }) {
  const deleteFile = useAppStore((s) => s.deleteFile);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = displayName(file);

  const submit = async () => {
    setBusy(true);
    const failure = await deleteFile(file.token);
    setBusy(false);
    if (failure) setError(failure.message);
    else onClose();
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
