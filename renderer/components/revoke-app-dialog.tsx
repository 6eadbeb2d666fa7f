import { printable } from '../../bridge/printable.ts';
import type { AllowedApp, RegisteredApp } from '../../bridge/types.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';

/** Deletes an application this profile registered: everyone's access through it ends. */
export function RevokeAppDialog({ app, onClose }: { app: RegisteredApp; onClose: () => void }) {
  const revokeApp = useAppStore((s) => s.revokeApp);
  const { busy, error, run } = useDialogAction(onClose);
  return (
    <Dialog
      title={`Revoke “${app.name}”?`}
      description={
        <p>
          The application is deleted. Its client id and secret stop working, and so does every
          access anyone gave it: its next call to your engine fails. This cannot be undone.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void run(() => revokeApp(app.applicationId, app.name))}
      confirmLabel={`Revoke ${app.name}`}
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="revoke-app-dialog"
      fallbackFocus='[data-testid="register-app"]'
    />
  );
}

/** Takes back the access this profile gave an application (someone else's, or its own). */
export function RevokeAppAccessDialog({ app, onClose }: { app: AllowedApp; onClose: () => void }) {
  const revokeAppAccess = useAppStore((s) => s.revokeAppAccess);
  const { busy, error, run } = useDialogAction(onClose);
  return (
    <Dialog
      title={`Take back “${printable(app.name)}”'s access?`}
      description={
        <p>
          Every access you gave {printable(app.name)} ends now: its tokens stop working and a link
          you answered but it has not used yet lapses. The application stays registered; it can ask
          you again.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void run(() => revokeAppAccess(app.clientId, app.name))}
      confirmLabel="Take back access"
      confirmTone="danger"
      busy={busy}
      error={error}
      testId="revoke-app-access-dialog"
      fallbackFocus='[data-testid="apps-tab"]'
    />
  );
}
