import { useState } from 'react';
import type { DeviceInfo } from '../../bridge/types.ts';
import { checkDeviceName, deviceLabel } from '../model/device-words.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';
import { TextField } from './text-field.tsx';

export function RenameDeviceDialog({
  device,
  onClose,
}: {
  device: DeviceInfo;
  onClose: () => void;
}) {
  const renameDevice = useAppStore((s) => s.renameDevice);
  const [name, setName] = useState(device.name);
  const { busy, error, setError, run } = useDialogAction(onClose);

  const submit = async () => {
    const typed = name.trim();
    const problem = checkDeviceName(typed);
    if (problem) return setError(problem);
    if (typed === device.name) return onClose();
    await run(() => renameDevice(device.deviceIdentifier, typed));
  };

  return (
    <Dialog
      title={`Rename “${deviceLabel(device.name)}”`}
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      confirmLabel="Rename"
      testId="rename-device-dialog"
      fallbackFocus='[data-testid="pair-button"]'
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
