/** Data shapes that cross the bridge. Plain, serialisable, never a secret. */

export type EngineMode = 'embedded' | 'remote';

export interface EngineStatus {
  mode: EngineMode;
  state: 'starting' | 'ready' | 'unreachable' | 'stopped';
  apiUrl: string | null;
  message: string | null;
}

export interface SessionState {
  status: 'signed-out' | 'signed-in';
  username: string | null;
  profileId: string | null;
  engine: { mode: EngineMode; apiUrl: string | null };
  /** ISO time the authorization token expires. */
  expiresAt: string | null;
  /** Why the session ended, in plain words (expired, revoked, signed out). */
  notice: string | null;
}

export interface FileItem {
  token: string;
  fileName: string;
  extension: string | null;
  /** Plaintext bytes. */
  size: number;
  context: string;
  path: string | null;
  createdAt: string;
  updatedAt: string;
  classification: Record<string, string> | null;
}

export interface FilePage {
  items: FileItem[];
  count: number;
  page: number;
  perPage: number;
}

export type FileSort = 'createdAt' | 'fileName' | 'size';

export interface FileDetails extends FileItem {
  storedBytes: number | null;
  storageDevices: { deviceIdentifier: string; name: string; online: boolean }[];
}

/**
 * `interrupted`: stopped by signing out, quitting or a crash rather than by the person; main
 * keeps uploads stopped so across a restart, and offers them again (Retry).
 */
export type TransferState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface Transfer {
  id: string;
  batchId: string;
  kind: 'upload' | 'download';
  name: string;
  context: string;
  bytes: number;
  total: number;
  state: TransferState;
  error: string | null;
  /** The data token once an upload finished. */
  token: string | null;
  /** Where a download was written. */
  target: string | null;
  /**
   * The name the file came with, when the folder already held a file of that name and this one
   * was kept under `name` ("report (2).pdf") instead; null otherwise.
   */
  renamedFrom: string | null;
  /** Main can run it again from its source (files:retry) once it failed or was interrupted. */
  retryable: boolean;
  /** The store or request waits for (or waited for) a vote (contract §11); null when not held. */
  hold: VoteHold | null;
}

export interface UploadStarted {
  batchId: string;
  transfers: Transfer[];
}

/** What a folder operation did: how many files it moved or deleted. */
export interface FolderChange {
  files: number;
}

/** A device of the signed-in profile (contract §8), as the Devices screen shows it. */
export interface DeviceInfo {
  deviceIdentifier: string;
  name: string;
  status: 'pending' | 'approved';
  role: 'storage' | 'authenticator' | null;
  createdAt: string;
  approvedAt: string | null;
  /** The device this app signed in as (QR pairing or an access request). */
  isThisDevice: boolean;
  /** The data key has been left for it, wrapped to its own public key. */
  keyShared: boolean;
  /** A wrapped key is in its record that this computer did not give (another key): a warning sign. */
  foreignKey: boolean;
}

export interface DeviceApproval {
  deviceIdentifier: string;
  /** The data key was wrapped to the device's own key, so it can open the vault's files. */
  dataKeyShared: boolean;
  /** Why the key was not shared, in plain words; null when it was. */
  note: string | null;
}

/**
 * Approving a device that asked to join: both screens show the same code before anything is
 * shared (`ready`), or plain words on why there is no code to compare.
 */
export type DeviceReview =
  | {
      state: 'ready';
      deviceIdentifier: string;
      deviceName: string;
      requestedAt: string;
      /** Six digits in two groups, e.g. `482 913`; the asking device shows the same. */
      code: string;
    }
  | {
      state:
        | 'no-verification'
        | 'answered-elsewhere'
        | 'tampered'
        | 'not-pending'
        | 'device-gone'
        | 'timed-out'
        | 'cancelled';
      deviceIdentifier: string;
      message: string;
    };

/** A device joined with a code this computer's pairing panel showed and proved it: confirm it. */
export interface PairingJoin {
  deviceIdentifier: string;
  /** The name in the engine's record of the device. */
  deviceName: string;
  /** When it redeemed the code. */
  pairedAt: string;
  /** The code the new device shows too. */
  code: string;
}

/** A device joined with a code of the vault that this computer did not show: it got nothing. */
export interface PairingStranger {
  deviceIdentifier: string;
  deviceName: string | null;
}

