// How far a voting pool is (contract §10), for "Awaiting approval — 1 of 2": the yes votes so
// far, and how many yes votes approve the round whatever the other voters then do. The rules
// are the contract's table; the engine holds the same ones.

import type { PoolRecord } from './endpoints/voting.ts';
import type { VotingStrategy } from './endpoints/verified-authenticator.ts';

export interface VotingProgress {
  approvals: number;
  rejections: number;
  /** Yes votes that approve the round whatever the other voters do. */
  needed: number;
  voters: number;
  round: number;
}

function holds(strategy: VotingStrategy, percentage: number | null, yes: number, cast: number) {
  switch (strategy) {
    case 'unanimous':
      return yes === cast;
    case 'consensus':
      return 2 * yes > cast;
    case 'affirmative':
      return yes >= 1;
    case 'minimum_percentage':
      return 100 * yes >= (percentage ?? 100) * cast;
  }
}

/** True when, with `yes` yes votes and `open` voters left, the round is approved whatever they do. */
function approvedWhatever(pool: PoolRecord, yes: number, open: number): boolean {
  for (let more = 0; more <= open; more++) {
    for (let no = 0; more + no <= open; no++) {
      const cast = yes + more + no;
      if (cast < pool.quorumSize) return false;
      if (!holds(pool.strategy, pool.percentageRequired, yes + more, cast)) return false;
    }
  }
  return true;
}

export function votingProgress(pool: PoolRecord): VotingProgress {
  const voters = pool.ballots.length;
  const approvals = pool.ballots.filter((ballot) => ballot.vote === 'yes').length;
  const rejections = pool.ballots.filter((ballot) => ballot.vote === 'no').length;
  let needed = voters;
  for (let yes = 0; yes <= voters; yes++) {
    if (approvedWhatever(pool, yes, voters - yes)) {
      needed = yes;
      break;
    }
  }
  return { approvals, rejections, needed: Math.max(needed, 1), voters, round: pool.round };
}
