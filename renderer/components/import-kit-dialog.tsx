import { useState } from 'react';
import { checkPassphrase } from '../model/secret-rules.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';
import { PasswordField } from './password-field.tsx';

/** Restores the vault key from a kit: the passphrase here, then main's open dialog. */
export function ImportKitDialog({ onClose }: { onClose: () => void }) {
  const importRecoveryKit = useAppStore((s) => s.importRecoveryKit);
  const [passphrase, setPassphrase] = useState('');
  const [visible, setVisible] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const { busy, error, setError, run } = useDialogAction(onClose);

  const submit = async () => {
    const found = checkPassphrase(passphrase);
    setFieldError(found.passphrase ?? null);
    if (found.passphrase) return;
    await run(() => importRecoveryKit(passphrase));
  };

  return (
    <Dialog
      title="Import recovery kit"
      description={
        <p>
          Enter the kit's passphrase, then choose the kit file. The vault key goes to this
          computer's keychain.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel="Import"
      testId="import-kit-dialog"
      fallbackFocus='[data-testid="app-header"] [role="tab"][aria-selected="true"]'
    >
      <PasswordField
        label="Passphrase"
        value={passphrase}
        onChange={(value) => {
          setPassphrase(value);
          setFieldError(null);
          setError(null);
        }}
        autoComplete="current-password"
        error={fieldError}
        visible={visible}
        onToggleVisible={() => setVisible((v) => !v)}
      />
    </Dialog>
  );
}