/** A device asked to join (DEVICE-PENDING); this app has not answered it yet. */
export interface PendingDevice {
  deviceIdentifier: string;
  deviceName: string;
  requestedAt: string;
}

export interface DevicesChanged {
  /** The device that changed; null when the whole list may have. */
  deviceIdentifier: string | null;
  change:
    | 'pending'
    | 'paired'
    | 'approved'
    | 'rejected'
    | 'renamed'
    | 'removed'
    | 'key-shared'
    | 'storage';
}

export interface PairingQr {
  /** `privicore://authorize?token=Q-…&engine=…`: what the QR code encodes, for copy and paste. */
  qrPayload: string;
  expiresAt: string;
  /** The QR code as a PNG data URL (`data:image/png;base64,…`). */
  qrImage: string;
  /**
   * The code names the built-in engine while it answers only on this computer ("Let my other
   * computers connect" is off).
   */
  localOnly: boolean;
}

/**
 * "Let my other computers connect": whether the built-in engine answers other computers on the
 * local network (over TLS with its own certificate, on a fixed port), and how they reach it.
 */
export interface ReachStatus {
  /** The app uses its built-in engine, so the switch applies. */
  available: boolean;
  open: boolean;
  /** The port it listens on for other computers (while open), or would. */
  port: number;
  /** The addresses other computers use, `https://192.168.1.20:9009` (while open). */
  urls: string[];
  /** The certificate's pin every other computer checks (while open). */
  tlsPin: string | null;
}

/** A storage device made for another computer: its configuration file was written. */
export interface RemoteStorageAdded {
  deviceIdentifier: string;
  name: string;
  /** Where the configuration bundle was saved. */
  bundlePath: string;
  /** The command to run on that computer. */
  command: string;
}

/**
 * Whether this computer holds the vault's data key: `ready` (files can be stored and opened),
 * `waiting-for-approval` (it asked to join or was paired; another device has to share the key),
 * `compare-code` (it asked to join and an owner's device answered: the person compares the code
 * on both screens and says whether they match), `missing` (ask for access, or import a recovery
 * kit).
 */
export type KeyState = 'ready' | 'waiting-for-approval' | 'compare-code' | 'missing';

export interface KeyStatus {
  state: KeyState;
  /** This computer's own device in the profile, when it has one. */
  deviceIdentifier: string | null;
  /** Plain words on what happened last (e.g. the request was declined); null when nothing to say. */
  notice: string | null;
  /** The verification code to show while joining (`482 913`); null when there is none. */
  code: string | null;
}

export interface PairingResult {
  session: SessionState;
  keyStatus: KeyStatus;
}

export interface StorageDeviceInfo {
  deviceIdentifier: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  storedTokens: number;
  storedBytes: number;
  /** A folder on this computer, run by the built-in engine. */
  local: boolean;
  /** That folder; null for other storage devices. */
  dir: string | null;
  /** Why that local device is not running (its folder missing, unwritable, in use); else null. */
  problem: string | null;
}

export interface StorageHealth {
  /** Files in the vault. */
  files: number;
  onlineDevices: number;
  /**
   * Online storage devices holding as many files as the vault has: a lower bound on the copies
   * every file has (the contract lists no holders per file).
   */
  fullCopies: number;
  /** Plain words when fewer than three full copies are online; null when all is well. */
  warning: string | null;
}

export interface StorageOverview {
  devices: StorageDeviceInfo[];
  health: StorageHealth;
}

export interface StorageSyncResult {
  deviceIdentifier: string;
  /** Files copied to the device; null when the engine did not say. */
  copied: number | null;
  /** Files with no online intact copy to take them from; null when the engine did not say. */
  missing: number | null;
}

export interface AccountInfo {
  profileId: string;
  /** Null on a device that joined by QR pairing (it never learns the username). */
  username: string | null;
  engineUrl: string | null;
  engineMode: EngineMode;
  expiresAt: string | null;
  deviceIdentifier: string | null;
}

/** App-wide state for the header, the tray and the dock badge. */
export interface AppState {
  pendingApprovals: number;
  /** Ballots waiting for this computer's vote (it is an authenticator). */
  openBallots: number;
  transfersPaused: boolean;
}

/** Main asks the window to show a screen (e.g. after a notification was clicked). */
export interface AppNavigation {
  screen: 'devices' | 'approvals' | 'organisation' | 'apps';
}

