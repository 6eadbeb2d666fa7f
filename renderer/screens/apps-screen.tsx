import { useEffect } from 'react';
import { printable } from '../../bridge/printable.ts';
import type { AllowedApp, ConnectedApps, RegisteredApp } from '../../bridge/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { Spinner } from '../components/spinner.tsx';
import { formatDate } from '../model/format-date.ts';
import { appsSelectors, useAppStore } from '../store/index.ts';

const STATE_WORDS: Record<AllowedApp['state'], string> = {
  waiting: 'Not collected yet',
  active: 'Has access',
  ended: 'Access ended',
};

function ScopeList({ scopes }: { scopes: RegisteredApp['scopes'] }) {
  return (
    <ul className="scope-list">
      {scopes.map(({ scope, words }) => (
        <li key={scope} title={scope}>
          {words}
        </li>
      ))}
    </ul>
  );
}

function RegisteredApps({ apps }: { apps: RegisteredApp[] }) {
  const openDialog = useAppStore((s) => s.openDialog);
  return (
    <section className="card" aria-labelledby="registered-apps-title" data-testid="registered-apps">
      <div className="card-header">
        <h2 id="registered-apps-title" className="card-title">
          <Icon name="link" size={16} />
          Apps you registered
        </h2>
        <button
          type="button"
          className="button button-primary"
          onClick={() => openDialog({ kind: 'register-app' })}
          data-testid="register-app"
        >
          <Icon name="plus" size={14} />
          Register an app
        </button>
      </div>
      {apps.length === 0 ? (
        <p className="muted quiet-note">
          None yet. Register an application you write or run to let it ask people for access.
        </p>
      ) : (
        <ul className="app-list">
          {apps.map((app) => (
            <li
              key={app.applicationId}
              className="app-row"
              data-testid="registered-app"
              data-application-id={app.applicationId}
            >
              <div className="app-text">
                <strong>{app.name}</strong>
                <span className="muted">
                  Sends people back to <code>{app.redirectUri}</code> · registered{' '}
                  <time dateTime={app.createdAt}>{formatDate(app.createdAt)}</time>
                </span>
                <ScopeList scopes={app.scopes} />
              </div>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={() => openDialog({ kind: 'revoke-app', app })}
                aria-description={`Delete ${app.name}; its codes and tokens stop working`}
              >
                Revoke…
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AllowedApps({ consents }: { consents: AllowedApp[] }) {
  const openDialog = useAppStore((s) => s.openDialog);
  // One "take back" per application, on its newest consent that still gives access.
  const offered = new Set<string>();
  return (
    <section className="card" aria-labelledby="allowed-apps-title" data-testid="allowed-apps">
      <h2 id="allowed-apps-title" className="card-title">
        <Icon name="check" size={16} />
        Apps you allowed
      </h2>
      <p className="card-intro muted">
        Every time you gave an application access to your vault, newest first.
      </p>
      {consents.length === 0 ? (
        <p className="muted quiet-note">You have not given any application access.</p>
      ) : (
        <ul className="app-list">
          {consents.map((consent) => {
            const offer = consent.state !== 'ended' && !offered.has(consent.clientId);
            if (offer) offered.add(consent.clientId);
            return (
              <li
                key={consent.requestId}
                className="app-row"
                data-testid="allowed-app"
                data-state={consent.state}
              >
                <div className="app-text">
                  <strong>{printable(consent.name)}</strong>
                  <span className="muted">
                    Allowed{' '}
                    <time dateTime={consent.consentedAt}>{formatDate(consent.consentedAt)}</time> ·{' '}
                    <code>{consent.redirectUri}</code>
                  </span>
                  <ScopeList scopes={consent.scopes} />
                </div>
                <span className={`chip ${consent.state === 'active' ? 'chip-on' : ''}`}>
                  {STATE_WORDS[consent.state]}
                </span>
                {offer ? (
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    onClick={() => openDialog({ kind: 'revoke-app-access', app: consent })}
                    aria-description={`End every access you gave ${printable(consent.name)}`}
                  >
                    Take back access…
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Lists({ apps }: { apps: ConnectedApps }) {
  return (
    <>
      <RegisteredApps apps={apps.registered} />
      <AllowedApps consents={apps.allowed} />
    </>
  );
}

/** OAuth applications (contract §5): the ones this profile registered and the access it gave. */
export function AppsScreen() {
  const apps = useAppStore(appsSelectors.connectedApps);
  const status = useAppStore(appsSelectors.status);
  const error = useAppStore(appsSelectors.error);
  const loadApps = useAppStore((s) => s.loadApps);

  useEffect(() => {
    void loadApps();
  }, [loadApps]);

  return (
    <PageLayout screen="apps" title="Connected apps" testId="apps-screen">
      <p className="page-intro muted">
        Applications reach your vault only with your consent, only for what you allowed, and only
        until you take it back.
      </p>
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load your connected apps."
          message={error.message}
          onRetry={() => void loadApps()}
        />
      ) : null}
      {status === 'loading' && !apps ? (
        <p className="muted">
          <Spinner size={12} /> Loading…
        </p>
      ) : null}
      {apps ? <Lists apps={apps} /> : null}
    </PageLayout>
  );
}
