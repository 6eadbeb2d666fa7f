// Contract §10: verified authenticators, the profile's voting defaults and voting configurations.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';

export type VotingStrategy = 'unanimous' | 'consensus' | 'affirmative' | 'minimum_percentage';

export const VOTING_STRATEGIES: readonly VotingStrategy[] = [
  'unanimous',
  'consensus',
  'affirmative',
  'minimum_percentage',
];

export interface AuthenticatorRecord {
  deviceIdentifier: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  registeredAt: string;
}

export interface VotingDefaults {
  strategy: VotingStrategy;
  percentageRequired: number | null;
  quorumSize: number;
  /** Seconds per round. */
  timeLimit: number;
  maxAttempts: number;
}

export interface VotingConfigurationRecord {
  votingConfigurationId: string;
  name: string;
  timeLimit: number;
  strategy: VotingStrategy;
  percentageRequired: number | null;
  /** Empty: every authenticator of the profile at pool creation. */
  deviceIdentifiers: string[];
  createdAt: string;
  updatedAt: string;
}

export interface VotingConfigurationInput {
  name: string;
  timeLimit: number;
  strategy: VotingStrategy;
  percentageRequired?: number;
  deviceIdentifiers: string[];
}

async function command(
  http: HttpClient,
  path: string,
  form: Record<string, string | number | undefined>,
): Promise<AcceptedCommand<void>> {
  return acceptCommand(await http.request({ method: 'POST', path, form }));
}

/** POST /verified-authenticator/register: an approved device without a role votes from now on. */
export function registerAuthenticator(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/register', input);
}

/** GET /verified-authenticator/list */
export async function listAuthenticators(http: HttpClient): Promise<AuthenticatorRecord[]> {
  return (
    await http.request<AuthenticatorRecord[]>({
      method: 'GET',
      path: '/verified-authenticator/list',
    })
  ).data;
}

/** POST /verified-authenticator/remove: its role becomes null and its open ballots go. */
export function removeAuthenticator(
  http: HttpClient,
  input: { deviceIdentifier: string },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/remove', input);
}

/** GET /verified-authenticator/retrieve-strategy: the profile's voting defaults. */
export async function retrieveStrategy(http: HttpClient): Promise<VotingDefaults> {
  return (
    await http.request<VotingDefaults>({
      method: 'GET',
      path: '/verified-authenticator/retrieve-strategy',
    })
  ).data;
}

export function setQuorumSize(
  http: HttpClient,
  input: { quorumSize: number },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/set-quorum-size', input);
}

/** `percentageRequired` goes as `strategy_params`, required for minimum_percentage only. */
export function setQuorumStrategy(
  http: HttpClient,
  input: { strategy: VotingStrategy; percentageRequired?: number },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/set-quorum-strategy', {
    strategy: input.strategy,
    ...(input.percentageRequired === undefined
      ? {}
      : { strategy_params: String(input.percentageRequired) }),
  });
}

export function setVotingTimeLimit(
  http: HttpClient,
  input: { timeLimit: number },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/set-voting-time-limit', input);
}

export function setMaximumVotingAttempts(
  http: HttpClient,
  input: { maxAttempts: number },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/set-maximum-voting-attempts', input);
}

/** POST …/voting-configuration/register; status 2 `{votingConfigurationId}`. */
export async function registerVotingConfiguration(
  http: HttpClient,
  input: VotingConfigurationInput,
): Promise<AcceptedCommand<{ votingConfigurationId: string }>> {
  const response = await http.request({
    method: 'POST',
    path: '/verified-authenticator/voting-configuration/register',
    json: input,
  });
  // The configuration takes the command id as its id (contract §1.6).
  return acceptCommand(response, async (commandId) => ({ votingConfigurationId: commandId }));
}

/** POST …/voting-configuration/update; `votingConfigurationId` is an id or a name. */
export async function updateVotingConfiguration(
  http: HttpClient,
  input: { votingConfigurationId: string } & Partial<VotingConfigurationInput>,
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({
      method: 'POST',
      path: '/verified-authenticator/voting-configuration/update',
      json: input,
    }),
  );
}

export async function listVotingConfigurations(
  http: HttpClient,
): Promise<VotingConfigurationRecord[]> {
  return (
    await http.request<{ items: VotingConfigurationRecord[] }>({
      method: 'GET',
      path: '/verified-authenticator/voting-configuration/list',
    })
  ).data.items;
}

/** GET …/voting-configuration/retrieve/{nameOrId} */
export async function retrieveVotingConfiguration(
  http: HttpClient,
  nameOrId: string,
): Promise<VotingConfigurationRecord> {
  return (
    await http.request<VotingConfigurationRecord>({
      method: 'GET',
      path: `/verified-authenticator/voting-configuration/retrieve/${encodeURIComponent(nameOrId)}`,
    })
  ).data;
}

/** Rejected with voting_configuration.in_use while a policy names it. */
export function deleteVotingConfiguration(
  http: HttpClient,
  input: { votingConfigurationId: string },
): Promise<AcceptedCommand<void>> {
  return command(http, '/verified-authenticator/voting-configuration/delete', input);
}
