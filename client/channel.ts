// The session's one WebSocket channel (contract §2): joins with the session's token, records
// every command and request outcome it hears (so an ack that arrives before anyone waits for it
// is kept), hands device and voting events to listeners, and survives dropped connections.
//
// After a reconnect it re-joins and reconciles every command still awaited through
// /request-status/{id}, as the contract asks: the engine buffers messages for 30 s only while a
// profile has no joined socket, so a message written to a connection that was already dead is
// gone, and only the status endpoint can tell.

import WebSocket, { type RawData } from 'ws';
import { downloadSourceOf, type DownloadSource } from './download-source.ts';
import type { HttpClient } from './http.ts';
import { isRecord } from './is-record.ts';
import { PrivicoreError } from './privicore-error.ts';
import { requestStatus } from './endpoints/utility.ts';

export type CommandOutcome =
  | { status: 2; body: unknown; via: 'message' }
  /** Learned from /request-status after a reconnect: the result body was lost with the message. */
  | { status: 2; via: 'status' }
  | { status: 3; reason: string };

export type RequestOutcome =
  | { status: 2; source: DownloadSource }
  /** The request succeeded but its download message was lost; ask again. */
  | { status: 2; source: undefined }
  | { status: 3; reason: string };

export type ChannelState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed' | 'failed';

export interface ChannelEvents {
  state: ChannelState;
  'device-pending': { deviceIdentifier: string; deviceName: string; requestedAt: string };
  'device-paired': { deviceIdentifier: string; deviceName: string; pairedAt: string };
  ballot: { ballotId: string; poolId: string; subject: string; expiresAt: string };
  'pool-resolved': { poolId: string; status: string; subject: string; resolvedAt: string };
  /** A command waits for a voting pool (status 1 with `{poolId, policyId}`). */
  'vote-pending': { commandId: string; poolId: string; policyId: string };
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

type Waiter =
  | { kind: 'command'; settle(outcome: CommandOutcome): void; fail(error: Error): void }
  | { kind: 'request'; settle(outcome: RequestOutcome): void; fail(error: Error): void };

interface Remembered {
  command?: CommandOutcome;
  request?: RequestOutcome;
}

type Listener<K extends keyof ChannelEvents> = (event: ChannelEvents[K]) => void;

export class SessionChannel {
  private readonly options: Required<Omit<SessionChannelOptions, 'wsUrl' | 'http' | 'token'>>;
  private ws: WebSocket | undefined;
  private stateValue: ChannelState = 'idle';
  private epochValue = 0;
  private channelIdValue: string | undefined;
  private readonly outcomes = new Map<string, Remembered>();
  /** Commands the engine said wait for a vote (status 1 `{poolId, policyId}`), by command id. */
  private readonly holds = new Map<string, { poolId: string; policyId: string }[]>();
  private readonly waiters = new Map<string, Set<Waiter>>();
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
    this.failAll(closedError());
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
    this.outcomes.delete(id);
  }

