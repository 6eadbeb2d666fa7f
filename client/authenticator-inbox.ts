// The ballots of one authenticator device (contract §2, §12): a channel joined with its device
// token receives BALLOT for it alone; the engine re-sends its open ballots on every join, before
// the join reply, so once connected the inbox holds them all. Votes go out with the same token.

import { SessionChannel, type ChannelState, type SessionChannelOptions } from './channel.ts';
import { castVote } from './endpoints/voting.ts';
import { HttpClient } from './http.ts';

export interface OpenBallot {
  ballotId: string;
  poolId: string;
  subject: string;
  expiresAt: string;
  /** When this inbox first saw it. */
  receivedAt: string;
}

export interface InboxEvents {
  ballot: OpenBallot;
  /** A ballot left the inbox: voted here, its round or pool ended. */
  closed: { ballotId: string; poolId: string; why: 'voted' | 'resolved' | 'new-round' };
  'pool-resolved': { poolId: string; status: string; subject: string; resolvedAt: string };
  state: ChannelState;
}

type Listener<K extends keyof InboxEvents> = (event: InboxEvents[K]) => void;

export class AuthenticatorInbox {
  readonly channel: SessionChannel;
  readonly http: HttpClient;
  private readonly open = new Map<string, OpenBallot>();
  private readonly listeners = new Map<keyof InboxEvents, Set<Listener<never>>>();

  constructor(options: {
    apiUrl: string;
    wsUrl: string;
    /** The engine's TLS pin, when this computer pins it (http.ts). */
    tlsPin?: string;
    deviceToken: () => string | undefined;
    channel?: Partial<Omit<SessionChannelOptions, 'wsUrl' | 'http' | 'token'>>;
  }) {
    this.http = new HttpClient({
      apiUrl: options.apiUrl,
      token: options.deviceToken,
      ...(options.tlsPin ? { tlsPin: options.tlsPin } : {}),
    });
    this.channel = new SessionChannel({
      ...options.channel,
      wsUrl: options.wsUrl,
      http: this.http,
      token: options.deviceToken,
    });
    this.channel.on('ballot', (ballot) => {
      if (this.open.has(ballot.ballotId)) return;
      // A fresh ballot for a pool replaces one of its earlier round.
      for (const earlier of [...this.open.values()]) {
        if (earlier.poolId === ballot.poolId) this.drop(earlier, 'new-round');
      }
      const entry = { ...ballot, receivedAt: new Date().toISOString() };
      this.open.set(ballot.ballotId, entry);
      this.emit('ballot', entry);
    });
    // The device's socket hears its profile's messages too, POOL-RESOLVED among them.
    this.channel.on('pool-resolved', (resolved) => {
      for (const ballot of [...this.open.values()])
        if (ballot.poolId === resolved.poolId) this.drop(ballot, 'resolved');
      this.emit('pool-resolved', resolved);
    });
    this.channel.on('state', (state) => this.emit('state', state));
  }

  /** Joins; resolves once the engine re-sent every open ballot. */
  connect(): Promise<void> {
    return this.channel.connect();
  }

  ballots(): OpenBallot[] {
    return [...this.open.values()];
  }

  /** Casts a vote with the device token; the ballot leaves the inbox once the engine took it. */
  async vote(ballotId: string, vote: 'yes' | 'no'): Promise<void> {
    await castVote(this.http, { ballotId, vote });
    const ballot = this.open.get(ballotId);
    if (ballot) this.drop(ballot, 'voted');
  }

  on<K extends keyof InboxEvents>(event: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<never>);
  }

  close(): void {
    this.channel.close();
    this.http.close();
  }

  private drop(ballot: OpenBallot, why: InboxEvents['closed']['why']): void {
    this.open.delete(ballot.ballotId);
    this.emit('closed', { ballotId: ballot.ballotId, poolId: ballot.poolId, why });
  }

  private emit<K extends keyof InboxEvents>(event: K, value: InboxEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<K>)(value);
  }
}
