import { useId, useState } from 'react';
import { LIMITS } from '../../bridge/field-rules.ts';
import { checkPassphrase, type PassphraseErrors } from '../model/secret-rules.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';
import { Icon } from './icons.tsx';
import { PasswordField } from './password-field.tsx';

/** Writes the recovery kit: the passphrase is asked twice, then main's save dialog opens. */
export function ExportKitDialog({ onClose }: { onClose: () => void }) {
  const exportRecoveryKit = useAppStore((s) => s.exportRecoveryKit);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [visible, setVisible] = useState(false);
  const [errors, setErrors] = useState<PassphraseErrors>({});
  const { busy, error, setError, run } = useDialogAction(onClose);
  const confirmId = useId();

  const submit = async () => {
    const found = checkPassphrase(passphrase, confirm);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await run(() => exportRecoveryKit(passphrase));
  };

  return (
    <Dialog
      title="Export recovery kit"
      description={
        <p>
          The kit holds your vault key, locked with a passphrase. With both, anyone can open your
          files; without them, a lost computer means lost files.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel="Export"
      testId="export-kit-dialog"
      fallbackFocus='[data-testid="export-kit-button"]'
    >
      <PasswordField
        label="Passphrase"
        value={passphrase}
        onChange={(value) => {
          setPassphrase(value);
          setErrors({});
          setError(null);
        }}
        autoComplete="new-password"
        error={errors.passphrase}
        hint={`At least ${LIMITS.passphraseMin} characters. A few unrelated words are easy to type and hard to guess.`}
        visible={visible}
        onToggleVisible={() => setVisible((v) => !v)}
        controls={confirmId}
      />
      <PasswordField
        id={confirmId}
        label="Confirm passphrase"
        value={confirm}
        onChange={(value) => {
          setConfirm(value);
          setErrors({});
        }}
        autoComplete="new-password"
        error={errors.confirm}
        visible={visible}
      />
      <p className="banner banner-warning" role="note">
        <Icon name="alert" />
        <span className="banner-text">
          Keep the kit and its passphrase safe and apart: in a password manager, or printed in a
          drawer. Nobody, including Privicore, can recover the passphrase for you.
        </span>
      </p>
    </Dialog>
  );
}
