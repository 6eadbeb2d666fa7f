import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorBanner } from '../components/error-banner.tsx';
import { HeldStatus } from '../components/held-status.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { PasswordField } from '../components/password-field.tsx';
import { ReachCard } from '../components/reach-card.tsx';
import { Spinner } from '../components/spinner.tsx';
import { formatDate } from '../model/format-date.ts';
import { LIMITS } from '../../bridge/field-rules.ts';
import { checkPasswordChange, type PasswordChangeErrors } from '../model/secret-rules.ts';
import { yourRole } from '../model/organisation-words.ts';
import {
  accountSelectors,
  holdsSelectors,
  organisationSelectors,
  useAppStore,
} from '../store/index.ts';

function AccountMessageLine() {
  const message = useAppStore(accountSelectors.message);
  const setAccountMessage = useAppStore((s) => s.setAccountMessage);
  if (!message) return null;
  return (
    <div
      className={`banner ${message.tone === 'error' ? 'banner-error' : 'banner-success'}`}
      role={message.tone === 'error' ? 'alert' : 'status'}
      data-testid="account-message"
      data-tone={message.tone}
    >
      <Icon name={message.tone === 'error' ? 'alert' : 'check'} />
      <span className="banner-text">{message.text}</span>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={() => setAccountMessage(null)}
      >
        <Icon name="x" />
      </button>
    </div>
  );
}

function ChangePasswordForm() {
  const changePassword = useAppStore((s) => s.changePassword);
  // A profile policy may hold the change for a vote (contract §11): the form says so.
  const held = useAppStore(holdsSelectors.held('password-change', null));
  const forgetHeldOperation = useAppStore((s) => s.forgetHeldOperation);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [visible, setVisible] = useState(false);
  const [errors, setErrors] = useState<PasswordChangeErrors>({});
  const [busy, setBusy] = useState(false);
  const currentRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const ids = { next: useId(), confirm: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = checkPasswordChange(current, next, confirm);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setBusy(true);
    forgetHeldOperation('password-change', null);
    const failure = await changePassword(current, next);
    setBusy(false);
    if (!failure) {
      setCurrent('');
      setNext('');
      setConfirm('');
      return;
    }
    if (failure.reason === 'account.wrong_current_password') {
      setCurrent('');
      setErrors({ current: "That isn't your current password." });
      currentRef.current?.focus();
    }
  };

  return (
    <form
      ref={formRef}
      className="stack-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="password-title"
    >
      <PasswordField
        label="Current password"
        value={current}
        onChange={(value) => {
          setCurrent(value);
          setErrors((e) => ({ ...e, current: undefined }));
        }}
        autoComplete="current-password"
        error={errors.current}
        inputRef={currentRef}
        visible={visible}
        onToggleVisible={() => setVisible((v) => !v)}
        controls={`${ids.next} ${ids.confirm}`}
        disabled={busy}
      />
      <PasswordField
        id={ids.next}
        label="New password"
        value={next}
        onChange={(value) => {
          setNext(value);
          setErrors((e) => ({ ...e, next: undefined, confirm: undefined }));
        }}
        autoComplete="new-password"
        error={errors.next}
        hint={`At least ${LIMITS.passwordMin} characters.`}
        visible={visible}
        disabled={busy}
      />
      <PasswordField
        id={ids.confirm}
        label="Confirm new password"
        value={confirm}
        onChange={(value) => {
          setConfirm(value);
          setErrors((e) => ({ ...e, confirm: undefined }));
        }}
        autoComplete="new-password"
        error={errors.confirm}
        visible={visible}
        disabled={busy}
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy ? <Spinner size={14} /> : null}
          Change password
        </button>
      </div>
      {held && (busy || held.hold.status !== 'pending') ? <HeldStatus hold={held.hold} /> : null}
    </form>
  );
}

