import { useState } from 'react';
import { OAUTH_SCOPES, SCOPE_WORDS } from '../../bridge/oauth-scopes.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { TextField } from './text-field.tsx';

/** Registers an OAuth application of this profile; its credentials are shown next, once. */
export function RegisterAppDialog({ onClose }: { onClose: () => void }) {
  const registerApp = useAppStore((s) => s.registerApp);
  const openDialog = useAppStore((s) => s.openDialog);
  const [name, setName] = useState('');
  const [redirectUri, setRedirectUri] = useState('');
  const [scopes, setScopes] = useState<string[]>(['data-token:read']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (!name.trim()) return setError('Give the application a name.');
    if (!redirectUri.trim())
      return setError('Give the address the application receives answers at.');
    if (scopes.length === 0) return setError('Choose at least one kind of access.');
    setBusy(true);
    const result = await registerApp({
      name: name.trim(),
      redirectUri: redirectUri.trim(),
      scopes,
    });
    setBusy(false);
    if ('clientSecret' in result) openDialog({ kind: 'app-credentials', credentials: result });
    else setError(result.message);
  };

  return (
    <Dialog
      title="Register an application"
      description={
        <p>
          An application you write or run gets a client id and secret, and asks people for access
          with a consent link. It gets nothing until someone says yes.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel="Register"
      busy={busy}
      error={error}
      testId="register-app-dialog"
      fallbackFocus='[data-testid="register-app"]'
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        maxLength={200}
        hint="People see this name when the application asks them for access."
        testId="app-name"
        data-autofocus
      />
      <TextField
        label="Redirect URI"
        value={redirectUri}
        onChange={setRedirectUri}
        maxLength={2048}
        placeholder="https://app.example/callback"
        hint="Where people's browsers go after they answer: https, or http://127.0.0.1 for an application on their own computer."
        testId="app-redirect-uri"
      />
      <fieldset className="field checkbox-group">
        <legend className="section-label">What it may ask for</legend>
        {OAUTH_SCOPES.map((scope) => (
          <label key={scope} className="checkbox">
            <input
              type="checkbox"
              value={scope}
              checked={scopes.includes(scope)}
              onChange={(change) =>
                setScopes((current) =>
                  change.target.checked
                    ? [...current, scope]
                    : current.filter((chosen) => chosen !== scope),
                )
              }
            />
            <span>
              {SCOPE_WORDS[scope]} <code className="muted">{scope}</code>
            </span>
          </label>
        ))}
      </fieldset>
    </Dialog>
  );
}
