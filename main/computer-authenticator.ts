import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { ApprovalsState, BallotView, PoolStatus } from '../bridge/types.ts';
import { AuthenticatorInbox, type OpenBallot } from '../client/authenticator-inbox.ts';
import { describeBallot, parseBallotSubject } from '../client/ballot-subject.ts';
import type { SessionChannelOptions } from '../client/channel.ts';
import { removeDevice } from '../client/endpoints/device.ts';
import { reauthorizeAuthorizationToken } from '../client/endpoints/profile.ts';
import { checkPoolStatus } from '../client/endpoints/voting.ts';
import { HttpClient } from '../client/http.ts';
import { isPrivicoreError } from '../client/privicore-error.ts';
import {
  deleteProfileSecret,
  loadProfileSecrets,
  saveProfileSecrets,
} from '../client/secrets/profile-secrets.ts';
import type { SecretStore } from '../client/secrets/secret-store.ts';
import type { VaultSession } from '../client/session.ts';
import { becomeAuthenticator } from '../client/this-authenticator.ts';
import { ballotNotice } from './approval-notices.ts';
import type { HeldOperations } from './held-operations.ts';
import type { Platform } from './platform.ts';
import type { Settings } from './settings.ts';

type StoredRecord = Settings['ballotHistory'][number];

export interface ComputerAuthenticatorOptions {
  session: VaultSession;
  secrets: SecretStore;
  profileId: string;
  address: { apiUrl: string; wsUrl: string; tlsPin?: string };
  platform: Pick<Platform, 'notify'>;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
  /** The number of open ballots changed (badge, tray). */
  onCountChange(): void;
  holds: HeldOperations;
  settings(): Settings;
  saveSettings(patch: Partial<Settings>): Promise<void>;
  /**
   * Runs work that makes a device of the profile on purpose, so this computer's own
   * DEVICE-PENDING is not put to the user as a question (DeviceApprovals.hold).
   */
  holdDeviceEvents<T>(work: Promise<T>): Promise<T>;
  /** Channel tuning for the inbox (tests shorten reconnect delays). */
  channel?: Partial<Omit<SessionChannelOptions, 'wsUrl' | 'http' | 'token'>>;
}

/** Kept history per profile: enough to read back recent decisions. */
const HISTORY_KEPT = 100;
/** A device token this close to its expiry is renewed when the app starts. */
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;

/** The approve button says what it does (APPROVALS.md): never a bare "OK". */
const APPROVE_WORDS: Record<string, string> = {
  'data_token.exchanged': 'Approve upload',
  'data_token.requested': 'Approve download',
  'data_token.deleted': 'Approve deletion',
  'device.approval_requested': 'Let it join',
  'storage.registered': 'Approve storage device',
  'profile.password_changed': 'Approve password change',
  'oauth.application_registered': 'Approve application',
};