  private wait<T extends CommandOutcome | RequestOutcome>(
    kind: Waiter['kind'],
    id: string,
    options: WaitOptions,
  ): Promise<T> {
    const known = this.outcomes.get(id)?.[kind];
    if (known) return Promise.resolve(known as T);
    if (this.stateValue === 'closed') return Promise.reject(closedError());
    if (this.stateValue === 'failed') return Promise.reject(failedError());
    if (options.signal?.aborted)
      return Promise.reject(PrivicoreError.cancelled('Waiting for the command'));

    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const set = this.waiters.get(id);
        set?.delete(waiter);
        if (set?.size === 0) this.waiters.delete(id);
      };
      const waiter = {
        kind,
        settle: (outcome: T) => {
          finish();
          resolve(outcome);
        },
        fail: (error: Error) => {
          finish();
          reject(error);
        },
      } as Waiter;
      const onAbort = () => waiter.fail(PrivicoreError.cancelled('Waiting for the command'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const arm = () => {
        timer = setTimeout(
          () => void this.timeOut(id, waiter, options.timeoutMs, arm),
          options.timeoutMs,
        );
      };
      arm();
      const set = this.waiters.get(id) ?? new Set<Waiter>();
      set.add(waiter);
      this.waiters.set(id, set);
      if (
        options.since !== undefined &&
        options.since !== this.epochValue &&
        this.stateValue === 'joined'
      ) {
        void this.reconcile([id]);
      }
    });
  }

  /**
   * A last look at /request-status before giving up, for a message lost on a live connection.
   * A command held for a vote is waited for as long as the engine still reports it started:
   * the engine itself ends it at the pool's deadline (contract §10), so the wait is re-armed.
   */
  private async timeOut(
    id: string,
    waiter: Waiter,
    timeoutMs: number,
    rearm: () => void,
  ): Promise<void> {
    await this.reconcile([id], 0);
    if (!this.waiters.get(id)?.has(waiter)) return;
    if (this.holds.has(id) && this.stateValue === 'joined') {
      rearm();
      return;
    }
    waiter.fail(
      new PrivicoreError({
        status: 0,
        reason: 'client.timeout',
        message: `Command ${id} did not finish within ${Math.round(timeoutMs / 1000)} s; it may still complete on the engine.`,
      }),
    );
  }

  private async dialAndJoin(): Promise<void> {
    const token = this.config.token();
    if (!token)
      throw new PrivicoreError({
        status: 401,
        reason: 'auth.missing_token',
        message: 'The session has no authorization token.',
      });
    const ws = new WebSocket(this.config.wsUrl, {
      perMessageDeflate: false,
      handshakeTimeout: this.options.joinTimeoutMs,
    });
    this.ws = ws;
    // Failures after the open arrive as 'close'; this keeps a late 'error' from being unhandled.
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) =>
        reject(
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
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
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
        const frame = parseFrame(raw);
        if (!frame) return;
        if (frame['correlationId'] === correlationId) {
          clearTimeout(timer);
          resolve(frame);
          return;
        }
        if (isRecord(frame['data']) && 'type' in frame['data']) this.dispatch(frame['data']);
      });
      ws.once('close', () => {
        clearTimeout(timer);
        reject(
          new PrivicoreError({
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
    let answer: Record<string, unknown>;
    try {
      answer = await reply;
    } catch (error) {
      ws.terminate();
      throw error;
    }
    const data = isRecord(answer['data']) ? answer['data'] : {};
    if (answer['status'] !== 200) {
      ws.terminate();
      throw new PrivicoreError({
        status: typeof answer['status'] === 'number' ? answer['status'] : 0,
        reason: typeof data['reason'] === 'string' ? data['reason'] : 'client.protocol',
        message:
          typeof data['message'] === 'string'
            ? data['message']
            : 'The engine refused to join the channel.',
      });
    }
    this.channelIdValue = typeof data['channelId'] === 'string' ? data['channelId'] : undefined;
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
    if (this.waiters.size === 0) this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.stateValue !== 'reconnecting') return;
    try {
      await this.dialAndJoin();
    } catch (error) {
      if ((this.stateValue as ChannelState) === 'closed') return;
      if (error instanceof PrivicoreError && error.status === 401) {
        this.setState('failed');
        this.failAll(error);
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if ((this.stateValue as ChannelState) === 'closed') {
      this.ws?.close();
      return;
    }
    await this.reconcile([...this.waiters.keys()]);
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
          if (error instanceof PrivicoreError && error.reason === 'command.not_found') {
            for (const waiter of [...(this.waiters.get(id) ?? [])]) waiter.fail(error);
          }
          // Unreachable engine: the next reconnect or the waiter's timeout tries again.
          return;
        }
        if (status.status === 1) return;
        // The message may be on its way on the new socket; prefer it, since it carries the result.
        if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
        if (!this.waiters.has(id)) return;
        if (status.status === 2)
          this.record(id, { status: 2, via: 'status' }, { status: 2, source: undefined });
        else {
          const reason = status.reason ?? 'server.error';
          this.record(id, { status: 3, reason }, { status: 3, reason });
        }
      }),
    );
  }

  private dispatch(data: Record<string, unknown>): void {
    this.emit('message', data);
    const id = typeof data['id'] === 'string' ? data['id'] : undefined;
    const status = Number(data['command_status']);
    const body = data['body'];
    switch (data['type']) {
      case 'X-DPT-CAB-ID': {
        if (!id) return;
        if (status === 1) {
          if (isRecord(body) && typeof body['poolId'] === 'string') {
            const hold = { poolId: body['poolId'], policyId: String(body['policyId'] ?? '') };
            const known = this.holds.get(id) ?? [];
            if (!known.some((entry) => entry.poolId === hold.poolId)) known.push(hold);
            this.holds.delete(id);
            this.holds.set(id, known);
            while (this.holds.size > this.options.outcomeCacheSize)
              this.holds.delete(this.holds.keys().next().value as string);
            this.emit('vote-pending', { commandId: id, ...hold });
          }
          return;
        }
        if (status === 2)
          this.record(id, { status: 2, body, via: 'message' }, { status: 2, source: undefined });
        else if (status === 3) {
          const reason = typeof body === 'string' ? body : 'server.error';
          this.record(id, { status: 3, reason }, { status: 3, reason });
        }
        return;
      }
      case 'X-DPT-CAB-REQUEST-ID': {
        if (!id) return;
        if (status === 2) {
          let outcome: RequestOutcome;
          try {
            outcome = { status: 2, source: downloadSourceOf(data, this.config.http.apiUrl) };
          } catch (error) {
            outcome = { status: 3, reason: (error as PrivicoreError).reason ?? 'client.protocol' };
          }
          this.record(id, undefined, outcome);
        } else if (status === 3) {
          this.record(id, undefined, {
            status: 3,
            reason: typeof body === 'string' ? body : 'server.error',
          });
        }
        return;
      }
      case 'STREAM-READY': {
        const requestId =
          id ?? (typeof data['requestId'] === 'string' ? data['requestId'] : undefined);
        const url = data['streamUrl'];
        // Contract §2: used only for a request still waiting for its URL (recorded even before
        // anyone waits, like every other outcome).
        if (!requestId || typeof url !== 'string' || this.outcomes.get(requestId)?.request) return;
        this.record(requestId, undefined, { status: 2, source: { kind: 'url', url } });
        return;
      }
      case 'DEVICE-PENDING':
        if (id && isRecord(body)) {
          this.emit('device-pending', {
            deviceIdentifier: id,
            deviceName: String(body['deviceName'] ?? ''),
            requestedAt: String(body['requestedAt'] ?? ''),
          });
        }
        return;
      case 'DEVICE-PAIRED':
        if (id && isRecord(body)) {
          this.emit('device-paired', {
            deviceIdentifier: id,
            deviceName: String(body['deviceName'] ?? ''),
            pairedAt: String(body['pairedAt'] ?? ''),
          });
        }
        return;
      case 'BALLOT':
        if (id && isRecord(body)) {
          this.emit('ballot', {
            ballotId: id,
            poolId: String(body['poolId'] ?? ''),
            subject: String(body['subject'] ?? ''),
            expiresAt: String(body['expiresAt'] ?? ''),
          });
        }
        return;
      case 'POOL-RESOLVED':
        if (id && isRecord(body)) {
          this.emit('pool-resolved', {
            poolId: id,
            status: String(body['status'] ?? ''),
            subject: String(body['subject'] ?? ''),
            resolvedAt: String(body['resolvedAt'] ?? ''),
          });
        }
        return;
      default:
        // Contract §2: unknown types are ignored.
        return;
    }
  }

  /**
   * Remembers an outcome and settles its waiters. A request's download message never downgrades:
   * the command's status-2 message that follows it must not replace the URL with "lost".
   */
  private record(
    id: string,
    command: CommandOutcome | undefined,
    request: RequestOutcome | undefined,
  ): void {
    const remembered = this.outcomes.get(id) ?? {};
    if (command && !remembered.command) remembered.command = command;
    if (
      request &&
      (!remembered.request ||
        (remembered.request.status === 2 &&
          !remembered.request.source &&
          request.status === 2 &&
          request.source))
    ) {
      remembered.request = request;
    }
    this.outcomes.delete(id);
    this.outcomes.set(id, remembered);
    while (this.outcomes.size > this.options.outcomeCacheSize) {
      const oldest = this.outcomes.keys().next().value as string;
      this.outcomes.delete(oldest);
    }
    for (const waiter of [...(this.waiters.get(id) ?? [])]) {
      if (waiter.kind === 'command' && remembered.command) waiter.settle(remembered.command);
      if (waiter.kind === 'request' && remembered.request) waiter.settle(remembered.request);
    }
  }

  private failAll(error: Error): void {
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.fail(error);
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

function parseFrame(raw: RawData): Record<string, unknown> | undefined {
  try {
    const frame: unknown = JSON.parse(raw.toString());
    return isRecord(frame) ? frame : undefined;
  } catch {
    return undefined;
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
