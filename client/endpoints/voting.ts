// Contract §12: voting pools and ballots.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';
import type { VotingStrategy } from './verified-authenticator.ts';

export type PoolStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

export interface BallotRecord {
  ballotId: string;
  deviceIdentifier: string;
  vote: 'yes' | 'no' | null;
  votedAt: string | null;
}

/** `ballots` and `expiresAt` describe the current round. */
export interface PoolRecord {
  poolId: string;
  status: PoolStatus;
  strategy: VotingStrategy;
  percentageRequired: number | null;
  quorumSize: number;
  round: number;
  subject: string;
  context: string | null;
  createdAt: string;
  expiresAt: string;
  resolvedAt: string | null;
  ballots: BallotRecord[];
}

/** POST /voting/create: a standalone pool; status 2 `{poolId}` once ballots are out. */
export async function createPool(
  http: HttpClient,
  input: { subject: string; context?: string; votingConfigurationId?: string },
): Promise<AcceptedCommand<{ poolId: string }>> {
  const response = await http.request({ method: 'POST', path: '/voting/create', form: input });
  return acceptCommand(response, async (commandId) => ({ poolId: commandId }));
}

/** GET /voting/check-pool-status/{poolId} */
export async function checkPoolStatus(http: HttpClient, poolId: string): Promise<PoolRecord> {
  return (
    await http.request<PoolRecord>({
      method: 'GET',
      path: `/voting/check-pool-status/${encodeURIComponent(poolId)}`,
    })
  ).data;
}

/** POST /voting/cancel-pool: a command waiting on it ends with policy.vote_cancelled. */
export async function cancelPool(
  http: HttpClient,
  input: { poolId: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/voting/cancel-pool', form: input }),
  );
}

/**
 * POST /voting/cast-vote, with the device token of the authenticator the ballot went to (the
 * HttpClient must send that token). Votes are final.
 */
export async function castVote(
  http: HttpClient,
  input: { ballotId: string; vote: 'yes' | 'no' },
): Promise<{ accepted: true }> {
  return (
    await http.request<{ accepted: true }>({
      method: 'POST',
      path: '/voting/cast-vote',
      form: input,
    })
  ).data;
}
