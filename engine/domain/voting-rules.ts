import type { Strategy } from '../store/voting-store.ts';

/**
 * The outcome rules of contract §10, as pure functions over vote counts. The pool machine
 * (voting-pool.ts) asks them after every vote, withdrawal and deadline.
 *
 *   unanimous           y = c
 *   consensus           2y > c
 *   affirmative         y ≥ 1
 *   minimum_percentage  100·y ≥ percentageRequired·c
 *
 * A round with fewer than quorumSize ballots cast has no quorum; otherwise it is approved when
 * the strategy's rule holds, else rejected.
 */

export interface RoundRules {
  strategy: Strategy;
  percentageRequired: number | null;
  quorumSize: number;
}

export type RoundOutcome = 'approved' | 'rejected' | 'no_quorum';

export function strategyHolds(
  strategy: Strategy,
  percentageRequired: number | null,
  yes: number,
  cast: number,
): boolean {
  switch (strategy) {
    case 'unanimous':
      return yes === cast;
    case 'consensus':
      return 2 * yes > cast;
    case 'affirmative':
      return yes >= 1;
    case 'minimum_percentage':
      return 100 * yes >= (percentageRequired ?? 100) * cast;
  }
}

/** The outcome of a round in which exactly these votes were cast. */
export function roundOutcome(rules: RoundRules, yes: number, no: number): RoundOutcome {
  const cast = yes + no;
  if (cast < rules.quorumSize) return 'no_quorum';
  return strategyHolds(rules.strategy, rules.percentageRequired, yes, cast)
    ? 'approved'
    : 'rejected';
}

/**
 * The round's outcome if it is already decided: when every completion of the `open` ballots
 * (each cast yes, cast no or never cast) gives the same outcome, no remaining ballot can change
 * it and the round ends now (contract §10 early resolution). Undefined while it is still open.
 * Only the numbers of extra yes and no votes matter, so the completions are the pairs
 * (extraYes, extraNo) with extraYes + extraNo ≤ open.
 */
export function settledOutcome(
  rules: RoundRules,
  yes: number,
  no: number,
  open: number,
): RoundOutcome | undefined {
  const first = roundOutcome(rules, yes, no);
  for (let extraYes = 0; extraYes <= open; extraYes++) {
    for (let extraNo = 0; extraYes + extraNo <= open; extraNo++) {
      if (roundOutcome(rules, yes + extraYes, no + extraNo) !== first) return undefined;
    }
  }
  return first;
}
