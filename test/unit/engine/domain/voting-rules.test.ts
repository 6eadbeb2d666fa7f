import { describe, expect, it } from 'vitest';
import {
  roundOutcome,
  settledOutcome,
  strategyHolds,
} from '../../../../engine/domain/voting-rules.ts';
import {
  STRATEGIES,
  integerBetween,
  pick,
  referenceOutcome,
  referenceRule,
  referenceSettled,
  seededRandom,
  type Rules,
} from '../../../support/voting-reference.ts';

/** Contract §10 outcome rules against the reference written from its table. */
describe('voting rules', () => {
  it('match the table on hand-picked cases', () => {
    const consensus = { strategy: 'consensus', percentageRequired: null, quorumSize: 1 } as const;
    expect(roundOutcome(consensus, 1, 1)).toBe('rejected'); // 2·1 > 2 fails
    expect(roundOutcome(consensus, 2, 1)).toBe('approved');
    expect(roundOutcome({ ...consensus, quorumSize: 3 }, 2, 0)).toBe('no_quorum');
    expect(strategyHolds('minimum_percentage', 75, 3, 4)).toBe(true); // 300 ≥ 300
    expect(strategyHolds('minimum_percentage', 75, 2, 3)).toBe(false); // 200 < 225
    expect(strategyHolds('unanimous', null, 0, 0)).toBe(true);
    expect(strategyHolds('affirmative', null, 1, 9)).toBe(true);
    // One no among two unanimous voters settles it at once; one yes does not.
    const unanimous = { strategy: 'unanimous', percentageRequired: null, quorumSize: 1 } as const;
    expect(settledOutcome(unanimous, 0, 1, 1)).toBe('rejected');
    expect(settledOutcome(unanimous, 1, 0, 1)).toBeUndefined();
    // Quorum out of reach: no quorum whatever happens.
    expect(settledOutcome({ ...unanimous, quorumSize: 4 }, 1, 0, 2)).toBe('no_quorum');
  });

  it('agree with the reference over generated vote counts', () => {
    const random = seededRandom(0x5eed);
    let settledCases = 0;
    for (let i = 0; i < 4000; i++) {
      const rules: Rules = {
        strategy: pick(random, STRATEGIES),
        percentageRequired: integerBetween(random, 1, 100),
        quorumSize: integerBetween(random, 1, 6),
      };
      const ballots = integerBetween(random, 0, 7);
      const votes: ('yes' | 'no')[] = [];
      const cast = integerBetween(random, 0, ballots);
      for (let v = 0; v < cast; v++) votes.push(random() < 0.5 ? 'yes' : 'no');
      const yes = votes.filter((vote) => vote === 'yes').length;
      const no = cast - yes;
      const open = ballots - cast;
      const context = JSON.stringify({ rules, yes, no, open });
      expect(strategyHolds(rules.strategy, rules.percentageRequired, yes, cast), context).toBe(
        referenceRule(rules, yes, cast),
      );
      expect(roundOutcome(rules, yes, no), context).toBe(referenceOutcome(rules, votes));
      const expected = referenceSettled(rules, votes, open);
      expect(settledOutcome(rules, yes, no, open), context).toBe(expected);
      if (expected !== undefined && open > 0) settledCases++;
    }
    // The generator reaches early resolution often enough for the comparison to mean something.
    expect(settledCases).toBeGreaterThan(200);
  });
});