function Detail({
  term,
  children,
  testId,
}: {
  term: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <>
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

/** The organisations the profile belongs to, or where to create one. */
function OrganisationCard() {
  const organisations = useAppStore(organisationSelectors.organisations);
  const openDialog = useAppStore((s) => s.openDialog);
  const navigate = useAppStore((s) => s.navigate);
  const selectOrganisation = useAppStore((s) => s.selectOrganisation);
  return (
    <section
      className="card"
      aria-labelledby="organisation-title"
      data-testid="account-organisation"
    >
      <h2 id="organisation-title" className="card-title">
        <Icon name="users" size={16} /> Organisation
      </h2>
      {organisations.length === 0 ? (
        <p className="muted card-intro">
          Run a team? An organisation lets you make accounts for people or invite them, set up their
          devices and storage, and ask them to vote. Everyone keeps their own files.
        </p>
      ) : (
        <ul className="organisation-links">
          {organisations.map((o) => (
            <li key={o.directoryId}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  selectOrganisation(o.directoryId);
                  navigate('organisation');
                }}
              >
                {o.name}
              </button>{' '}
              <span className="muted">{yourRole(o.role)}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="form-actions form-actions-start">
        <button
          type="button"
          className="button"
          onClick={() => openDialog({ kind: 'org-create' })}
          data-testid="create-organisation-button"
        >
          <Icon name="plus" size={14} />
          Create an organisation
        </button>
      </div>
    </section>
  );
}

/** Who is signed in, where, and the things only the account owner does. */
export function AccountScreen() {
  const account = useAppStore(accountSelectors.account);
  const status = useAppStore(accountSelectors.status);
  const error = useAppStore(accountSelectors.error);
  const loadAccount = useAppStore((s) => s.loadAccount);
  const requestSignOut = useAppStore((s) => s.requestSignOut);
  const openDialog = useAppStore((s) => s.openDialog);

  useEffect(() => {
    void loadAccount();
  }, [loadAccount]);

  return (
    <PageLayout screen="account" title="Account" testId="account-screen">
      <AccountMessageLine />
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load your account."
          message={error.message}
          onRetry={() => void loadAccount()}
        />
      ) : null}
      <div className="account-grid">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title" className="card-title">
            <Icon name="user" size={16} /> Profile
          </h2>
          {account ? (
            <dl className="details-list account-details">
              <Detail term="Username" testId="account-username">
                {account.username ?? <span className="muted">Not known on a paired device</span>}
              </Detail>
              <Detail term="Profile ID" testId="account-profile-id">
                <code className="token">{account.profileId}</code>
              </Detail>
              <Detail term="Engine" testId="account-engine">
                {account.engineMode === 'embedded' ? 'Built-in engine' : 'Another engine'}
                {account.engineUrl ? (
                  <>
                    {' '}
                    <code className="token">{account.engineUrl}</code>
                  </>
                ) : null}
              </Detail>
              <Detail term="Session ends" testId="account-expires">
                {formatDate(account.expiresAt)}
              </Detail>
              <Detail term="This device" testId="account-device-id">
                {account.deviceIdentifier ? (
                  <code className="token">{account.deviceIdentifier}</code>
                ) : (
                  <span className="muted">The account's own computer</span>
                )}
              </Detail>
            </dl>
          ) : (
            <p className="muted card-intro">
              <Spinner size={12} /> Loading…
            </p>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="button"
              onClick={requestSignOut}
              data-testid="account-sign-out"
            >
              <Icon name="sign-out" size={14} />
              Sign out
            </button>
          </div>
        </section>

        <section className="card" aria-labelledby="sessions-title">
          <h2 id="sessions-title" className="card-title">
            <Icon name="devices" size={16} /> Sessions
          </h2>
          <p className="muted card-intro">
            Lost a computer, or signed in somewhere you shouldn't have? Sign every other session out
            at once; this computer stays signed in.
          </p>
          <div className="form-actions form-actions-start">
            <button
              type="button"
              className="button button-danger"
              onClick={() => openDialog({ kind: 'sign-out-everywhere' })}
              data-testid="sign-out-everywhere-button"
            >
              <Icon name="sign-out" size={14} />
              Sign out everywhere else
            </button>
          </div>
        </section>

        <OrganisationCard />
        <ReachCard />

        <section className="card" aria-labelledby="password-title">
          <h2 id="password-title" className="card-title">
            <Icon name="lock" size={16} /> Password
          </h2>
          {account && account.username === null ? (
            <p className="muted card-intro">
              This device joined by pairing, so it signs in without the password. Change the
              password on the account's own computer.
            </p>
          ) : (
            <ChangePasswordForm />
          )}
        </section>

        <section className="card" aria-labelledby="kit-title">
          <h2 id="kit-title" className="card-title">
            <Icon name="key" size={16} /> Recovery kit
          </h2>
          <p className="muted card-intro">
            The vault key never leaves your devices. If every device that holds it is lost, the
            recovery kit is the only way back to your files. Export one and keep it safe.
          </p>
          <div className="form-actions form-actions-start">
            <button
              type="button"
              className="button button-primary"
              onClick={() => openDialog({ kind: 'export-kit' })}
              data-testid="export-kit-button"
            >
              <Icon name="download" size={14} />
              Export recovery kit
            </button>
            <button
              type="button"
              className="button"
              onClick={() => openDialog({ kind: 'import-kit' })}
              data-testid="import-kit-button"
            >
              <Icon name="upload" size={14} />
              Import recovery kit
            </button>
          </div>
        </section>
      </div>
    </PageLayout>
  );
}
