/**
 * The voting rules of contract §10 written straight from its table, independently of the
 * engine's voting-rules.ts, for the property tests to compare against. Early resolution is by
 * brute force: every open ballot is tried as yes, no and never cast.
 */
export type Strategy = 'unanimous' | 'consensus' | 'affirmative' | 'minimum_percentage';
export type Outcome = 'approved' | 'rejected' | 'no_quorum';

export interface Rules {
  strategy: Strategy;
  percentageRequired: number | null;
  quorumSize: number;
}

/** The table's rule column; y = yes votes, c = ballots cast. */
export function referenceRule(rules: Rules, y: number, c: number): boolean {
  if (rules.strategy === 'unanimous') return y === c;
  if (rules.strategy === 'consensus') return 2 * y > c;
  if (rules.strategy === 'affirmative') return y >= 1;
  return 100 * y >= rules.percentageRequired! * c;
}

/** "c < quorumSize → no quorum; otherwise approved if the strategy rule holds, else rejected". */
export function referenceOutcome(rules: Rules, votes: ('yes' | 'no')[]): Outcome {
  const c = votes.length;
  const y = votes.filter((vote) => vote === 'yes').length;
  if (c < rules.quorumSize) return 'no_quorum';
  return referenceRule(rules, y, c) ? 'approved' : 'rejected';
}

/** The outcome when every completion of the open ballots agrees, else undefined. */
export function referenceSettled(
  rules: Rules,
  cast: ('yes' | 'no')[],
  open: number,
): Outcome | undefined {
  const outcomes = new Set<Outcome>();
  const choices = ['yes', 'no', 'none'] as const;
  for (let code = 0; code < 3 ** open; code++) {
    const votes = [...cast];
    let rest = code;
    for (let i = 0; i < open; i++) {
      const choice = choices[rest % 3]!;
      rest = Math.floor(rest / 3);
      if (choice !== 'none') votes.push(choice);
    }
    outcomes.add(referenceOutcome(rules, votes));
  }
  return outcomes.size === 1 ? [...outcomes][0] : undefined;
}

/** A small deterministic PRNG (mulberry32), so every run tests the same sequences. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function integerBetween(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

export const STRATEGIES: readonly Strategy[] = [
  'unanimous',
  'consensus',
  'affirmative',
  'minimum_percentage',
];
