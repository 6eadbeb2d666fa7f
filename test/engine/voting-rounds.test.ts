import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import {
  addAuthenticator,
  castVote,
  setDefault,
  votingConfiguration,
  type TestAuthenticator,
} from '../support/governance.ts';
import { wire, type Wire } from '../support/http.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { awaitStatus, commandId, createProfile, type TestProfile } from '../support/profiles.ts';
import {
  STRATEGIES,
  integerBetween,
  pick,
  referenceOutcome,
  referenceSettled,
  seededRandom,
  type Rules,
} from '../support/voting-reference.ts';

/**
 * Generated vote sequences played against a real engine (contract §10): strategies, quorum,
 * early resolution, rounds without quorum and deadlines applied by moving the engine's clock.
 * After every vote the pool must be where the reference (written from the table) says.
 */
const clock = new ManualClock();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
const authenticators: TestAuthenticator[] = [];

interface PoolState {
  status: string;
  round: number;
  ballots: { ballotId: string; deviceIdentifier: string; vote: string | null }[];
}

beforeAll(async () => {
  engine = await startTestEngine({ clock });
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  for (const name of ['A', 'B', 'C', 'D', 'E'])
    authenticators.push(await addAuthenticator(api, owner.token, name));
});
afterAll(() => engine.close());

async function poolState(poolId: string): Promise<PoolState> {
  return (await api.get(`/voting/check-pool-status/${poolId}`, owner.token)).body as PoolState;
}

/** Waits until the engine applied a deadline (a timer on its clock fires asynchronously). */
async function awaitPool(poolId: string, wanted: (pool: PoolState) => boolean): Promise<PoolState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pool = await poolState(poolId);
    if (wanted(pool)) return pool;
    if (Date.now() > deadline)
      throw new Error(`pool never reached the state: ${JSON.stringify(pool)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The reference's verdict on a round: its outcome once it has ended, else undefined. */
function roundEnd(rules: Rules, votes: ('yes' | 'no')[], voters: number, deadlinePassed: boolean) {
  if (deadlinePassed || votes.length === voters) return referenceOutcome(rules, votes);
  return referenceSettled(rules, votes, voters - votes.length);
}

describe('generated vote sequences', () => {
  it('end every pool as the reference does', async () => {
    const random = seededRandom(0xb411075);
    let rounds = 0;
    let early = 0;
    let deadlines = 0;
    const statuses = new Set<string>();
    for (let scenario = 0; scenario < 80; scenario++) {
      const voters = authenticators.filter(() => random() < 0.7);
      if (voters.length === 0) voters.push(pick(random, authenticators));
      const rules: Rules = {
        strategy: pick(random, STRATEGIES),
        percentageRequired: integerBetween(random, 1, 100),
        quorumSize: integerBetween(random, 1, voters.length),
      };
      if (rules.strategy !== 'minimum_percentage') rules.percentageRequired = null;
      const maxAttempts = integerBetween(random, 1, 3);
      const timeLimit = integerBetween(random, 10, 120);
      const label = `scenario ${scenario}: ${JSON.stringify({ rules, maxAttempts, voters: voters.length })}`;

      await setDefault(api, owner.token, 'set-quorum-size', {
        quorumSize: String(rules.quorumSize),
      });
      await setDefault(api, owner.token, 'set-maximum-voting-attempts', {
        maxAttempts: String(maxAttempts),
      });
      const name = `scenario-${scenario}`;
      await votingConfiguration(api, owner.token, {
        name,
        timeLimit,
        strategy: rules.strategy,
        ...(rules.percentageRequired !== null
          ? { percentageRequired: rules.percentageRequired }
          : {}),
        deviceIdentifiers: voters.map((voter) => voter.deviceId),
      });
      const created = await api.post(
        '/voting/create',
        { subject: name, votingConfigurationId: name },
        owner.token,
      );
      const poolId = commandId(created);
      expect(await awaitStatus(api, poolId), label).toBe('succeeded');

      let expectedStatus = 'pending';
      let round = 1;
      while (expectedStatus === 'pending') {
        rounds++;
        const pool = await poolState(poolId);
        expect(pool, label).toMatchObject({ status: 'pending', round });
        expect(pool.ballots, label).toHaveLength(voters.length);
        // This round's script: each voter votes yes, no or not at all, in a random order.
        const script = pool.ballots
          .map((ballot) => ({
            ballot,
            vote: pick(random, ['yes', 'no', 'none'] as const),
            key: random(),
          }))
          .sort((a, b) => a.key - b.key);
        const cast: ('yes' | 'no')[] = [];
        let ended: string | undefined;
        for (const step of script) {
          if (step.vote === 'none') continue;
          const voter = authenticators.find((a) => a.deviceId === step.ballot.deviceIdentifier)!;
          const response = await castVote(api, voter.deviceToken, step.ballot.ballotId, step.vote);
          if (ended !== undefined) {
            // The round is over: its ballots are closed.
            expect(response.status, label).toBe(409);
            expect(response.body, label).toMatchObject({ reason: 'voting.pool_closed' });
            continue;
          }
          expect(response.status, `${label} ${JSON.stringify(response.body)}`).toBe(200);
          cast.push(step.vote);
          ended = roundEnd(rules, cast, voters.length, false);
          if (ended !== undefined && cast.length < voters.length) early++;
        }
        if (ended === undefined) {
          deadlines++;
          ended = roundEnd(rules, cast, voters.length, true);
          clock.advance(timeLimit * 1000);
        }
        if (ended === 'no_quorum') {
          expectedStatus = round < maxAttempts ? 'pending' : 'expired';
          if (expectedStatus === 'pending') round++;
        } else expectedStatus = ended!;
        // A deadline applies after the clock moved, not before the next read: wait for the
        // round to end (the next round, or the pool's end) rather than read it at once.
        const after = await awaitPool(poolId, (p) =>
          expectedStatus === 'pending' ? p.round === round : p.status !== 'pending',
        );
        expect(after.status, label).toBe(expectedStatus);
        expect(after.round, label).toBe(round);
      }
      statuses.add(expectedStatus);
    }
    // The sequences covered what they are meant to.
    expect([...statuses].sort()).toEqual(['approved', 'expired', 'rejected']);
    expect(early).toBeGreaterThan(5);
    expect(deadlines).toBeGreaterThan(5);
    expect(rounds).toBeGreaterThan(80);
  });

  it('rejects a pool whose configuration has fewer voters than the quorum', async () => {
    await setDefault(api, owner.token, 'set-quorum-size', { quorumSize: '3' });
    await votingConfiguration(api, owner.token, {
      name: 'too-few',
      timeLimit: 60,
      strategy: 'affirmative',
      deviceIdentifiers: [authenticators[0]!.deviceId, authenticators[1]!.deviceId],
    });
    const created = await api.post(
      '/voting/create',
      { subject: 'x', votingConfigurationId: 'too-few' },
      owner.token,
    );
    const id = commandId(created);
    expect(await awaitStatus(api, id)).toBe('rejected');
    expect((await api.get(`/request-status/${id}`)).headers.get('x-dpt-cab-reason')).toBe(
      'voting.no_authenticators',
    );
  });
});
