import { useState } from 'react';
import { checkDeviceName } from '../model/device-words.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { TextField } from './text-field.tsx';
import { useDialogAction } from './use-dialog-action.ts';

/**
 * A storage device on another computer (a NAS, a server at home): names it, then the save dialog
 * asks where its configuration file goes. That file is what the other computer runs with.
 */
export function AddRemoteStorageDialog({ onClose }: { onClose: () => void }) {
  const addRemoteStorage = useAppStore((s) => s.addRemoteStorage);
  const [name, setName] = useState('Storage on another computer');
  const { busy, error, setError, run } = useDialogAction(onClose);

  const submit = async () => {
    const typed = name.trim();
    const problem = checkDeviceName(typed);
    if (problem) return setError(problem);
    await run(() => addRemoteStorage(typed));
  };

  return (
    <Dialog
      title="Add storage on another computer"
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      confirmLabel="Save its configuration"
      testId="add-remote-storage-dialog"
      fallbackFocus='[data-testid="add-remote-storage-button"]'
      description={
        <>
          <p>
            This makes a storage device for your vault and saves its configuration file. Copy the
            file to the other computer and start the device there with{' '}
            <code>npm run storage-device -- --config FILE --dir FOLDER</code>. It keeps encrypted
            copies of your files and never sees their contents.
          </p>
          <p>
            The file lets that computer act as this storage device: keep it private, and delete it
            once the device runs.
          </p>
        </>
      }
    >
      <TextField
        label="Device name"
        value={name}
        onChange={(value) => {
          setName(value);
          setError(null);
        }}
        error={error}
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
      />
    </Dialog>
  );
}
