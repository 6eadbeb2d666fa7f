import { printable } from '../../bridge/printable.ts';
import type { BallotView } from '../../bridge/types.ts';
import { describeCountdown, formatCountdown, secondsUntil } from '../model/countdown.ts';
import { formatDate } from '../model/format-date.ts';
import { approvalsSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';
import { useNow } from './use-now.ts';

/**
 * One ballot addressed to this computer: what is asked, with the facts the engine sent
 * (operation, file, folder, size or device), when it was asked, a live countdown, and Approve
 * and Reject side by side — as easy as each other, worded by what they do.
 */
export function BallotCard({ ballot }: { ballot: BallotView }) {
  const busy = useAppStore(approvalsSelectors.busy(ballot.ballotId));
  const castVote = useAppStore((s) => s.castVote);
  const now = useNow();
  const left = secondsUntil(ballot.expiresAt, now);
  const expired = left === 0;
  const titleId = `ballot-${ballot.ballotId}`;
  return (
    <li
      className="ballot-card card"
      data-testid="ballot"
      data-ballot-id={ballot.ballotId}
      aria-labelledby={titleId}
    >
      <div className="ballot-head">
        <Icon name="lock" size={18} className="ballot-icon" />
        <div className="ballot-heading">
          <h3 className="ballot-title" id={titleId}>
            {printable(ballot.title)}
          </h3>
          <span className="muted">
            Asked{' '}
            <time dateTime={ballot.requestedAt ?? ballot.receivedAt}>
              {formatDate(ballot.requestedAt ?? ballot.receivedAt)}
            </time>
            {ballot.round && ballot.round > 1 ? ` · round ${ballot.round}` : ''}
          </span>
        </div>
        <span
          className={`ballot-countdown${expired ? ' is-expired' : ''}`}
          data-testid="ballot-countdown"
          aria-label={describeCountdown(left)}
        >
          {expired ? 'Time is up' : `${formatCountdown(left)} left`}
        </span>
      </div>
      {ballot.facts.length > 0 ? (
        <dl className="ballot-facts">
          {ballot.facts.map((fact) => (
            <div key={fact.label} className="ballot-fact">
              <dt>{fact.label}</dt>
              <dd>{printable(fact.value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div className="ballot-actions" role="group" aria-label={`Vote on: ${ballot.title}`}>
        <button
          type="button"
          className="button button-danger"
          disabled={busy !== null || expired}
          aria-busy={busy === 'no' || undefined}
          onClick={() => void castVote(ballot.ballotId, 'no')}
        >
          {busy === 'no' ? <Spinner size={12} /> : <Icon name="x" size={14} />}
          Reject
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== null || expired}
          aria-busy={busy === 'yes' || undefined}
          onClick={() => void castVote(ballot.ballotId, 'yes')}
        >
          {busy === 'yes' ? <Spinner size={12} /> : <Icon name="check" size={14} />}
          {ballot.approveLabel}
        </button>
      </div>
    </li>
  );
}