export type VotingStrategy = 'unanimous' | 'consensus' | 'affirmative' | 'minimum_percentage';
export type PoolStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

/**
 * An operation of this computer waits for a vote (contract §11): "Awaiting approval — 1 of 2",
 * the time left, and once it ended the outcome in words ("Rejected by Phone").
 */
export interface VoteHold {
  poolId: string;
  policyId: string;
  /** The policy's name, when it could be read. */
  policyName: string | null;
  status: PoolStatus;
  approvals: number;
  /** Yes votes that approve it whatever the other voters do. */
  needed: number;
  voters: number;
  round: number;
  /** When the current round ends; null until the pool was read. */
  expiresAt: string | null;
  /** Plain words once it ended; null while pending. */
  outcome: string | null;
}

/** A held operation other than a transfer (device approval, password change, deletion…). */
export interface HeldOperation {
  operation:
    | 'upload'
    | 'download'
    | 'delete'
    | 'device-approval'
    | 'password-change'
    | 'authenticator'
    | 'other';
  /** What it is about: the device id of a device approval, the token of a deletion; else null. */
  subjectId: string | null;
  label: string;
  hold: VoteHold;
}

export interface BallotFact {
  label: string;
  value: string;
}

/** A ballot addressed to this computer, in plain words (the engine's subject, parsed). */
export interface BallotView {
  ballotId: string;
  poolId: string;
  /** The gated event (e.g. `data_token.exchanged`); null for a free-text pool. */
  eventId: string | null;
  title: string;
  facts: BallotFact[];
  /** The approve button's words ("Approve upload"). */
  approveLabel: string;
  subject: string;
  expiresAt: string;
  /** When this computer received it. */
  receivedAt: string;
  /** When the operation asked (the pool's creation), when the engine told. */
  requestedAt: string | null;
  round: number | null;
}

/** A ballot that left the inbox, with what came of it. */
export interface BallotRecord {
  ballotId: string;
  poolId: string;
  title: string;
  facts: BallotFact[];
  myVote: 'yes' | 'no' | null;
  outcome: PoolStatus | null;
  /** Plain words: "You approved · Approved", "Expired before you voted"… */
  outcomeWords: string;
  receivedAt: string;
  decidedAt: string | null;
}

/** This computer as an authenticator, and its Approvals inbox. */
export interface ApprovalsState {
  enabled: boolean;
  deviceIdentifier: string | null;
  /** Connected to the engine and receiving ballots. */
  connected: boolean;
  open: BallotView[];
  history: BallotRecord[];
}

export interface AuthenticatorInfo {
  deviceIdentifier: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  registeredAt: string;
  isThisComputer: boolean;
}

export interface VotingDefaultsInfo {
  strategy: VotingStrategy;
  percentageRequired: number | null;
  quorumSize: number;
  timeLimit: number;
  maxAttempts: number;
}

export interface VotingConfigurationInfo {
  votingConfigurationId: string;
  name: string;
  strategy: VotingStrategy;
  percentageRequired: number | null;
  timeLimit: number;
  /** Empty: every authenticator. */
  deviceIdentifiers: string[];
}

export interface VotingOverview {
  authenticators: AuthenticatorInfo[];
  /** Approved devices without a role that could become authenticators. */
  candidates: { deviceIdentifier: string; name: string }[];
  defaults: VotingDefaultsInfo;
  configurations: VotingConfigurationInfo[];
}

export interface PolicyTemplateInfo {
  id: string;
  name: string;
  description: string;
  events: { id: string; label: string }[];
  /** Configuration keys that take effect (`contextPrefix`). */
  configuration: string[];
}

export interface PolicyInfo {
  policyId: string;
  name: string;
  templateId: string;
  eventIds: string[];
  contextPrefix: string | null;
  votingConfigurationId: string | null;
  active: boolean;
  createdAt: string;
}

export interface PoliciesOverview {
  templates: PolicyTemplateInfo[];
  policies: PolicyInfo[];
  configurations: { votingConfigurationId: string; name: string }[];
}

/** An organisation (a directory, contract §13) and the signed-in profile's role in it. */
export type OrgRole = 'owner' | 'admin' | 'member';

export interface OrgSummary {
  directoryId: string;
  name: string;
  role: OrgRole;
  memberCount: number;
  ownerProfileId: string;
  createdAt: string;
  /** The organisation's details (free-form, e.g. address). */
  meta: Record<string, string>;
}

