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
  type EngineTrustQuestion,
} from '../store/index.ts';

const MIN_PASSWORD = LIMITS.passwordMin;

type FieldErrors = Partial<
  Record<'apiUrl' | 'tlsPin' | 'username' | 'password' | 'confirm', string>
>;

/** `sha256:` and 43 base64url characters (or base64, or 64 hex digits), as engines print it. */
const PIN = /^sha256:([A-Za-z0-9+/_-]{43}=?|[0-9a-fA-F:]{64,95})$/;

function checkPin(value: string, apiUrl: string): string | null {
  const typed = value.trim();
  if (!typed) return null;
  if (!apiUrl.trim().startsWith('https:'))
    return 'A certificate fingerprint goes with an https:// address only.';
  return PIN.test(typed)
    ? null
    : 'That isn\'t a certificate fingerprint. It starts with sha256: (the engine shows it as its "tlsPin").';
}

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
  tlsPin,
  error,
  pinError,
  disabled,
  onMode,
  onUrl,
  onPin,
  urlRef,
}: {
  mode: EngineChoice['mode'];
  apiUrl: string;
  tlsPin: string;
  error: string | undefined;
  pinError: string | undefined;
  disabled: boolean;
  onMode: (mode: EngineChoice['mode']) => void;
  onUrl: (url: string) => void;
  onPin: (pin: string) => void;
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
      {mode === 'remote' && apiUrl.trim().startsWith('https:') ? (
        <TextField
          label="Certificate fingerprint (optional)"
          placeholder="sha256:…"
          value={tlsPin}
          onChange={onPin}
          error={pinError}
          hint='For an engine with its own certificate: the "tlsPin" it shows. Without it, you are asked to compare.'
          autoComplete="off"
          spellCheck={false}
          testId="engine-pin-input"
        />
      ) : null}
    </fieldset>
  );
}

/**
 * Trust on first use, as ssh asks about a host key it has not seen: the engine's certificate is
 * not signed by an authority this computer trusts (normal for an engine on a home network), so
 * the person compares its fingerprint with the one shown where the engine runs before anything
 * is sent to it.
 */
function EngineTrustPanel({
  question,
  onTrust,
  onCancel,
}: {
  question: EngineTrustQuestion;
  onTrust: () => void;
  onCancel: () => void;
}) {
  const titleId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  let host = question.apiUrl;
  try {
    host = new URL(question.apiUrl).host;
  } catch {
    // Shown as typed.
  }
  return (
    <section
      className="banner banner-warning trust-panel"
      role="alertdialog"
      aria-labelledby={titleId}
      data-testid="engine-trust"
    >
      <div className="trust-body">
        <h2 id={titleId} ref={headingRef} tabIndex={-1} className="trust-title">
          Is this the engine you meant?
        </h2>
        <p>
          The engine at <strong>{host}</strong> uses a certificate that no authority this computer
          trusts has signed. That is usual for an engine on your own network, and it is also what an
          impostor would look like. Its fingerprint is:
        </p>
        <code className="payload" data-testid="engine-trust-fingerprint">
          {question.fingerprint}
        </code>
        <p>
          Compare it with the fingerprint shown where the engine runs (its “tlsPin”). Connect only
          if they are the same; nothing has been sent to it yet.
        </p>
        <div className="form-actions form-actions-start">
          <button
            type="button"
            className="button button-primary"
            onClick={onTrust}
            data-testid="engine-trust-confirm"
          >
            They match: trust this engine
          </button>
          <button
            type="button"
            className="button"
            onClick={onCancel}
            data-testid="engine-trust-cancel"
          >
            Cancel
          </button>
        </div>
      </div>
    </section>
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
  const [tlsPin, setTlsPin] = useState('');
  const engineTrust = useAppStore(sessionSelectors.engineTrust);
  const clearEngineTrust = useAppStore((s) => s.clearEngineTrust);
  // Set when the person confirmed a fingerprint: the form is sent again with it.
  const [resubmit, setResubmit] = useState(0);
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
      const pinProblem = checkPin(tlsPin, apiUrl);
      if (pinProblem) found.tlsPin = pinProblem;
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
      engineMode === 'remote'
        ? {
            mode: 'remote',
            apiUrl: apiUrl.trim(),
            ...(tlsPin.trim() ? { tlsPin: tlsPin.trim() } : {}),
          }
        : { mode: 'embedded' };
    const outcome = await authenticate(mode, engine, { username: username.trim(), password });
    if (outcome === 'engine-failed') {
      // A certificate question takes the focus itself (EngineTrustPanel).
      if (engineMode === 'remote' && !useAppStore.getState().engineTrust) urlRef.current?.focus();
    } else if (outcome === 'account-failed' && mode === 'sign-in') {
      // A wrong password is retyped, not edited.
      setPassword('');
      passwordRef.current?.focus();
    } else if (outcome === 'account-failed') {
      usernameRef.current?.focus();
    }
  };

  useEffect(() => {
    if (resubmit > 0) formRef.current?.requestSubmit();
  }, [resubmit]);

  const trustEngine = (fingerprint: string) => {
    setTlsPin(fingerprint);
    clearEngineTrust();
    setResubmit((n) => n + 1);
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
            tlsPin={tlsPin}
            error={fieldErrors.apiUrl}
            pinError={fieldErrors.tlsPin}
            disabled={busy}
            onMode={edit(setEngineMode, 'apiUrl')}
            onUrl={edit(setApiUrl, 'apiUrl')}
            onPin={edit(setTlsPin, 'tlsPin')}
            urlRef={urlRef}
          />
          {engineTrust ? (
            <EngineTrustPanel
              question={engineTrust}
              onTrust={() => trustEngine(engineTrust.fingerprint)}
              onCancel={clearEngineTrust}
            />
          ) : null}

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
