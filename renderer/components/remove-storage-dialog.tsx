import { useId, useState } from 'react';
import type { StorageDeviceInfo } from '../../bridge/types.ts';
import { deviceLabel } from '../model/device-words.ts';
import { storageSelectors, useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

/**
 * Removing a storage device. Removing the last one is not like removing another: no file can be
 * opened afterwards, so the dialog says so plainly and asks for a tick before it will go ahead.
 */
export function RemoveStorageDialog({
  device,
  onClose,
}: {
  device: StorageDeviceInfo;
  onClose: () => void;
}) {
  const removeStorage = useAppStore((s) => s.removeStorage);
  const devices = useAppStore(storageSelectors.devices);
  const files = useAppStore(storageSelectors.health)?.files ?? 0;
  const { busy, error, run } = useDialogAction(onClose);
  const [understood, setUnderstood] = useState(false);
  const checkId = useId();
  const name = deviceLabel(device.name);
  const last = devices.every((d) => d.deviceIdentifier === device.deviceIdentifier);
  const fileWords = files === 1 ? '1 file' : `${files} files`;

  const submit = async () => {
    await run(() => removeStorage(device.deviceIdentifier));
  };

  const folderNote = device.dir ? (
    <>
      . Its folder <code>{device.dir}</code> is left as it is
    </>
  ) : null;

  return (
    <Dialog
      title={last ? `Remove “${name}”, your last storage device?` : `Remove “${name}”?`}
      description={
        last ? (
          <>
            <p>
              <strong>{name}</strong> is the only storage device left{folderNote}. Without it,{' '}
              {files > 0 ? (
                <>
                  <strong>none of your {fileWords} can be opened</strong>, and{' '}
                </>
              ) : null}
              no new file can be stored until you add another device.
            </p>
            <p>Add the new device and synchronize it first if you want to keep your files.</p>
          </>
        ) : (
          <p>
            <strong>{name}</strong> stops keeping copies of your files{folderNote}. Files it alone
            holds could become unreadable, so check the other devices first.
          </p>
        )
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel={last ? 'Remove the last device' : 'Remove'}
      confirmTone="danger"
      confirmDisabled={last && !understood}
      busy={busy}
      error={error}
      testId="remove-storage-dialog"
      fallbackFocus='[data-testid="add-storage-button"]'
    >
      {last ? (
        <label className="check-field" htmlFor={checkId}>
          <input
            id={checkId}
            type="checkbox"
            checked={understood}
            onChange={(event) => setUnderstood(event.target.checked)}
            data-testid="remove-last-storage-check"
          />
          <span>
            I understand that {files > 0 ? 'my files cannot be opened' : 'nothing can be stored'}{' '}
            until I add another storage device.
          </span>
        </label>
      ) : null}
    </Dialog>
  );
}
