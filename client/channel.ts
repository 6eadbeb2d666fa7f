// The session's one WebSocket channel (contract §2): the socket's life — join with the session's
// token, heartbeat, reconnect — around two helpers: channel-messages.ts parses what the engine
// sends, and channel-outcomes.ts remembers every command and request outcome heard (so an ack that
// arrives before anyone waits for it is kept). Device and voting events go to listeners.
//
// After a reconnect it re-joins and reconciles every command still awaited through
// /request-status/{id}, as the contract asks: the engine buffers messages for 30 s only while a
// profile has no joined socket, so a message written to a connection that was already dead is
// gone, and only the status endpoint can tell.

import WebSocket, { type RawData } from 'ws';
import {
  joinReplyOf,
  messageData,
  type Frame,
  parseFrame,
  parseServerMessage,
  type ChannelEventPayloads,
  type CommandOutcome,
  type RequestOutcome,
} from './channel-messages.ts';
import { OutcomeMemory } from './channel-outcomes.ts';
import type { HttpClient } from './http.ts';
import { PrivicoreError } from './privicore-error.ts';
import { requestStatus } from './endpoints/utility.ts';
import { tlsError } from './tls/tls-errors.ts';

export type { CommandOutcome, RequestOutcome } from './channel-messages.ts';

export type ChannelState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed' | 'failed';

export interface ChannelEvents extends ChannelEventPayloads {
  state: ChannelState;
  /** Every server message, as received (`data` of the envelope). */
  message: Record<string, unknown>;
}

export interface SessionChannelOptions {
  /** `ws[s]://host/ws`. */
  wsUrl: string;
  /** The engine's HTTP client: request-status for reconciliation, apiUrl for bare download tokens. */
  http: HttpClient;
  /** Read at every (re)join, so a reauthorized token is used from then on. */
  token: () => string | undefined;
  /** Client ping interval; a connection silent for two of them is dropped and redialled. */
  heartbeatMs?: number;
  reconnectMinDelayMs?: number;
  reconnectMaxDelayMs?: number;
  joinTimeoutMs?: number;
  /** How many finished outcomes to remember for late waiters. */
  outcomeCacheSize?: number;
  /** After /request-status says a command finished, how long to wait for its message first. */
  reconcileGraceMs?: number;
}

export interface WaitOptions {
  /** Required: every wait ends. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * The channel epoch read before the command was sent. When the channel re-joined since, the
   * outcome may have been lost before this wait began, so it is reconciled at once.
   */
  since?: number;
}

/** How long one /request-status look may take during reconciliation. */
const RECONCILE_TIMEOUT_MS = 5_000;

type Listener<K extends keyof ChannelEvents> = (event: ChannelEvents[K]) => void;

export class SessionChannel {
  private readonly options: Required<Omit<SessionChannelOptions, 'wsUrl' | 'http' | 'token'>>;
  private ws: WebSocket | undefined;
  private stateValue: ChannelState = 'idle';
  private epochValue = 0;
  private channelIdValue: string | undefined;
  private readonly outcomes: OutcomeMemory;
  /** Commands the engine said wait for a vote (status 1 `{poolId, policyId}`), by command id. */
  private readonly holds = new Map<string, { poolId: string; policyId: string }[]>();
  private readonly listeners = new Map<keyof ChannelEvents, Set<Listener<never>>>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private correlation = 0;

  constructor(private readonly config: SessionChannelOptions) {
    this.options = {
      heartbeatMs: config.heartbeatMs ?? 15_000,
      reconnectMinDelayMs: config.reconnectMinDelayMs ?? 100,
      reconnectMaxDelayMs: config.reconnectMaxDelayMs ?? 5_000,
      joinTimeoutMs: config.joinTimeoutMs ?? 10_000,
      outcomeCacheSize: config.outcomeCacheSize ?? 2_000,
      reconcileGraceMs: config.reconcileGraceMs ?? 300,
    };
    this.outcomes = new OutcomeMemory(this.options.outcomeCacheSize);
  }

  get state(): ChannelState {
    return this.stateValue;
  }

  /** Counts successful joins; changes whenever messages may have been lost. */
  get epoch(): number {
    return this.epochValue;
  }

  get channelId(): string | undefined {
    return this.channelIdValue;
  }

