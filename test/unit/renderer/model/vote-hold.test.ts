import { describe, expect, it } from 'vitest';
import type { PolicyInfo, Transfer, VoteHold } from '../../../../bridge/types.ts';
import { withHold } from '../../../../renderer/model/transfer-list.ts';
import { holdWords } from '../../../../renderer/model/vote-hold.ts';
import {
  durationWords,
  policySentence,
  strategyWords,
} from '../../../../renderer/model/voting-words.ts';

const now = Date.parse('2026-11-26T21:40:00Z');
const hold = (change: Partial<VoteHold> = {}): VoteHold => ({
  poolId: 'p',
  policyId: 'x',
  policyName: 'finance-uploads',
  status: 'pending',
  approvals: 1,
  needed: 2,
  voters: 3,
  round: 1,
  expiresAt: '2026-11-26T21:44:32+00:00',
  outcome: null,
  ...change,
});

describe('held operations in words', () => {
  it('reads "Awaiting approval — 1 of 2" with the time left and the rule', () => {
    expect(holdWords(hold(), now)).toEqual({
      headline: 'Awaiting approval — 1 of 2',
      timeLeft: '4:32 left',
      rule: 'Policy “finance-uploads”',
      pending: true,
      tone: 'waiting',
    });
    expect(holdWords(hold({ round: 2 }), now).timeLeft).toBe('4:32 left (round 2)');
    expect(holdWords(hold({ expiresAt: '2026-11-26T21:39:00+00:00' }), now).timeLeft).toBe(
      'Time is up',
    );
    // Before the pool was read there is no count to show yet.
    expect(holdWords(hold({ needed: 0, expiresAt: null }), now)).toMatchObject({
      headline: 'Awaiting approval',
      timeLeft: null,
    });
  });

  it('shows the outcome once the vote ended', () => {
    expect(
      holdWords(hold({ status: 'rejected', outcome: 'Rejected by Phone' }), now),
    ).toMatchObject({
      headline: 'Rejected by Phone',
      pending: false,
      tone: 'danger',
      timeLeft: null,
    });
    expect(holdWords(hold({ status: 'approved', outcome: 'Approved by Phone' }), now).tone).toBe(
      'success',
    );
    expect(holdWords(hold({ status: 'expired', outcome: 'Expired' }), now).tone).toBe('neutral');
  });

  it('takes a late outcome onto a finished transfer, and nothing else', () => {
    const done: Transfer = {
      id: 't1',
      batchId: 'b',
      kind: 'upload',
      name: 'ledger.csv',
      context: '/finance',
      bytes: 10,
      total: 10,
      state: 'done',
      error: null,
      token: 'D-x',
      target: null,
      renamedFrom: null,
      retryable: false,
      hold: hold(),
    };
    const late = {
      ...done,
      state: 'running' as const,
      bytes: 0,
      hold: hold({ status: 'approved', outcome: 'Approved by Phone' }),
    };
    expect(withHold([done], late)).toEqual([{ ...done, hold: late.hold }]);
    expect(withHold([done], { ...late, id: 'other' })).toEqual([done]);
  });
});

describe('voting words', () => {
  it('says what a strategy, a duration and a policy mean', () => {
    expect(strategyWords('minimum_percentage', 75)).toBe('At least 75% of the votes yes');
    expect(strategyWords('consensus', null)).toBe('More yes than no');
    expect(durationWords(300)).toBe('5 minutes');
    expect(durationWords(3600)).toBe('1 hour');
    expect(durationWords(90)).toBe('90 seconds');
    const policy: PolicyInfo = {
      policyId: 'p',
      name: 'finance',
      templateId: 'data-token-governance',
      eventIds: ['data_token.exchanged', 'data_token.deleted'],
      contextPrefix: '/finance',
      votingConfigurationId: null,
      active: true,
      createdAt: '',
    };
    const template = {
      id: 'data-token-governance',
      name: 'Data token governance',
      description: '',
      configuration: ['contextPrefix'],
      events: [
        { id: 'data_token.exchanged', label: 'Data upload' },
        { id: 'data_token.deleted', label: 'Data deletion' },
      ],
    };
    expect(policySentence(policy, template, null)).toBe(
      'Data upload and Data deletion under /finance wait for a vote, decided by the voting defaults',
    );
    expect(
      policySentence({ ...policy, eventIds: ['data_token.exchanged'] }, template, 'board'),
    ).toBe('Data upload under /finance waits for a vote, decided by “board”');
  });
});
