import { useEffect, useState, type FormEvent } from 'react';
import { LIMITS } from '../../bridge/field-rules.ts';
import { BallotCard } from '../components/ballot-card.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { Spinner } from '../components/spinner.tsx';
import type { PlainError } from '../model/describe-error.ts';
import { formatDate } from '../model/format-date.ts';
import { approvalsSelectors, useAppStore } from '../store/index.ts';

/** The switch that makes this computer one of the authenticators that vote. */
export function VoteHereCard() {
  const state = useAppStore(approvalsSelectors.state);
  const busy = useAppStore(approvalsSelectors.authenticatorBusy);
  const enable = useAppStore((s) => s.enableAuthenticator);
  const disable = useAppStore((s) => s.disableAuthenticator);
  const [name, setName] = useState('This computer');
  const [error, setError] = useState<PlainError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(await enable(name.trim() || 'This computer'));
  };

  return (
    <section className="card" aria-labelledby="vote-here-title" data-testid="vote-here">
      <h2 id="vote-here-title" className="card-title">
        <Icon name="computer" size={16} />
        This computer as an approver
      </h2>
      {state?.enabled ? (
        <div className="vote-here-on">
          <p className="card-intro">
            This computer votes on operations your policies hold. Ballots arrive even while its
            window is closed, as a notification and a count on the Approvals tab.
            {state.connected ? null : ' It is reconnecting to the engine.'}
          </p>
          <button
            type="button"
            className="button button-danger-quiet"
            disabled={busy}
            onClick={() => void disable().then(setError)}
          >
            {busy ? <Spinner size={12} /> : null}
            Stop voting on this computer
          </button>
        </div>
      ) : (
        <form className="stack-form" onSubmit={(event) => void submit(event)}>
          <p className="card-intro">
            Make this computer one of the devices that approve or reject held operations. It gets
            its own device in your vault, whose key stays in this computer’s keychain.
          </p>
          <div className="field">
            <label htmlFor="vote-here-name">Name it</label>
            <input
              id="vote-here-name"
              className="input"
              value={name}
              maxLength={LIMITS.deviceNameMax}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? <Spinner size={12} /> : <Icon name="check" size={14} />}
              Vote on this computer
            </button>
          </div>
        </form>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}

/** Ballots addressed to this computer, then what came of earlier ones. */
export function ApprovalsScreen() {
  const state = useAppStore(approvalsSelectors.state);
  const open = useAppStore(approvalsSelectors.open);
  const history = useAppStore(approvalsSelectors.history);
  const status = useAppStore(approvalsSelectors.status);
  const error = useAppStore(approvalsSelectors.error);
  const loadApprovals = useAppStore((s) => s.loadApprovals);

  useEffect(() => {
    void loadApprovals();
  }, [loadApprovals]);

  return (
    <PageLayout screen="approvals" title="Approvals" testId="approvals-screen">
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load your approvals."
          message={error.message}
          onRetry={() => void loadApprovals()}
        />
      ) : null}
      {state && !state.enabled ? <VoteHereCard /> : null}
      {state?.enabled ? (
        <section aria-labelledby="open-ballots-title">
          <h2 id="open-ballots-title" className="section-label">
            Waiting for your vote
          </h2>
          {open.length === 0 ? (
            <p className="muted quiet-note" data-testid="no-ballots" aria-live="polite">
              Nothing waits for your vote.
            </p>
          ) : (
            <ul className="ballot-list" aria-live="polite">
              {open.map((ballot) => (
                <BallotCard key={ballot.ballotId} ballot={ballot} />
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {history.length > 0 ? (
        <section className="card" aria-labelledby="ballot-history-title">
          <h2 id="ballot-history-title" className="card-title">
            History
          </h2>
          <div className="table-scroll">
            <table className="data-table" aria-labelledby="ballot-history-title">
              <thead>
                <tr>
                  <th scope="col">What was asked</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {history.map((record) => (
                  <tr key={record.ballotId} data-testid="ballot-history-row">
                    <td>
                      <span className="history-title">{record.title}</span>
                      <span className="muted history-facts">
                        {record.facts.map((fact) => `${fact.label}: ${fact.value}`).join(' · ')}
                      </span>
                    </td>
                    <td data-testid="ballot-outcome" data-outcome={record.outcome ?? ''}>
                      {record.outcomeWords}
                    </td>
                    <td className="muted">{formatDate(record.decidedAt ?? record.receivedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </PageLayout>
  );
}
