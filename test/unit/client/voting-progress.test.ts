import { describe, expect, it } from 'vitest';
import { describeBallot, parseBallotSubject } from '../../../client/ballot-subject.ts';
import type { PoolRecord } from '../../../client/endpoints/voting.ts';
import { votingProgress } from '../../../client/voting-progress.ts';
import {
  STRATEGIES,
  integerBetween,
  pick,
  referenceSettled,
  seededRandom,
} from '../../support/voting-reference.ts';

function pool(
  change: Partial<PoolRecord>,
  voters: number,
  votes: ('yes' | 'no' | null)[] = [],
): PoolRecord {
  return {
    poolId: 'p',
    status: 'pending',
    strategy: 'consensus',
    percentageRequired: null,
    quorumSize: 1,
    round: 1,
    subject: 's',
    context: null,
    createdAt: '',
    expiresAt: '',
    resolvedAt: null,
    ballots: Array.from({ length: voters }, (_, i) => ({
      ballotId: `b${i}`,
      deviceIdentifier: `d${i}`,
      vote: votes[i] ?? null,
      votedAt: null,
    })),
    ...change,
  };
}

describe('votingProgress', () => {
  it('counts "1 of 2" as the contract table decides', () => {
    expect(votingProgress(pool({}, 2, ['yes']))).toEqual({
      approvals: 1,
      rejections: 0,
      needed: 2,
      voters: 2,
      round: 1,
    });
    expect(votingProgress(pool({ strategy: 'affirmative' }, 3)).needed).toBe(1);
    expect(votingProgress(pool({ strategy: 'unanimous' }, 3)).needed).toBe(3);
    expect(
      votingProgress(
        pool({ strategy: 'minimum_percentage', percentageRequired: 66, quorumSize: 2 }, 3),
      ).needed,
    ).toBe(2);
  });

  it('needs exactly the yes votes after which the reference calls the round approved', () => {
    const random = seededRandom(0x10f2);
    for (let i = 0; i < 500; i++) {
      const voters = integerBetween(random, 1, 6);
      const rules = {
        strategy: pick(random, STRATEGIES),
        percentageRequired: integerBetween(random, 1, 100),
        quorumSize: integerBetween(random, 1, voters),
      };
      const { needed } = votingProgress(pool(rules, voters));
      const approvedAfter = (yes: number) =>
        referenceSettled(rules, Array<'yes'>(yes).fill('yes'), voters - yes) === 'approved';
      expect(approvedAfter(needed), JSON.stringify({ rules, voters, needed })).toBe(true);
      if (needed > 1) expect(approvedAfter(needed - 1)).toBe(false);
    }
  });
});

describe('ballot subjects', () => {
  it('parse the contract format and decode values', () => {
    expect(parseBallotSubject('data_token.exchanged context=/My%20Files size=48241')).toEqual({
      eventId: 'data_token.exchanged',
      attributes: { context: '/My Files', size: '48241' },
      text: 'data_token.exchanged context=/My%20Files size=48241',
    });
    expect(
      describeBallot(parseBallotSubject('data_token.exchanged context=/finance size=48241')),
    ).toEqual({
      title: 'Upload a file into /finance',
      facts: [
        { label: 'Folder', value: '/finance' },
        { label: 'Size', value: '47 KB' },
      ],
    });
    // Free text from a standalone pool is shown as it is, never read as an event.
    expect(parseBallotSubject('Open the safe at noon')).toMatchObject({ eventId: null });
    expect(describeBallot(parseBallotSubject('Open the safe at noon')).title).toBe(
      'Open the safe at noon',
    );
    expect(parseBallotSubject('device.approval_requested bad')).toMatchObject({ eventId: null });
    expect(parseBallotSubject('profile.password_changed username=%E0%A4%A')).toMatchObject({
      attributes: { username: '%E0%A4%A' },
    });
  });
});
