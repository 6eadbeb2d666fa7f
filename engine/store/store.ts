/**
 * The engine's persistence seam, grouped by area. Every method is asynchronous so that a
 * networked database (PostgreSQL) can satisfy the same interface: sqlite.ts and postgres.ts
 * implement it, open-store.ts picks one, and the engine's conformance tests (test/engine) run on
 * both (vitest projects `sqlite` and `postgres`). Domain code imports only this file and the area files beside it
 * (device-store.ts, data-store.ts, voting-store.ts, directory-store.ts, oauth-store.ts,
 * cluster-store.ts). Times are epoch milliseconds.
 */

import type { LeaseRepo, NodeRepo, SettingRepo } from './cluster-store.ts';
import type { DataTokenRepo, DownloadTokenRepo, TransactionCountRepo } from './data-store.ts';
import type { DeviceRepo, HoldingRepo, PendingDeleteRepo } from './device-store.ts';
import type {
  DirectoryPoolRepo,
  DirectoryRepo,
  InvitationRepo,
  MemberRepo,
  ProvisionedDeviceRepo,
} from './directory-store.ts';
import type {
  OAuthApplicationRepo,
  OAuthGrantRepo,
  OAuthRefreshRepo,
  OAuthRequestRepo,
} from './oauth-store.ts';
import type {
  BallotRepo,
  CommandHoldRepo,
  PolicyRepo,
  PoolRepo,
  VotingConfigurationRepo,
  VotingDefaultsRepo,
} from './voting-store.ts';

export interface ProfileRecord {
  id: string;
  username: string;
  passwordHash: string;
  publicKey: string | null;
  createdAt: number;
}

export type TokenKind = 'profile' | 'device' | 'oauth';

export interface TokenRecord {
  hash: string;
  kind: TokenKind;
  profileId: string;
  deviceId: string | null;
  /** The OAuth grant an access token (kind `oauth`) belongs to; absent or null for the other kinds. */
  grantId?: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /**
   * Who minted a device token when it was not the token's own profile: a directory owner or
   * admin fetching the configuration of a device the directory made for a member. Absent or
   * null when the profile minted it itself. Reauthorizing keeps it (token-access.ts).
   */
  issuedBy?: string | null;
}

export type CommandStatus = 1 | 2 | 3;

export interface CommandRecord {
  id: string;
  kind: string;
  profileId: string | null;
  status: CommandStatus;
  reason: string | null;
  /** What a restarted engine needs to run the command again; never a plaintext secret. */
  payload: unknown;
  /** The OAuth grant whose access token sent it (its messages go to that grant's sockets too). */
  grantId?: string | null;
  /**
   * The node run (cluster-store.ts incarnation) that runs it while at status 1; null or absent
   * when no run has taken it yet, so the next to look does.
   */
  owner?: string | null;
  createdAt: number;
  completedAt: number | null;
}

