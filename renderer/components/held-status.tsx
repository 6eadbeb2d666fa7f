import type { VoteHold } from '../../bridge/types.ts';
import { describeCountdown, secondsUntil } from '../model/countdown.ts';
import { holdWords } from '../model/vote-hold.ts';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';
import { useNow } from './use-now.ts';

/**
 * An operation waiting for a vote, Safe-style: "Awaiting approval — 1 of 2" with a live
 * countdown and the policy that holds it; once the vote ended, its outcome in words.
 */
export function HeldStatus({ hold, compact = false }: { hold: VoteHold; compact?: boolean }) {
  const now = useNow(hold.status === 'pending');
  const words = holdWords(hold, now);
  const left = hold.expiresAt ? secondsUntil(hold.expiresAt, now) : null;
  return (
    <div
      className={`held-status held-${words.tone}${compact ? ' held-compact' : ''}`}
      data-testid="held-status"
      data-status={hold.status}
      role="status"
    >
      {words.pending ? (
        <Spinner size={12} />
      ) : (
        <Icon
          name={words.tone === 'success' ? 'check' : words.tone === 'danger' ? 'x' : 'info'}
          size={13}
        />
      )}
      <span className="held-headline" data-testid="held-headline">
        {words.headline}
      </span>
      {words.timeLeft ? (
        <span
          className="held-time"
          aria-label={left !== null ? describeCountdown(left) : undefined}
          data-testid="held-time"
        >
          {words.timeLeft}
        </span>
      ) : null}
      {!compact && words.rule ? <span className="held-rule muted">{words.rule}</span> : null}
    </div>
  );
}
