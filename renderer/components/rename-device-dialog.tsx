import { useState } from 'react';
import type { DeviceInfo } from '../../bridge/types.ts';
import { checkDeviceName, deviceLabel } from '../model/device-words.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const typed = name.trim();
    const problem = checkDeviceName(typed);
    if (problem) return setError(problem);
    if (typed === device.name) return onClose();
    setBusy(true);
    const failure = await renameDevice(device.deviceIdentifier, typed);
    setBusy(false);
    if (failure) setError(failure.message);
    else onClose();
  };

  return (
    <Dialog
      title={`Rename “${deviceLabel(device.name)}”`}
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
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
