import type { RawData } from 'ws';
import { BUS_CLOSED, BUS_OPEN, openBusSocket, type BusSocket } from './bus-socket.ts';
import {
  CLOSE_GOING_AWAY,
  CLOSE_MALFORMED,
  CLOSE_REPLACED,
  CLOSE_UNAUTHORIZED,
  FrameError,
  closeReason,
  decodeEngineFrame,
  encodeFrame,
} from '../bus/bus-frames.ts';
import { proveSlot } from '../bus/slot-proof.ts';
import { isId } from '../ids.ts';
import { createLogger, type Logger } from '../log.ts';
import { busUrlForLogs, type DeviceBundle } from './device-bundle.ts';
import { PinMismatchError, PinnedAgent } from '../tls/pinned-agent.ts';

/** As for a storage device (storage-device.ts): the last three states are final. */
/** `untrusted`: the engine's TLS certificate is not the one the bundle pins (nothing was sent). */
export type AuthenticatorState =
  'connecting' | 'connected' | 'unauthorized' | 'replaced' | 'untrusted' | 'stopped';

/** A ballot as the engine sends it (contract §2 BALLOT, over the device bus). */
export interface Ballot {
  ballotId: string;
  poolId: string;
  subject: string;
  expiresAt: string;
}

export type VoteResult = { accepted: true } | { accepted: false; reason: string };

export interface AuthenticatorOptions {
  bundle: DeviceBundle;
  log?: Logger;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** As for a storage device: 2.5 engine ping intervals of 30 s without a sign of life. */
  idleTimeoutMs?: number;
}