const OUTCOME_WORDS: Record<PoolStatus, string> = {
  pending: 'waiting for the other votes',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

/**
 * This computer as a verified authenticator (contract §10, §12): its own device, approved and
 * registered by the owner's act here, whose token stays in the OS keychain. Main keeps its
 * channel joined with that token, so ballots arrive while the window is hidden: each one is a
 * notification, a badge count and an entry in the Approvals inbox. A notification only leads
 * to the inbox; a vote is cast only by the person pressing Approve or Reject there.
 */
export class ComputerAuthenticator {
  private inbox: AuthenticatorInbox | undefined;
  private readonly open = new Map<string, BallotView>();
  private readonly myVotes = new Map<string, 'yes' | 'no'>();
  /** How pools ended, as POOL-RESOLVED told (a vote's answer may come after it). */
  private readonly poolOutcomes = new Map<string, PoolStatus>();
  private connected = false;
  private stopped = false;

  constructor(private readonly options: ComputerAuthenticatorOptions) {}

  get count(): number {
    return this.open.size;
  }

  /** Joins with the kept device token when this computer votes for the signed-in profile. */
  async start(): Promise<void> {
    const mine = this.configured();
    if (!mine) return;
    const { authenticatorToken } = await loadProfileSecrets(
      this.options.secrets,
      this.options.profileId,
    );
    if (!authenticatorToken) return;
    try {
      await this.connect(authenticatorToken, mine.tokenExpiresAt);
    } catch (error) {
      // The engine refuses the token: the device was removed elsewhere (or the token revoked).
      if (isPrivicoreError(error) && error.status === 401) await this.forget();
      throw error;
    }
  }

  stop(): void {
    this.stopped = true;
    this.inbox?.close();
    this.inbox = undefined;
  }

  state(): ApprovalsState {
    const mine = this.configured();
    return {
      enabled: mine !== null,
      deviceIdentifier: mine?.deviceIdentifier ?? null,
      connected: this.connected,
      open: [...this.open.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
      history: this.history().map(({ profileId: _profileId, ...record }) => record),
    };
  }

  /** This computer becomes an authenticator (the approval may itself wait for a vote). */
  async enable(deviceName: string): Promise<ApprovalsState> {
    if (this.configured()) return this.state();
    const made = await this.options.holdDeviceEvents(
      becomeAuthenticator(this.options.session, {
        deviceName,
        onHold: this.options.holds.tracker('authenticator', null, 'This computer as an approver'),
      }),
    );
    await saveProfileSecrets(this.options.secrets, this.options.profileId, {
      authenticatorToken: made.deviceToken,
    });
    await this.options.saveSettings({
      authenticator: {
        profileId: this.options.profileId,
        deviceIdentifier: made.deviceIdentifier,
        tokenExpiresAt: made.deviceTokenExpiresAt,
      },
    });
    this.stopped = false;
    await this.connect(made.deviceToken, made.deviceTokenExpiresAt);
    return this.changed();
  }

  /** Stops voting here: the device goes (its token is revoked) and the token is forgotten. */
  async disable(): Promise<ApprovalsState> {
    const mine = this.configured();
    if (!mine) return this.state();
    const { session } = this.options;
    try {
      await session.run(() =>
        removeDevice(session.http, { deviceIdentifier: mine.deviceIdentifier }),
      );
    } catch (error) {
      // Already removed elsewhere: forgetting it here is what is left to do.
      if (!isPrivicoreError(error, 'device.not_found')) throw error;
    }
    await this.forget();
    return this.changed();
  }

  /** Forgets this computer's authenticator: connection, open ballots, token and setting. */
  private async forget(): Promise<void> {
    this.inbox?.close();
    this.inbox = undefined;
    this.connected = false;
    this.open.clear();
    await deleteProfileSecret(this.options.secrets, this.options.profileId, 'authenticator-token');
    await this.options.saveSettings({ authenticator: null });
    this.options.onCountChange();
    this.changed();
  }

  /** The person's vote on a ballot of this computer; votes are final. */
  async vote(ballotId: string, vote: 'yes' | 'no'): Promise<ApprovalsState> {
    const inbox = this.inbox;
    const ballot = this.open.get(ballotId);
    if (!inbox || !ballot) {
      // Closed meanwhile (decided, expired): the engine's own answer says so in words.
      if (inbox) await inbox.vote(ballotId, vote);
      return this.state();
    }
    this.myVotes.set(ballotId, vote);
    try {
      await inbox.vote(ballotId, vote);
    } catch (error) {
      this.myVotes.delete(ballotId);
      throw error;
    }
    await this.record(ballot, null);
    return this.changed();
  }

  private configured(): Settings['authenticator'] {
    const mine = this.options.settings().authenticator;
    return mine && mine.profileId === this.options.profileId ? mine : null;
  }

  private async connect(token: string, tokenExpiresAt: string): Promise<void> {
    let deviceToken = token;
    if (Date.parse(tokenExpiresAt) - Date.now() < RENEW_BEFORE_MS)
      deviceToken = await this.renew(token).catch(() => token);
    const inbox = new AuthenticatorInbox({
      apiUrl: this.options.address.apiUrl,
      wsUrl: this.options.address.wsUrl,
      ...(this.options.address.tlsPin ? { tlsPin: this.options.address.tlsPin } : {}),
      deviceToken: () => deviceToken,
      ...(this.options.channel ? { channel: this.options.channel } : {}),
    });
    this.inbox = inbox;
    inbox.on('ballot', (ballot) => this.arrived(ballot));
    inbox.on('closed', ({ ballotId, why }) => void this.closed(ballotId, why));
    inbox.on('pool-resolved', (resolved) => void this.resolved(resolved.poolId, resolved.status));
    inbox.on('state', (state) => {
      // The channel gave up on a refused token (device removed elsewhere): stop offering to vote.
      if (state === 'failed' && this.inbox === inbox) void this.forget().catch(() => undefined);
      const connected = state === 'joined';
      if (connected === this.connected) return;
      this.connected = connected;
      this.changed();
    });
    try {
      await inbox.connect();
    } catch (error) {
      if (this.inbox === inbox) this.inbox = undefined;
      inbox.close();
      throw error;
    }
    this.connected = true;
    if (this.stopped) inbox.close();
    this.changed();
  }

  /** A device token close to its expiry is traded for a fresh one (contract §4 reauthorize). */
  private async renew(token: string): Promise<string> {
    const http = new HttpClient({
      apiUrl: this.options.address.apiUrl,
      token: () => token,
      ...(this.options.address.tlsPin ? { tlsPin: this.options.address.tlsPin } : {}),
    });
    try {
      const issued = await reauthorizeAuthorizationToken(http, {});
      await saveProfileSecrets(this.options.secrets, this.options.profileId, {
        authenticatorToken: issued.authorizationToken,
      });
      const mine = this.configured();
      if (mine)
        await this.options.saveSettings({
          authenticator: { ...mine, tokenExpiresAt: issued.expiresAt },
        });
      return issued.authorizationToken;
    } finally {
      http.close();
    }
  }

  private arrived(ballot: OpenBallot): void {
    if (this.open.has(ballot.ballotId)) return;
    const subject = parseBallotSubject(ballot.subject);
    const described = describeBallot(subject);
    const view: BallotView = {
      ballotId: ballot.ballotId,
      poolId: ballot.poolId,
      eventId: subject.eventId,
      title: described.title,
      facts: described.facts,
      approveLabel: (subject.eventId && APPROVE_WORDS[subject.eventId]) ?? 'Approve',
      subject: ballot.subject,
      expiresAt: ballot.expiresAt,
      receivedAt: ballot.receivedAt,
      requestedAt: null,
      round: null,
    };
    this.open.set(ballot.ballotId, view);
    this.options.onCountChange();
    this.changed();
    const notice = ballotNotice(described.title);
    this.options.platform.notify(notice.title, notice.body, () =>
      this.options.emit('app:navigate', { screen: 'approvals' }),
    );
    // When it was asked comes from the pool (read with the profile's own session).
    void checkPoolStatus(this.options.session.http, ballot.poolId)
      .then((pool) => {
        const current = this.open.get(ballot.ballotId);
        if (!current) return;
        this.open.set(ballot.ballotId, {
          ...current,
          requestedAt: pool.createdAt,
          round: pool.round,
        });
        this.changed();
      })
      .catch(() => undefined);
  }

  private async closed(ballotId: string, why: 'voted' | 'resolved' | 'new-round'): Promise<void> {
    const ballot = this.open.get(ballotId);
    if (!ballot) return;
    this.open.delete(ballotId);
    this.options.onCountChange();
    // A vote records itself (vote()); a round that ended left this ballot unanswered.
    if (why === 'new-round')
      await this.record(ballot, 'expired', 'Its round ended; a new ballot followed');
    else if (why === 'resolved' && !this.myVotes.has(ballotId)) await this.record(ballot, null);
    this.changed();
  }

  private async resolved(poolId: string, status: string): Promise<void> {
    const outcome = (['approved', 'rejected', 'expired', 'cancelled'] as const).find(
      (known) => known === status,
    );
    if (!outcome) return;
    this.poolOutcomes.set(poolId, outcome);
    const history = this.options.settings().ballotHistory;
    if (!history.some((record) => record.poolId === poolId && record.outcome !== outcome)) return;
    const now = new Date().toISOString();
    await this.options.saveSettings({
      ballotHistory: history.map((record) =>
        record.poolId === poolId && record.outcome !== 'expired'
          ? {
              ...record,
              outcome,
              outcomeWords: words(record.myVote, outcome),
              decidedAt: record.decidedAt ?? now,
            }
          : record,
      ),
    });
    this.changed();
  }

  /** Adds (or replaces) the history entry of a ballot that left the inbox. */
  private async record(ballot: BallotView, known: PoolStatus | null, note?: string): Promise<void> {
    let outcome = known;
    const myVote = this.myVotes.get(ballot.ballotId) ?? null;
    outcome ??= this.poolOutcomes.get(ballot.poolId) ?? null;
    const entry: StoredRecord = {
      profileId: this.options.profileId,
      ballotId: ballot.ballotId,
      poolId: ballot.poolId,
      title: ballot.title,
      facts: ballot.facts,
      myVote,
      outcome: outcome ?? 'pending',
      outcomeWords: note ?? words(myVote, outcome ?? 'pending'),
      receivedAt: ballot.receivedAt,
      decidedAt: outcome && outcome !== 'pending' ? new Date().toISOString() : null,
    };
    const others = this.options
      .settings()
      .ballotHistory.filter((record) => record.ballotId !== ballot.ballotId);
    await this.options.saveSettings({
      ballotHistory: [entry, ...others].slice(0, HISTORY_KEPT * 5),
    });
  }

  private history(): StoredRecord[] {
    return this.options
      .settings()
      .ballotHistory.filter((record) => record.profileId === this.options.profileId)
      .slice(0, HISTORY_KEPT);
  }

  private changed(): ApprovalsState {
    const state = this.state();
    if (!this.stopped) this.options.emit('approvals:changed', state);
    return state;
  }
}

function words(myVote: 'yes' | 'no' | null, outcome: PoolStatus): string {
  const mine =
    myVote === 'yes' ? 'You approved' : myVote === 'no' ? 'You rejected' : 'You did not vote';
  return `${mine} · ${OUTCOME_WORDS[outcome]}`;
}