export interface QrTokenRecord {
  hash: string;
  profileId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface ProfileRepo {
  insert(profile: ProfileRecord): Promise<void>;
  byId(id: string): Promise<ProfileRecord | undefined>;
  /** Case-insensitive. */
  byUsername(username: string): Promise<ProfileRecord | undefined>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  setPublicKey(id: string, publicKey: string): Promise<void>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  byHash(hash: string): Promise<TokenRecord | undefined>;
  revoke(hash: string, at: number): Promise<void>;
  /** Lowers the expiry (never raises it). */
  expireBy(hash: string, at: number): Promise<void>;
  revokeForDevice(deviceId: string, at: number): Promise<string[]>;
  /** Revokes a grant's live access tokens; returns their digests (to close their sockets). */
  revokeForGrant(grantId: string, at: number): Promise<string[]>;
  /** The profile's tokens that are neither expired nor revoked at `at`. */
  liveForProfile(profileId: string, at: number): Promise<TokenRecord[]>;
  /** Forgets tokens that expired or were revoked before `at`; they can never be valid again. */
  pruneDeadBefore(at: number): Promise<number>;
}

export interface CommandRepo {
  insert(command: CommandRecord): Promise<void>;
  byId(id: string): Promise<CommandRecord | undefined>;
  /** Status-2 bodies are delivered, never kept: they can hold credentials (temporary token, upload URL). */
  finish(id: string, status: 2 | 3, reason: string | null, at: number): Promise<void>;
  started(): Promise<CommandRecord[]>;
  /**
   * Takes every command at status 1 whose owner is no registered node run (it died, or none took
   * it) for `owner`; returns them. Two runs asking at once never get the same command.
   */
  claimOrphans(owner: string): Promise<CommandRecord[]>;
  /** Makes `owner` the command's runner (a held command released on another node). */
  setOwner(id: string, owner: string): Promise<void>;
  /** Succeeded commands of a profile by kind, with completion times in [from, to). */
  succeededBetween(
    profileId: string,
    kinds: readonly string[],
    from: number,
    to: number,
  ): Promise<{ kind: string; completedAt: number }[]>;
  pruneCompletedBefore(at: number): Promise<number>;
}

/**
 * Attempts that count toward a limit (domain/attempt-limits.ts), by key: a sign-in failure of a
 * username, of a client address, a registration from an address. An attempt is recorded before
 * it is checked and released when it turns out not to count (a right password).
 */
export interface AuthFailureRepo {
  /** Returns the attempt's id, for release. */
  record(key: string, at: number): Promise<number>;
  release(id: number): Promise<void>;
  /** Times of the key's attempts after `at`, oldest first. */
  since(key: string, at: number): Promise<number[]>;
  pruneBefore(at: number): Promise<void>;
}

export interface QrTokenRepo {
  insert(token: QrTokenRecord): Promise<void>;
  byHash(hash: string): Promise<QrTokenRecord | undefined>;
  /** Marks it used; false when it was already used (single use under concurrency). */
  consume(hash: string, at: number): Promise<boolean>;
}

export interface StoreRepos {
  profiles: ProfileRepo;
  tokens: TokenRepo;
  commands: CommandRepo;
  authFailures: AuthFailureRepo;
  qrTokens: QrTokenRepo;
  devices: DeviceRepo;
  holdings: HoldingRepo;
  pendingDeletes: PendingDeleteRepo;
  dataTokens: DataTokenRepo;
  downloadTokens: DownloadTokenRepo;
  transactionCounts: TransactionCountRepo;
  directories: DirectoryRepo;
  directoryMembers: MemberRepo;
  invitations: InvitationRepo;
  provisionedDevices: ProvisionedDeviceRepo;
  directoryPools: DirectoryPoolRepo;
  oauthApplications: OAuthApplicationRepo;
  oauthRequests: OAuthRequestRepo;
  oauthGrants: OAuthGrantRepo;
  oauthRefreshTokens: OAuthRefreshRepo;
  votingDefaults: VotingDefaultsRepo;
  votingConfigurations: VotingConfigurationRepo;
  policies: PolicyRepo;
  pools: PoolRepo;
  ballots: BallotRepo;
  holds: CommandHoldRepo;
  nodes: NodeRepo;
  leases: LeaseRepo;
  settings: SettingRepo;
}

export interface Store extends StoreRepos {
  /** Runs `work` in one transaction: every write inside commits together or not at all. */
  atomic<T>(work: (tx: StoreRepos) => Promise<T>): Promise<T>;
  /**
   * True when calls take effect in the order they are made, a later one seeing an earlier
   * one's writes before either resolves (SQLite: one connection, group-commit.ts). False on a
   * pool of connections (PostgreSQL): a call that must see another's write waits for it.
   */
  readonly ordered: boolean;
  close(): Promise<void>;
}

/** The synchronous shape an embedded database implements; the store wraps it in promises. */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};