export interface RunningAuthenticator {
  readonly deviceIdentifier: string;
  readonly state: AuthenticatorState;
  readonly connected: boolean;
  /** In `untrusted`: which certificate was found and which one is pinned. */
  readonly pinMismatch: PinMismatchError | undefined;
  /** Fires after every welcome: the first connection and each reconnection. */
  onReady(listener: () => void): void;
  onStateChange(listener: (state: AuthenticatorState) => void): void;
  /**
   * Fires for each ballot the engine sends, including open ballots re-sent after a reconnect
   * (the same ballot id again).
   */
  onBallot(listener: (ballot: Ballot) => void): void;
  /** Casts a vote; resolves with the engine's verdict (contract §12 reason keys). */
  vote(ballotId: string, vote: 'yes' | 'no'): Promise<VoteResult>;
  stop(): Promise<void>;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long a vote waits for the engine's answer. */
const VOTE_TIMEOUT_MS = 30_000;
const WARN_EVERY_ATTEMPTS = 12;

/**
 * The authenticator device runtime (contract §2, §12): an authenticator in the engine's device
 * runtime gets its ballots and answers them over the device bus. Runs in-process or as
 * authenticator-main.ts, the headless authenticator.
 */
export function startAuthenticator(options: AuthenticatorOptions): RunningAuthenticator {
  const { bundle } = options;
  const log = (options.log ?? createLogger()).child({
    component: 'authenticator',
    deviceId: bundle.deviceIdentifier,
  });
  const minMs = options.reconnectMinMs ?? 250;
  const maxMs = options.reconnectMaxMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 75_000;

  let state: AuthenticatorState = 'connecting';
  let socket: BusSocket | undefined;
  let welcomed = false;
  let failures = 0;
  let lastError: string | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let halting: Promise<void> | undefined;
  let pinMismatch: PinMismatchError | undefined;
  // With a pin, the engine's certificate is checked before the upgrade request is written: the
  // device token (in the hello after the upgrade) never reaches a server with another key.
  const agent = bundle.engine.tlsPin ? new PinnedAgent(bundle.engine.tlsPin) : undefined;
  let nextRef = 1;
  const pendingVotes = new Map<
    number,
    { resolve(result: VoteResult): void; reject(error: Error): void; timer: NodeJS.Timeout }
  >();
  const readyListeners: (() => void)[] = [];
  const stateListeners: ((state: AuthenticatorState) => void)[] = [];
  const ballotListeners: ((ballot: Ballot) => void)[] = [];

  function call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      log.error({ err: error }, 'authenticator listener failed');
    }
  }

  function setState(next: AuthenticatorState): void {
    if (state === next) return;
    state = next;
    for (const listener of stateListeners) call(() => listener(next));
  }

  function failVotes(why: string): void {
    for (const [ref, pending] of pendingVotes) {
      clearTimeout(pending.timer);
      pending.reject(new Error(why));
      pendingVotes.delete(ref);
    }
  }

  function connect(): void {
    retryTimer = undefined;
    if (halting) return;
    setState('connecting');
    let ws: BusSocket;
    try {
      ws = openBusSocket(bundle, {
        perMessageDeflate: false,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        ...(agent ? { agent } : {}),
      });
    } catch (error) {
      log.error({ err: error }, 'cannot open the device bus');
      scheduleReconnect(true);
      return;
    }
    socket = ws;
    welcomed = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        log.warn({ idleTimeoutMs }, 'no sign of the engine; dropping the bus connection');
        ws.terminate();
      }, idleTimeoutMs);
      idleTimer.unref();
    };
    const violate = (message: string) => {
      log.error({ reason: message }, 'the engine sent a malformed bus frame');
      ws.close(CLOSE_MALFORMED, closeReason(message));
    };

    ws.on('open', () => {
      touch();
      ws.send(encodeFrame({ op: 'hello', deviceToken: bundle.deviceToken }));
    });
    ws.on('ping', touch);
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      touch();
      if (ws !== socket || halting) return;
      let header;
      try {
        header = decodeEngineFrame(raw, isBinary).header;
      } catch (error) {
        return violate(error instanceof FrameError ? error.message : 'undecodable frame');
      }
      if (header.op === 'challenge') {
        // Another connection of this device is alive: prove this one is the device, with the
        // private key when the bundle carries it (an empty proof otherwise: the engine refuses).
        if (welcomed) return violate('a challenge after the welcome');
        const proof = bundle.keys.private
          ? proveSlot(
              bundle.keys.private,
              header.enginePublicKey,
              bundle.deviceIdentifier,
              header.nonce,
            )
          : undefined;
        ws.send(encodeFrame({ op: 'proof', proof: proof ?? '' }));
        return;
      }
      if (header.op === 'welcome') {
        if (welcomed) return violate('a second welcome');
        if (header.deviceIdentifier !== bundle.deviceIdentifier) {
          log.error(
            { welcomedAs: header.deviceIdentifier },
            'the engine knows this device token under another device; the bundle does not belong together',
          );
          void halt('unauthorized');
          return;
        }
        welcomed = true;
        failures = 0;
        lastError = undefined;
        log.info('connected to the device bus');
        setState('connected');
        for (const listener of readyListeners) call(listener);
        return;
      }
      if (!welcomed) return violate(`${header.op} before the welcome`);
      if (header.op === 'ballot') {
        const ballot: Ballot = {
          ballotId: header.ballotId,
          poolId: header.poolId,
          subject: header.subject,
          expiresAt: header.expiresAt,
        };
        for (const listener of ballotListeners) call(() => listener(ballot));
        return;
      }
      if (header.op === 'voted') {
        const pending = pendingVotes.get(header.ref);
        if (!pending) return;
        pendingVotes.delete(header.ref);
        clearTimeout(pending.timer);
        pending.resolve(
          header.reason === undefined
            ? { accepted: true }
            : { accepted: false, reason: header.reason },
        );
        return;
      }
      // An authenticator holds no data: a storage request is answered with an error.
      ws.send(
        encodeFrame({ op: 'error', id: header.id, message: 'this device is an authenticator' }),
      );
    });
    ws.on('error', (error) => {
      lastError = error.message;
      if (error instanceof PinMismatchError) pinMismatch = error;
      log.debug({ err: error }, 'device bus socket error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(idleTimer);
      if (ws !== socket) return;
      socket = undefined;
      const wasWelcomed = welcomed;
      welcomed = false;
      failVotes('the bus connection was lost before the engine answered the vote');
      if (halting) return;
      if (pinMismatch) {
        log.error(
          {
            expected: pinMismatch.expected,
            actual: pinMismatch.actual,
            url: busUrlForLogs(bundle.bus.url),
          },
          'the engine presented a TLS certificate other than the pinned one; nothing was sent, not reconnecting',
        );
        void halt('untrusted');
        return;
      }
      if (code === CLOSE_UNAUTHORIZED) {
        log.error(
          { reason: reason.toString() },
          'the engine refused the device token (revoked, expired or device removed); not reconnecting',
        );
        void halt('unauthorized');
        return;
      }
      if (code === CLOSE_REPLACED) {
        log.error('another runtime connected with this device configuration; this one stops');
        void halt('replaced');
        return;
      }
      if (wasWelcomed) log.warn({ code }, 'device bus connection lost; reconnecting');
      scheduleReconnect(!wasWelcomed);
    });
  }

  function scheduleReconnect(afterFailedAttempt: boolean): void {
    if (halting) return;
    setState('connecting');
    const base = Math.min(maxMs, minMs * 2 ** Math.min(failures, 20));
    const delay = Math.round(Math.min(maxMs, Math.max(minMs, base * (0.8 + Math.random() * 0.4))));
    failures++;
    if (afterFailedAttempt && failures % WARN_EVERY_ATTEMPTS === 1) {
      log.warn(
        { url: busUrlForLogs(bundle.bus.url), attempt: failures, delayMs: delay, error: lastError },
        'device bus unreachable; retrying',
      );
    }
    retryTimer = setTimeout(connect, delay);
  }

  function halt(final: 'unauthorized' | 'replaced' | 'untrusted' | 'stopped'): Promise<void> {
    if (halting) return halting;
    halting = (async () => {
      clearTimeout(retryTimer);
      const ws = socket;
      socket = undefined;
      welcomed = false;
      failVotes('the authenticator stopped');
      if (ws && ws.readyState !== BUS_CLOSED) {
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(CLOSE_GOING_AWAY, 'device stopping');
          setTimeout(() => ws.terminate(), 2_000).unref();
        });
      }
      log.info({ state: final }, 'authenticator stopped');
    })();
    setState(final);
    return halting;
  }

  connect();

  return {
    deviceIdentifier: bundle.deviceIdentifier,
    get state() {
      return state;
    },
    get connected() {
      return state === 'connected';
    },
    get pinMismatch() {
      return pinMismatch;
    },
    onReady(listener) {
      readyListeners.push(listener);
    },
    onStateChange(listener) {
      stateListeners.push(listener);
    },
    onBallot(listener) {
      ballotListeners.push(listener);
    },
    vote(ballotId, vote) {
      // The bus takes only well-formed ids; a typo must not cost the connection.
      if (!isId(ballotId))
        return Promise.resolve({ accepted: false, reason: 'voting.ballot_not_found' });
      const ws = socket;
      if (!ws || !welcomed || ws.readyState !== BUS_OPEN)
        return Promise.reject(new Error('not connected to the engine; try again once connected'));
      const ref = nextRef++;
      return new Promise<VoteResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingVotes.delete(ref);
          reject(new Error(`the engine did not answer the vote within ${VOTE_TIMEOUT_MS} ms`));
        }, VOTE_TIMEOUT_MS);
        timer.unref();
        pendingVotes.set(ref, { resolve, reject, timer });
        ws.send(encodeFrame({ op: 'vote', ref, ballotId, vote }));
      });
    },
    stop: () => halt('stopped'),
  };
}
