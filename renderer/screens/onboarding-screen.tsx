import { useEffect, useId, useRef, useState, type FormEvent, type Ref } from 'react';
import { LIMITS } from '../../bridge/field-rules.ts';
import { BrandMark } from '../components/brand-mark.tsx';
import { EngineStatusDot } from '../components/engine-status-dot.tsx';
import { Icon } from '../components/icons.tsx';
import { JoinWithQr } from '../components/join-with-qr.tsx';
import { PasswordField } from '../components/password-field.tsx';
import { Spinner } from '../components/spinner.tsx';
import { TextField } from '../components/text-field.tsx';
import {
  navigationSelectors,
  sessionSelectors,
  useAppStore,
  type AuthMode,
  type EngineChoice,
} from '../store/index.ts';

const MIN_PASSWORD = LIMITS.passwordMin;

type FieldErrors = Partial<Record<'apiUrl' | 'username' | 'password' | 'confirm', string>>;

function checkEngineUrl(value: string): string | null {
  const typed = value.trim();
  if (!typed) return 'Enter the engine address, for example https://vault.example.com:9009.';
  try {
    const url = new URL(typed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return 'The address must start with http:// or https://.';
    return null;
  } catch {
    return "That isn't a full address. Include http:// or https://, for example https://vault.example.com:9009.";
  }
}

function EngineChooser({
  mode,
  apiUrl,
  error,
  disabled,
  onMode,
  onUrl,
  urlRef,
}: {
  mode: EngineChoice['mode'];
  apiUrl: string;
  error: string | undefined;
  disabled: boolean;
  onMode: (mode: EngineChoice['mode']) => void;
  onUrl: (url: string) => void;
  urlRef: Ref<HTMLInputElement>;
}) {
  const name = useId();
  return (
    <fieldset className="engine-chooser" data-testid="engine-chooser" disabled={disabled}>
      <legend className="section-label">Where your vault runs</legend>
      <label className={`choice${mode === 'embedded' ? ' is-checked' : ''}`}>
        <input
          type="radio"
          name={name}
          value="embedded"
          checked={mode === 'embedded'}
          onChange={() => onMode('embedded')}
        />
        <Icon name="computer" size={20} className="choice-icon" />
        <span className="choice-text">
          <span className="choice-title">This computer (embedded)</span>
          <span className="choice-hint">Runs inside the app. Works offline.</span>
        </span>
        {mode === 'embedded' ? <EngineStatusDot compact /> : null}
      </label>
      <label className={`choice${mode === 'remote' ? ' is-checked' : ''}`}>
        <input
          type="radio"
          name={name}
          value="remote"
          checked={mode === 'remote'}
          onChange={() => onMode('remote')}
        />
        <Icon name="server" size={20} className="choice-icon" />
        <span className="choice-text">
          <span className="choice-title">Another engine</span>
          <span className="choice-hint">On your network, or a hosted Privicore engine.</span>
        </span>
      </label>
      {mode === 'remote' ? (
        <TextField
          label="Engine URL"
          type="url"
          inputMode="url"
          placeholder="https://vault.example.com:9009"
          value={apiUrl}
          onChange={onUrl}
          error={error}
          autoComplete="url"
          spellCheck={false}
          testId="engine-url-input"
          inputRef={urlRef}
        />
      ) : null}
    </fieldset>
  );
}

/** Pick the engine, then sign up or sign in. */
function AuthScreen() {
  const session = useAppStore(sessionSelectors.session);
  const notice = useAppStore(sessionSelectors.notice);
  const busy = useAppStore(sessionSelectors.authBusy);
  const authError = useAppStore(sessionSelectors.authError);
  const authenticate = useAppStore((s) => s.authenticate);
  const clearAuthError = useAppStore((s) => s.clearAuthError);
  const setOnboardingView = useAppStore((s) => s.setOnboardingView);

  const [mode, setMode] = useState<AuthMode>(session?.username || notice ? 'sign-in' : 'sign-up');
  const [engineMode, setEngineMode] = useState<EngineChoice['mode']>(
    session?.engine.mode ?? 'embedded',
  );
  const [apiUrl, setApiUrl] = useState(
    session?.engine.mode === 'remote' ? (session.engine.apiUrl ?? '') : '',
  );
  const [username, setUsername] = useState(session?.username ?? '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const tabsId = useId();
  const confirmId = useId();
  const [showPasswords, setShowPasswords] = useState(false);
  // Bumped when a submit finds problems: after the render that marks them, focus the first.
  const [invalidAttempt, setInvalidAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (invalidAttempt > 0)
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [invalidAttempt]);

  const edit =
    <T,>(setter: (value: T) => void, field?: keyof FieldErrors) =>
    (value: T) => {
      setter(value);
      if (field && errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
      if (authError) clearAuthError();
    };

  const switchMode = (next: AuthMode) => {
    setMode(next);
    setErrors({});
    setConfirm('');
    clearAuthError();
  };

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    if (engineMode === 'remote') {
      const problem = checkEngineUrl(apiUrl);
      if (problem) found.apiUrl = problem;
    }
    const name = username.trim();
    if (!name) found.username = 'Enter your username.';
    else if (mode === 'sign-up' && name.length < 3) found.username = 'Use at least 3 characters.';
    if (!password) found.password = 'Enter your password.';
    else if (mode === 'sign-up' && password.length < MIN_PASSWORD) {
      found.password = `Use at least ${MIN_PASSWORD} characters. You have ${password.length}.`;
    }
    if (mode === 'sign-up' && !found.password && confirm !== password) {
      found.confirm = "The passwords don't match. Type the same password twice.";
    }
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setInvalidAttempt((n) => n + 1);
      return;
    }
    const engine: EngineChoice =
      engineMode === 'remote' ? { mode: 'remote', apiUrl: apiUrl.trim() } : { mode: 'embedded' };
    const outcome = await authenticate(mode, engine, { username: username.trim(), password });
    if (outcome === 'engine-failed') {
      if (engineMode === 'remote') urlRef.current?.focus();
    } else if (outcome === 'account-failed' && mode === 'sign-in') {
      // A wrong password is retyped, not edited.
      setPassword('');
      passwordRef.current?.focus();
    } else if (outcome === 'account-failed') {
      usernameRef.current?.focus();
    }
  };

  const label = mode === 'sign-up' ? 'Sign up' : 'Sign in';
  const fieldErrors = { ...authError?.fields, ...errors };

  return (
    <main className="onboarding" data-testid="onboarding">
      <div className="onboarding-card">
        <div className="onboarding-brand">
          <BrandMark size={40} />
          <h1>Privicore Vault</h1>
          <p className="onboarding-tagline">
            Your files are encrypted on this computer before they go anywhere.
          </p>
        </div>

        {notice ? (
          <div className="banner banner-info" role="status" data-testid="session-notice">
            <Icon name="info" />
            <span className="banner-text">{notice}</span>
          </div>
        ) : null}

        <form
          ref={formRef}
          className="auth-form"
          onSubmit={(event) => void submit(event)}
          noValidate
          aria-label={label}
          data-testid={mode === 'sign-up' ? 'sign-up-form' : 'sign-in-form'}
        >
          <EngineChooser
            mode={engineMode}
            apiUrl={apiUrl}
            error={fieldErrors.apiUrl}
            disabled={busy}
            onMode={edit(setEngineMode, 'apiUrl')}
            onUrl={edit(setApiUrl, 'apiUrl')}
            urlRef={urlRef}
          />

          <div className="tabs" role="tablist" aria-label="Account">
            {(['sign-up', 'sign-in'] as const).map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                id={`${tabsId}-${tab}`}
                aria-selected={mode === tab}
                aria-controls={`${tabsId}-panel`}
                tabIndex={mode === tab ? 0 : -1}
                className="tab"
                disabled={busy}
                data-testid={`${tab}-tab`}
                onClick={() => switchMode(tab)}
                onKeyDown={(event) => {
                  if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
                    event.preventDefault();
                    const next = tab === 'sign-up' ? 'sign-in' : 'sign-up';
                    switchMode(next);
                    document.getElementById(`${tabsId}-${next}`)?.focus();
                  }
                }}
              >
                {tab === 'sign-up' ? 'Sign up' : 'Sign in'}
              </button>
            ))}
          </div>

          <div
            className="tab-panel"
            role="tabpanel"
            id={`${tabsId}-panel`}
            aria-labelledby={`${tabsId}-${mode}`}
          >
            <p className="tab-intro">
              {mode === 'sign-up'
                ? 'New here? Your encryption keys are made and kept on this computer.'
                : 'Welcome back. Sign in to your account on this engine.'}
            </p>
            <TextField
              label="Username"
              value={username}
              onChange={edit(setUsername, 'username')}
              error={fieldErrors.username}
              autoComplete="username"
              autoCapitalize="off"
              spellCheck={false}
              disabled={busy}
              inputRef={usernameRef}
              testId="username-input"
            />
            <PasswordField
              label="Password"
              value={password}
              onChange={edit(setPassword, 'password')}
              autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
              error={fieldErrors.password}
              hint={
                mode === 'sign-up'
                  ? `At least ${MIN_PASSWORD} characters. A few unrelated words work well.`
                  : undefined
              }
              disabled={busy}
              inputRef={passwordRef}
              testId="password-input"
              visible={showPasswords}
              onToggleVisible={() => setShowPasswords((shown) => !shown)}
              controls={mode === 'sign-up' ? confirmId : undefined}
            />
            {mode === 'sign-up' ? (
              <PasswordField
                label="Confirm password"
                id={confirmId}
                value={confirm}
                onChange={edit(setConfirm, 'confirm')}
                autoComplete="new-password"
                error={fieldErrors.confirm}
                disabled={busy}
                testId="confirm-password-input"
                visible={showPasswords}
              />
            ) : null}

            {authError ? (
              <div className="banner banner-error" role="alert" data-testid="auth-error">
                <Icon name="alert" />
                <span className="banner-text">{authError.message}</span>
              </div>
            ) : null}

            <button
              type="submit"
              className="button button-primary button-block"
              disabled={busy}
              aria-busy={busy || undefined}
              data-testid="auth-submit"
            >
              {busy ? <Spinner size={14} /> : null}
              {label}
            </button>
            {busy ? (
              <p className="busy-note" role="status">
                {mode === 'sign-up' ? 'Creating your account and keys…' : 'Signing you in…'}
              </p>
            ) : null}
          </div>
        </form>

        <div className="join-entry">
          <span className="join-entry-text">Already use Privicore Vault on another device?</span>
          <button
            type="button"
            className="button"
            onClick={() => setOnboardingView('join')}
            disabled={busy}
            data-testid="join-entry"
          >
            <Icon name="qr" size={15} />
            Join with a QR code
          </button>
        </div>
      </div>
    </main>
  );
}

/** A fresh installation joining a vault as a new device, by another device's QR code. */
function JoinScreen() {
  const setOnboardingView = useAppStore((s) => s.setOnboardingView);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <main className="onboarding" data-testid="onboarding-join">
      <div className="onboarding-card">
        <div className="onboarding-brand">
          <BrandMark size={40} />
          <h1 ref={headingRef} tabIndex={-1}>
            Join with a QR code
          </h1>
          <p className="onboarding-tagline">
            This computer becomes a new device of your vault, once another device shows it the way
            in.
          </p>
        </div>
        <div className="auth-form">
          <JoinWithQr onCancel={() => setOnboardingView('auth')} />
        </div>
      </div>
    </main>
  );
}

/** First screen: sign up or in, or join a vault by QR code. */
export function OnboardingScreen() {
  const view = useAppStore(navigationSelectors.onboardingView);
  return view === 'join' ? <JoinScreen /> : <AuthScreen />;
}