export interface OrgInvitation {
  invitationId: string;
  directoryId: string;
  directoryName: string;
  username: string;
  role: 'admin' | 'member';
  status: 'pending' | 'accepted' | 'declined';
  /** The profile id of whoever invited. */
  invitedBy: string;
  createdAt: string;
  processedAt: string | null;
}

/** The organisations the profile belongs to, and the invitations waiting for its answer. */
export interface OrgOverview {
  organisations: OrgSummary[];
  invitations: OrgInvitation[];
}

/** Counts an owner or admin sees of a member: never a file. */
export interface OrgMemberCounts {
  devices: number;
  storageDevices: number;
  authenticators: number;
  files: number;
  storedBytes: number;
}

export interface OrgMember {
  profileId: string;
  username: string;
  displayName: string | null;
  role: OrgRole;
  /** Made by the organisation (its password can be set there), else invited. */
  managed: boolean;
  joinedAt: string;
  /** Null for a plain member looking (counts are for owners and admins). */
  counts: OrgMemberCounts | null;
}

export interface OrgDevice {
  profileId: string;
  deviceIdentifier: string;
  name: string;
  status: 'pending' | 'approved';
  role: 'storage' | 'authenticator' | null;
  online: boolean;
  lastSeenAt: string | null;
}

/** One organisation as its screen shows it; invitations and devices for owners and admins. */
export interface OrgDetails {
  organisation: OrgSummary;
  members: OrgMember[];
  invitations: OrgInvitation[];
  devices: OrgDevice[];
}

/** A device set up for a member; its configuration file was written where the person chose. */
export interface OrgDeviceAdded {
  deviceIdentifier: string;
  name: string;
  storage: boolean;
  savedTo: string;
}

/**
 * "Ask the team": a directory voting pool (contract §13 create-voting-pool) as the window shows
 * it — the tally of the current round and how many yes votes approve it whatever else happens.
 */
export interface OrgPoll {
  poolId: string;
  directoryId: string;
  subject: string;
  context: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';
  strategy: 'unanimous' | 'consensus' | 'affirmative' | 'minimum_percentage';
  round: number;
  voters: number;
  approvals: number;
  rejections: number;
  needed: number;
  expiresAt: string;
  resolvedAt: string | null;
}

/** An invitation arrived (a hint: the overview says what it is). */
export interface OrgInvitationHint {
  invitationId: string;
  directoryName: string;
}

/** A scope an application holds or asks for, with its plain words (contract §1.4). */
export interface ScopeWords {
  scope: string;
  words: string;
}

/** An OAuth application this profile registered (Connected apps). */
export interface RegisteredApp {
  applicationId: string;
  name: string;
  redirectUri: string;
  scopes: ScopeWords[];
  createdAt: string;
}

/** One consent this profile gave ("Apps you allowed"), newest first. */
export interface AllowedApp {
  requestId: string;
  clientId: string;
  name: string;
  redirectUri: string;
  scopes: ScopeWords[];
  consentedAt: string;
  /** The device that gave it; null for a profile (password) session. */
  deviceIdentifier: string | null;
  /** waiting: not collected yet; active: the application holds access; ended. */
  state: 'waiting' | 'active' | 'ended';
}

export interface ConnectedApps {
  registered: RegisteredApp[];
  allowed: AllowedApp[];
}

/** A new application's credentials: the client secret is shown this once. */
export interface NewAppCredentials {
  applicationId: string;
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: ScopeWords[];
}

/**
 * A consent link opened on this computer, checked against the engine's record. `ready`: the
 * person decides; `refused`: the link cannot be answered (unknown client, redirect URI that is
 * not the registered one, a malformed link, signed out) and `message` says why.
 */
export interface ConsentPrompt {
  id: string;
  state: 'ready' | 'refused';
  message: string | null;
  /** The engine's record, never the link's words; null when there is none. */
  application: { clientId: string; name: string; redirectUri: string; createdAt: string } | null;
  /** What a yes grants. */
  scopes: ScopeWords[];
  receivedAt: string;
}

/** What happened after an answer: the browser was sent to the application, or nothing. */
export interface ConsentOutcome {
  outcome: 'allowed' | 'denied' | 'closed';
  /** The address opened in the browser (the registered redirect URI with the answer). */
  opened: string | null;
}
