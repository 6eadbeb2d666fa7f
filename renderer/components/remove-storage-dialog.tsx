import type { StorageDeviceInfo } from '../../bridge/types.ts';
import { deviceLabel } from '../model/device-words.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

export function RemoveStorageDialog({
  device,
  onClose,
}: {
  device: StorageDeviceInfo;
  onClose: () => void;
}) {
  const removeStorage = useAppStore((s) => s.removeStorage);
  const { busy, error, run } = useDialogAction(onClose);
  const name = deviceLabel(device.name);

  const submit = async () => {
    await run(() => removeStorage(device.deviceIdentifier));
  };

  return (
    <Dialog
      title={`Remove “${name}”?`}
      description={
        <p>
          <strong>{name}</strong> stops keeping copies of your files
          {device.dir ? (
            <>
              . Its folder <code>{device.dir}</code> is left as it is
            </>
          ) : null}
          . Files it alone holds could become unreadable, so check the other devices first.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="remove-storage-dialog"
      fallbackFocus='[data-testid="add-storage-button"]'
    />
  );
}
