import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

export function SignOutEverywhereDialog({ onClose }: { onClose: () => void }) {
  const signOutEverywhere = useAppStore((s) => s.signOutEverywhere);
  const { busy, error, run } = useDialogAction(onClose);
  return (
    <Dialog
      title="Sign out everywhere else?"
      description={
        <p>
          Every other computer and phone signed in to your vault is signed out at once. This
          computer stays signed in. Computers that joined by pairing have to pair again; storage
          devices keep running.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void run(signOutEverywhere)}
      confirmLabel="Sign out everywhere else"
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="sign-out-everywhere-dialog"
      fallbackFocus='[data-testid="account-sign-out"]'
    />
  );
}
