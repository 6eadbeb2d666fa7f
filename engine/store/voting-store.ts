/**
 * Store seam for governance (contract §10–§12): the profile's voting defaults, named voting
 * configurations, policies, voting pools with their ballots, and the commands a vote holds.
 * Times are epoch milliseconds; see store.ts for the conventions.
 */

export type Strategy = 'unanimous' | 'consensus' | 'affirmative' | 'minimum_percentage';

export interface VotingDefaults {
  strategy: Strategy;
  /** Only for `minimum_percentage`, else null. */
  percentageRequired: number | null;
  quorumSize: number;
  /** Seconds per round. */
  timeLimit: number;
  maxAttempts: number;
}

export interface VotingConfigurationRecord {
  id: string;
  profileId: string;
  name: string;
  /** Seconds per round. */
  timeLimit: number;
  strategy: Strategy;
  percentageRequired: number | null;
  /** Authenticators; empty means every authenticator of the profile at pool creation. */
  deviceIds: string[];
  createdAt: number;
  updatedAt: number;
}

export type VotingConfigurationChanges = Partial<
  Pick<
    VotingConfigurationRecord,
    'name' | 'timeLimit' | 'strategy' | 'percentageRequired' | 'deviceIds'
  >
>;

export type PolicyStatus = 'active' | 'inactive';

export interface PolicyRecord {
  id: string;
  profileId: string;
  name: string;
  templateId: string;
  eventIds: string[];
  configuration: Record<string, string>;
  votingConfigurationId: string | null;
  status: PolicyStatus;
  createdAt: number;
  updatedAt: number;
}

export type PoolStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

export interface PoolRecord {
  id: string;
  profileId: string;
  status: PoolStatus;
  strategy: Strategy;
  percentageRequired: number | null;
  quorumSize: number;
  maxAttempts: number;
  /** Seconds per round. */
  timeLimit: number;
  /** 1-based; `expiresAt` and the open ballots belong to it. */
  round: number;
  subject: string;
  context: string | null;
  /** Who gets a ballot each round (authenticators that lose the role drop out). */
  deviceIds: string[];
  /** The held command this pool decides, if any (contract §11). */
  commandId: string | null;
  policyId: string | null;
  createdAt: number;
  expiresAt: number;
  resolvedAt: number | null;
}

export type PoolChanges = Partial<
  Pick<PoolRecord, 'status' | 'round' | 'deviceIds' | 'expiresAt' | 'resolvedAt'>
>;

export type Vote = 'yes' | 'no';

export interface BallotRecord {
  id: string;
  poolId: string;
  profileId: string;
  deviceId: string;
  round: number;
  vote: Vote | null;
  votedAt: number | null;
  createdAt: number;
}

/** An open ballot with what its BALLOT message carries. */
export interface OpenBallot {
  ballot: BallotRecord;
  subject: string;
  expiresAt: number;
}

export type HoldState = 'waiting' | 'released' | 'rejected';

/**
 * A command waiting for its pools (contract §11). `prepared` is what the command had already
 * done before it was held (an upload's stored bytes), kept so it can finish after a restart.
 */
export interface CommandHoldRecord {
  commandId: string;
  profileId: string;
  eventId: string;
  prepared: unknown;
  state: HoldState;
  createdAt: number;
}

export interface VotingDefaultsRepo {
  /** Undefined when the profile never changed them (the contract's defaults apply). */
  get(profileId: string): Promise<VotingDefaults | undefined>;
  set(profileId: string, defaults: VotingDefaults, at: number): Promise<void>;
}

export interface VotingConfigurationRepo {
  insert(record: VotingConfigurationRecord): Promise<void>;
  byId(id: string): Promise<VotingConfigurationRecord | undefined>;
  byName(profileId: string, name: string): Promise<VotingConfigurationRecord | undefined>;
  /** Oldest first. */
  list(profileId: string): Promise<VotingConfigurationRecord[]>;
  update(id: string, changes: VotingConfigurationChanges, at: number): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface PolicyRepo {
  insert(record: PolicyRecord): Promise<void>;
  byId(id: string): Promise<PolicyRecord | undefined>;
  byName(profileId: string, name: string): Promise<PolicyRecord | undefined>;
  /** Oldest first; every status when `status` is undefined. */
  list(profileId: string, status?: PolicyStatus): Promise<PolicyRecord[]>;
  setStatus(id: string, status: PolicyStatus, at: number): Promise<void>;
  remove(id: string): Promise<void>;
  /** Whether any policy names the voting configuration. */
  usesConfiguration(votingConfigurationId: string): Promise<boolean>;
}

export interface PoolRepo {
  insert(record: PoolRecord): Promise<void>;
  byId(id: string): Promise<PoolRecord | undefined>;
  update(id: string, changes: PoolChanges): Promise<void>;
  /** Every pool deciding a command. */
  forCommand(commandId: string): Promise<PoolRecord[]>;
  /** Pending pools whose round deadline is at or before `at`. */
  pendingDueBy(at: number): Promise<PoolRecord[]>;
  /** The earliest deadline of a pending pool. */
  nextDeadline(): Promise<number | undefined>;
  /** Pending pools a device may hold ballots in. */
  pendingForDevice(profileId: string, deviceId: string): Promise<PoolRecord[]>;
}

export interface BallotRepo {
  insert(record: BallotRecord): Promise<void>;
  byId(id: string): Promise<BallotRecord | undefined>;
  forRound(poolId: string, round: number): Promise<BallotRecord[]>;
  /** Records a vote; false when the ballot already had one (votes are final). */
  cast(id: string, vote: Vote, at: number): Promise<boolean>;
  /** Unvoted ballots of the current round of pending pools, for one device. */
  openForDevice(deviceId: string): Promise<OpenBallot[]>;
  /** Withdraws a device's unvoted ballots in the current round of a pool. */
  withdraw(poolId: string, round: number, deviceId: string): Promise<number>;
}

export interface CommandHoldRepo {
  insert(record: CommandHoldRecord): Promise<void>;
  byCommand(commandId: string): Promise<CommandHoldRecord | undefined>;
  /** Moves the hold on; false when it was not in `from` (someone else moved it first). */
  transition(commandId: string, from: HoldState, to: HoldState): Promise<boolean>;
  /** Forgets the hold of a command that ended. */
  remove(commandId: string): Promise<void>;
}
