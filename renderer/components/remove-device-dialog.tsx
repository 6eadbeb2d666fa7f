import type { DeviceInfo } from '../../bridge/types.ts';
import { deviceLabel } from '../model/device-words.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

export function RemoveDeviceDialog({
  device,
  onClose,
}: {
  device: DeviceInfo;
  onClose: () => void;
}) {
  const removeDevice = useAppStore((s) => s.removeDevice);
  const { busy, error, run } = useDialogAction(onClose);
  const name = deviceLabel(device.name);

  const submit = async () => {
    await run(() => removeDevice(device.deviceIdentifier));
  };

  return (
    <Dialog
      title={`Remove “${name}”?`}
      description={
        device.isThisDevice ? (
          <p>
            <strong>{name}</strong> is this computer. Once removed it can no longer open the vault's
            files until it is let in again.
          </p>
        ) : device.role === 'storage' ? (
          <p>
            <strong>{name}</strong> stops keeping copies of your files. Its folder is left as it is.
            Make sure the other storage devices hold every file first.
          </p>
        ) : (
          <p>
            <strong>{name}</strong> will be signed out of your vault and can no longer open your
            files. To use it again it has to ask to join again.
          </p>
        )
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel="Remove"
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="remove-device-dialog"
      fallbackFocus='[data-testid="pair-button"]'
    />
  );
}
