import type { HeldOperation, VoteHold } from '../../bridge/types.ts';
import { formatCountdown, secondsUntil } from './countdown.ts';

/** A vote an operation waits for, in the words the screens show (APPROVALS.md: Safe-style). */
export interface HoldWords {
  /** "Awaiting approval — 1 of 2", or the outcome once it ended ("Rejected by Phone"). */
  headline: string;
  /** "4:32 left", "Time is up" or null once it ended. */
  timeLeft: string | null;
  /** "Policy “finance-uploads”", when known. */
  rule: string | null;
  pending: boolean;
  tone: 'waiting' | 'success' | 'danger' | 'neutral';
}

export function holdWords(hold: VoteHold, now: number): HoldWords {
  const rule = hold.policyName ? `Policy “${hold.policyName}”` : null;
  if (hold.status === 'pending') {
    const counted = hold.needed > 0 ? ` — ${hold.approvals} of ${hold.needed}` : '';
    const left = hold.expiresAt ? secondsUntil(hold.expiresAt, now) : null;
    return {
      headline: `Awaiting approval${counted}`,
      timeLeft:
        left === null
          ? null
          : left > 0
            ? `${formatCountdown(left)} left${hold.round > 1 ? ` (round ${hold.round})` : ''}`
            : 'Time is up',
      rule,
      pending: true,
      tone: 'waiting',
    };
  }
  return {
    headline: hold.outcome ?? hold.status,
    timeLeft: null,
    rule,
    pending: false,
    tone:
      hold.status === 'approved' ? 'success' : hold.status === 'rejected' ? 'danger' : 'neutral',
  };
}

/** The key a held operation is kept under: one entry per operation and subject. */
export function heldKey(operation: HeldOperation['operation'], subjectId: string | null): string {
  return `${operation}:${subjectId ?? ''}`;
}
