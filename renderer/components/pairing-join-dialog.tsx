import type { PairingJoin } from '../../bridge/types.ts';
import { deviceLabel } from '../model/device-words.ts';
import { formatDate } from '../model/format-date.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

/**
 * A device joined with the pairing code on this screen and proved it (APPROVALS.md): the person
 * gives it the vault key only after seeing the same code on its screen. Turning it away removes
 * it; either answer is one click.
 */
export function PairingJoinDialog({ join, onClose }: { join: PairingJoin; onClose: () => void }) {
  const answer = useAppStore((s) => s.answerPairingJoin);
  const { busy, error, run } = useDialogAction(onClose);
  const name = deviceLabel(join.deviceName);
  return (
    <Dialog
      title={`Give “${name}” access to your vault?`}
      description={
        <p>
          <strong>{name}</strong> joined with the pairing code on this screen{' '}
          <time dateTime={join.pairedAt}>{formatDate(join.pairedAt)}</time>. Check that its screen
          shows this code. If it shows another one, or you don't know this device, turn it away.
        </p>
      }
      onClose={() => void run(() => answer(join.deviceIdentifier, false))}
      onSubmit={() => void run(() => answer(join.deviceIdentifier, true))}
      cancelLabel="Turn away"
      cancelTone="danger"
      confirmLabel="Codes match — give access"
      busy={busy}
      error={error}
      testId="pairing-join-dialog"
      fallbackFocus='[data-testid="pair-button"]'
    >
      <output
        className="verification-code"
        data-testid="pairing-join-code"
        aria-label="Verification code"
      >
        {join.code}
      </output>
    </Dialog>
  );
}