  on<K extends keyof ChannelEvents>(event: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<never>);
  }

  /** Opens the socket and joins; rejects when the engine is unreachable or refuses the token. */
  async connect(): Promise<void> {
    if (this.stateValue === 'joined') return;
    if (this.stateValue === 'closed') throw closedError();
    this.setState('connecting');
    try {
      await this.dialAndJoin();
    } catch (error) {
      this.setState('failed');
      throw error;
    }
  }

  /** Leaves for good: no reconnects; every waiter is rejected with `client.closed`. */
  close(): void {
    if (this.stateValue === 'closed') return;
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      ws.removeAllListeners('message');
      ws.close(1000, 'client closing');
      // A server that never answers the close handshake must not hold the process open.
      setTimeout(() => ws.terminate(), 2_000).unref();
    }
    this.outcomes.failAll(closedError());
  }

  /** Waits for a command's final outcome (status 2 or 3). */
  waitCommand(commandId: string, options: WaitOptions): Promise<CommandOutcome> {
    return this.wait<CommandOutcome>('command', commandId, options);
  }

  /** Waits for the download message of a request-data command. */
  waitRequest(requestId: string, options: WaitOptions): Promise<RequestOutcome> {
    return this.wait<RequestOutcome>('request', requestId, options);
  }

  /** The pools a command waits for, as the engine announced them (empty when none). */
  holdsOf(commandId: string): { poolId: string; policyId: string }[] {
    return [...(this.holds.get(commandId) ?? [])];
  }

  /** Forgets a remembered outcome (a request whose URL was used, so a retry waits afresh). */
  forget(id: string): void {
    this.outcomes.forget(id);
  }

  private wait<T extends CommandOutcome | RequestOutcome>(
    kind: 'command' | 'request',
    id: string,
    options: WaitOptions,
  ): Promise<T> {
    const known = this.outcomes.known(kind, id);
    if (known) return Promise.resolve(known as T);
    if (this.stateValue === 'closed') return Promise.reject(closedError());
    if (this.stateValue === 'failed') return Promise.reject(failedError());
    const waiting = this.outcomes.wait(kind, id, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      // A last look at /request-status before giving up, for a message lost on a live connection.
      // A command held for a vote is waited for as long as the engine still reports it started:
      // the engine itself ends it at the pool's deadline (contract §10), so the wait goes on.
      beforeTimeout: async () => {
        await this.reconcile([id], 0);
        return this.holds.has(id) && this.stateValue === 'joined';
      },
    });
    if (
      options.since !== undefined &&
      options.since !== this.epochValue &&
      this.stateValue === 'joined'
    ) {
      void this.reconcile([id]);
    }
    return waiting as Promise<T>;
  }

  private async dialAndJoin(): Promise<void> {
    const token = this.config.token();
    if (!token)
      throw new PrivicoreError({
        status: 401,
        reason: 'auth.missing_token',
        message: 'The session has no authorization token.',
      });
    // Through the engine's pinned agent when it has a pin: the upgrade (and the join with the
    // token after it) goes out only on a connection that presented the pinned key.
    const agent = this.config.http.webSocketAgent();
    const ws = new WebSocket(this.config.wsUrl, {
      perMessageDeflate: false,
      handshakeTimeout: this.options.joinTimeoutMs,
      ...(agent ? { agent } : {}),
    });
    this.ws = ws;
    // Failures after the open arrive as 'close'; this keeps a late 'error' from being unhandled.
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) =>
        reject(
          tlsError(error, this.config.http.apiUrl) ??
            new PrivicoreError({
              status: 0,
              reason: 'client.network',
              message: `Could not open the channel ${this.config.wsUrl} (${(error as NodeJS.ErrnoException).code ?? error.message}).`,
              cause: error,
            }),
        ),
      );
    });
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    const correlationId = `join-${++this.correlation}`;
    const reply = new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new PrivicoreError({
              status: 0,
              reason: 'client.timeout',
              message: 'The engine did not answer joinChannel in time.',
            }),
          ),
        this.options.joinTimeoutMs,
      );
      ws.on('message', (raw: RawData) => {
        alive = true;
        const frame = parseFrame(raw.toString());
        if (!frame) return;
        if (frame.correlationId === correlationId) {
          clearTimeout(timer);
          resolve(frame);
          return;
        }
        const data = messageData(frame);
        if (data) this.dispatch(data);
      });
      ws.once('close', (code: number) => {
        clearTimeout(timer);
        reject(
          // 4401: the token ended while the join was answered (revoked, the device removed).
          code === 4401
            ? new PrivicoreError({
                status: 401,
                reason: 'auth.invalid_token',
                message: 'The authorization token ended while joining the channel.',
              })
            : new PrivicoreError({
                status: 0,
                reason: 'client.network',
                message: 'The channel closed while joining.',
              }),
        );
      });
    });
    ws.send(
      JSON.stringify({ action: 'joinChannel', data: { authorizationToken: token, correlationId } }),
    );
    let answer: Frame;
    try {
      answer = await reply;
    } catch (error) {
      ws.terminate();
      throw error;
    }
    const joined = joinReplyOf(answer);
    if (joined.status !== 200) {
      ws.terminate();
      throw new PrivicoreError({
        status: joined.status,
        reason: joined.reason ?? 'client.protocol',
        message: joined.message ?? 'The engine refused to join the channel.',
      });
    }
    this.channelIdValue = joined.channelId;
    this.epochValue += 1;
    this.reconnectAttempt = 0;
    ws.once('close', (code) => this.onClose(ws, code));
    this.startHeartbeat(ws, () => {
      const wasAlive = alive;
      alive = false;
      return wasAlive;
    });
    this.setState('joined');
  }

  private onClose(ws: WebSocket, code: number): void {
    if (this.ws !== ws || this.stateValue === 'closed') return;
    this.stopHeartbeat();
    this.ws = undefined;
    this.channelIdValue = undefined;
    this.setState('reconnecting');
    // 4401: the token died; the next join tells whether the session has a newer one.
    this.scheduleReconnect(code === 4401 ? 0 : undefined);
  }

  private scheduleReconnect(delayMs?: number): void {
    clearTimeout(this.reconnectTimer);
    const backoff = Math.min(
      this.options.reconnectMaxDelayMs,
      this.options.reconnectMinDelayMs * 2 ** this.reconnectAttempt,
    );
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delayMs ?? backoff);
    // Only waiters keep the process alive; an idle CLI session may exit.
    if (!this.outcomes.waiting) this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.stateValue !== 'reconnecting') return;
    try {
      await this.dialAndJoin();
    } catch (error) {
      if ((this.stateValue as ChannelState) === 'closed') return;
      // A refused token, or an engine that is no longer the pinned one: trying again changes nothing.
      if (
        error instanceof PrivicoreError &&
        (error.status === 401 || error.reason === 'client.tls_pin_mismatch')
      ) {
        this.setState('failed');
        this.outcomes.failAll(error);
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if ((this.stateValue as ChannelState) === 'closed') {
      this.ws?.close();
      return;
    }
    await this.reconcile(this.outcomes.awaited());
  }

  /** Settles waiters of commands /request-status says have finished. */
  private async reconcile(ids: string[], graceMs = this.options.reconcileGraceMs): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        let status: Awaited<ReturnType<typeof requestStatus>>;
        try {
          // Bounded, so a wait's explicit timeout is not stretched by an engine that stopped answering.
          status = await requestStatus(this.config.http, id, { timeoutMs: RECONCILE_TIMEOUT_MS });
        } catch (error) {
          if (error instanceof PrivicoreError && error.reason === 'command.not_found')
            this.outcomes.fail(id, error);
          // Unreachable engine: the next reconnect or the waiter's timeout tries again.
          return;
        }
        if (status.status === 1) return;
        // The message may be on its way on the new socket; prefer it, since it carries the result.
        if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
        if (!this.outcomes.isAwaited(id)) return;
        if (status.status === 2)
          this.outcomes.record(id, { status: 2, via: 'status' }, { status: 2, source: undefined });
        else {
          const reason = status.reason ?? 'server.error';
          this.outcomes.record(id, { status: 3, reason }, { status: 3, reason });
        }
      }),
    );
  }

  private dispatch(data: Record<string, unknown>): void {
    this.emit('message', data);
    const message = parseServerMessage(data, this.config.http.apiUrl);
    switch (message?.kind) {
      case undefined:
        return;
      case 'command':
        // The command's status-2 message also ends a request-data wait still without its URL.
        if (message.outcome.status === 2)
          this.outcomes.record(message.id, message.outcome, { status: 2, source: undefined });
        else this.outcomes.record(message.id, message.outcome, message.outcome);
        return;
      case 'request':
        this.outcomes.record(message.id, undefined, message.outcome);
        return;
      case 'stream-ready':
        // Contract §2: used only for a request still waiting for its URL (recorded even before
        // anyone waits, like every other outcome).
        if (this.outcomes.known('request', message.requestId)) return;
        this.outcomes.record(message.requestId, undefined, {
          status: 2,
          source: { kind: 'url', url: message.url },
        });
        return;
      case 'event':
        if (message.event === 'vote-pending') this.rememberHold(message.payload);
        this.emit(message.event, message.payload as never);
        return;
    }
  }

  /** Keeps the pools a command waits for (bounded like the outcomes), newest last. */
  private rememberHold({ commandId, poolId, policyId }: ChannelEvents['vote-pending']): void {
    const known = this.holds.get(commandId) ?? [];
    if (!known.some((entry) => entry.poolId === poolId)) known.push({ poolId, policyId });
    this.holds.delete(commandId);
    this.holds.set(commandId, known);
    while (this.holds.size > this.options.outcomeCacheSize)
      this.holds.delete(this.holds.keys().next().value as string);
  }

  private startHeartbeat(ws: WebSocket, checkAlive: () => boolean): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!checkAlive()) {
        // Silent for a whole interval: a half-open connection. Drop it and redial.
        ws.terminate();
        return;
      }
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private setState(state: ChannelState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  private emit<K extends keyof ChannelEvents>(event: K, payload: ChannelEvents[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<K>)(payload);
      } catch {
        // A listener's failure is its own; delivery to the others goes on.
      }
    }
  }
}

function closedError(): PrivicoreError {
  return new PrivicoreError({
    status: 0,
    reason: 'client.closed',
    message: 'The session channel is closed.',
  });
}

function failedError(): PrivicoreError {
  return new PrivicoreError({
    status: 401,
    reason: 'auth.invalid_token',
    message:
      'The session channel could not re-join: the authorization token is no longer valid. Log in again.',
  });
}
