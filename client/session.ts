// A signed-in session: one HTTP client and one channel for one token, the profile's data key,
// and the vault pipelines over them. The CLI opens one per run; the desktop app keeps one.

import type { Readable, Writable } from 'node:stream';
import type { AcceptedCommand } from './accepted-command.ts';
import { awaitCommand } from './await-command.ts';
import { SessionChannel, type SessionChannelOptions } from './channel.ts';
import { reauthorizeAuthorizationToken, type IssuedToken } from './endpoints/profile.ts';
import { HttpClient } from './http.ts';
import { PrivicoreError } from './privicore-error.ts';
import {
  retrieveFile,
  retrieveInto,
  type RetrievedFile,
  type RetrieveFileOptions,
} from './vault/retrieve-file.ts';
import {
  storeFile,
  storeStream,
  type StoredFile,
  type StoreFileOptions,
} from './vault/store-file.ts';
import type { RunOptions, VaultContext } from './vault/vault-context.ts';

export interface SessionOptions {
  apiUrl: string;
  /** Default: apiUrl with the ws scheme + /ws (contract §1.1). */
  wsUrl?: string;
  /** The engine's TLS pin: HTTP and the channel connect only to a certificate with this key. */
  tlsPin?: string;
  authorizationToken: string;
  /** The profile's AES-256 data key; needed only to store and retrieve files. */
  dataKey?: Buffer;
  /** The profile's X25519 private key (64 hex); needed only to share the keys with a device. */
  profilePrivateKey?: string;
  /** How long a command may take before `client.timeout` (default 60 s). */
  commandTimeoutMs?: number;
  /** Channel tuning (heartbeat, reconnect delays); tests shorten them. */
  channel?: Partial<Omit<SessionChannelOptions, 'wsUrl' | 'http' | 'token'>>;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

export function wsUrlFor(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '').replace(/^http/i, 'ws')}/ws`;
}

export class VaultSession implements VaultContext {
  readonly http: HttpClient;
  readonly channel: SessionChannel;
  readonly apiUrl: string;
  readonly wsUrl: string;
  private token: string;
  private dataKeyValue: Buffer | undefined;
  private profilePrivateKeyValue: string | undefined;
  private readonly commandTimeoutMs: number;

  private constructor(options: SessionOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.wsUrl = options.wsUrl ?? wsUrlFor(this.apiUrl);
    this.token = options.authorizationToken;
    this.dataKeyValue = options.dataKey;
    this.profilePrivateKeyValue = options.profilePrivateKey;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.http = new HttpClient({
      apiUrl: this.apiUrl,
      token: () => this.token,
      ...(options.tlsPin ? { tlsPin: options.tlsPin } : {}),
    });
    this.channel = new SessionChannel({
      ...options.channel,
      wsUrl: this.wsUrl,
      http: this.http,
      token: () => this.token,
    });
  }

  /** Opens the session and joins its channel; commands need the channel to hear their outcome. */
  static async open(options: SessionOptions): Promise<VaultSession> {
    const session = new VaultSession(options);
    try {
      await session.channel.connect();
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  get authorizationToken(): string {
    return this.token;
  }

  get dataKey(): Buffer | undefined {
    return this.dataKeyValue;
  }

  setDataKey(dataKey: Buffer): void {
    if (dataKey.length !== 32) throw new RangeError('The data key is 32 bytes.');
    this.dataKeyValue = dataKey;
  }

  get profilePrivateKey(): string | undefined {
    return this.profilePrivateKeyValue;
  }

  setProfilePrivateKey(privateKey: string): void {
    if (!/^[0-9a-f]{64}$/i.test(privateKey))
      throw new RangeError('A private key is 64 hex characters.');
    this.profilePrivateKeyValue = privateKey.toLowerCase();
  }

  /**
   * Sends a command and waits for its outcome over the channel. The channel epoch is read before
   * sending, so an outcome lost in a reconnect between the 202 and this wait is still reconciled.
   */
  async run<T>(send: () => Promise<AcceptedCommand<T>>, options: RunOptions = {}): Promise<T> {
    const since = this.channel.epoch;
    // Holds can be announced before the 202 is read; they are kept and replayed below.
    const seen = new Set<string>();
    let commandId: string | undefined;
    const report = (hold: { commandId: string; poolId: string; policyId: string }) => {
      if (hold.commandId !== commandId || seen.has(hold.poolId)) return;
      seen.add(hold.poolId);
      options.onHold?.(hold);
    };
    const unsubscribe = options.onHold ? this.channel.on('vote-pending', report) : undefined;
    try {
      const accepted = await send();
      commandId = accepted.commandId;
      for (const hold of this.channel.holdsOf(commandId)) report({ commandId, ...hold });
      return await awaitCommand(this.channel, accepted, {
        timeoutMs: options.timeoutMs ?? this.commandTimeoutMs,
        since,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      unsubscribe?.();
    }
  }

  /** Encrypts and stores a file; resolves with its permanent data token. */
  storeFile(file: string, options: StoreFileOptions): Promise<StoredFile> {
    return storeFile(this, file, this.requireDataKey(), options);
  }

  /** Encrypts and stores a stream of any length (standard input) under `options.name`. */
  storeStream(source: Readable, options: StoreFileOptions & { name: string }): Promise<StoredFile> {
    return storeStream(this, source, this.requireDataKey(), options);
  }

  /**
   * Fetches and decrypts a stored file into `sink`, which must hold the plaintext back until this
   * resolves (the GCM tag verified).
   */
  retrieveInto(
    token: string,
    sink: Writable,
    options: RetrieveFileOptions = {},
  ): Promise<{ size: number }> {
    return retrieveInto(this, token, sink, this.requireDataKey(), options);
  }

  /** Fetches, verifies and decrypts a stored file into `target`. */
  retrieveFile(
    token: string,
    target: string,
    options: RetrieveFileOptions = {},
  ): Promise<RetrievedFile> {
    return retrieveFile(this, token, target, this.requireDataKey(), options);
  }

  /**
   * A fresh token of the same kind; the session and its channel switch to it (the old socket is
   * closed by the engine within 60 s and the channel re-joins with the new token).
   */
  async reauthorize(ttlSeconds?: number): Promise<IssuedToken> {
    const issued = await reauthorizeAuthorizationToken(
      this.http,
      ttlSeconds === undefined ? {} : { ttl: ttlSeconds },
    );
    this.token = issued.authorizationToken;
    return issued;
  }

  close(): void {
    this.channel.close();
    this.http.close();
  }

  private requireDataKey(): Buffer {
    if (!this.dataKeyValue) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.no_data_key',
        message:
          "This session has no data key, so it cannot encrypt or decrypt files. Import the profile's recovery kit first.",
      });
    }
    return this.dataKeyValue;
  }
}
