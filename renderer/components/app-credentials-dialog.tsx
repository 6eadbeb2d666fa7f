import type { NewAppCredentials } from '../../bridge/types.ts';
import { CopyButton } from './copy-button.tsx';
import { Dialog } from './dialog.tsx';
import { Icon } from './icons.tsx';

/**
 * The one sight of a new application's client secret: the engine keeps only a digest of it, and
 * this app keeps nothing, so closing this dialog is the last chance to copy it.
 */
export function AppCredentialsDialog({
  credentials,
  onClose,
}: {
  credentials: NewAppCredentials;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`${credentials.name} is registered`}
      description={
        <p className="secret-warning" role="note" data-testid="secret-warning">
          <Icon name="alert" size={15} />
          Copy the client secret now. It is shown only this once: nobody can show it again, this app
          included. If it is lost, revoke the application and register it anew.
        </p>
      }
      onClose={onClose}
      onSubmit={onClose}
      cancelLabel="Close"
      confirmLabel="I have copied the secret"
      testId="app-credentials-dialog"
      fallbackFocus='[data-testid="register-app"]'
    >
      <dl className="credential-list">
        <dt>Client id</dt>
        <dd>
          <code data-testid="new-client-id">{credentials.clientId}</code>
          <CopyButton text={credentials.clientId} label="Copy the client id" />
        </dd>
        <dt>Client secret</dt>
        <dd>
          <code data-testid="new-client-secret">{credentials.clientSecret}</code>
          <CopyButton text={credentials.clientSecret} label="Copy the client secret" />
        </dd>
        <dt>Redirect URI</dt>
        <dd>
          <code>{credentials.redirectUri}</code>
        </dd>
      </dl>
    </Dialog>
  );
}
