import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { newId } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { EngineHub } from './channel-hub.ts';
import type { JoinedSocket } from './socket-hub.ts';

/** What a join needs to know about a token; undefined when it is unknown, expired or revoked. */
export interface ChannelCredential {
  tokenHash: string;
  profileId: string;
  deviceId: string | null;
  /** Set for an OAuth access token (socket-hub.ts). */
  grantId?: string | null;
  expiresAt: number;
}

/** A valid token that may not join (a storage device's, for one): answered with its status. */
export interface ChannelRefusal {
  refused: { status: 403; reason: string; message: string };
}

export interface WsChannelOptions {
  hub: EngineHub;
  log: Logger;
  resolveToken(token: string): Promise<ChannelCredential | ChannelRefusal | undefined>;
  /** Contract §2: 30 s. Tests shorten it. */
  pingIntervalMs?: number;
  /**
   * Runs after a join and before its reply: what the joiner is owed (an authenticator's open
   * ballots, contract §2) reaches it first, so a client holds all of it once the reply arrives.
   */
  onJoined?(socket: JoinedSocket): Promise<void>;
  /** Runs once a joined socket leaves or closes. */
  onLeft?(socket: JoinedSocket): void;
}

interface Reply {
  correlationId: unknown;
  status: number;
  data: Record<string, unknown>;
}

const MAX_FRAME = 64 * 1024;

/** The WebSocket proxy's connection protocol (contract §2): joinChannel / leaveChannel. */
export function createWsChannel(options: WsChannelOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const interval = options.pingIntervalMs ?? 30_000;

  wss.on('connection', (ws: WebSocket) => {
    let joined: JoinedSocket | undefined;
    let alive = true;
    let queue = Promise.resolve();

    ws.on('pong', () => {
      alive = true;
    });
    const pinger = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, interval);
    pinger.unref();

    ws.on('close', () => {
      clearInterval(pinger);
      if (joined) {
        options.hub.leave(joined);
        options.onLeft?.(joined);
      }
      joined = undefined;
    });
    ws.on('error', (error) => options.log.debug({ err: error }, 'channel socket error'));

    // Frames are handled one at a time so a join completes before the next frame is read.
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      queue = queue.then(async () => {
        const reply = await handle(raw, isBinary);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });

    async function handle(raw: RawData, isBinary: boolean): Promise<Reply> {
      let frame: unknown;
      try {
        frame = isBinary ? undefined : JSON.parse(raw.toString());
      } catch {
        frame = undefined;
      }
      const data = isObject(frame) && isObject(frame.data) ? frame.data : undefined;
      const correlationId = data && 'correlationId' in data ? data.correlationId : null;
      const malformed = (message: string): Reply => ({
        correlationId,
        status: 400,
        data: { message, reason: 'request.malformed' },
      });
      if (!isObject(frame) || typeof frame.action !== 'string')
        return malformed('Frames are JSON objects with an action.');
      if (!data) return malformed('The frame has no data object.');

      if (frame.action === 'joinChannel') {
        if (typeof data.authorizationToken !== 'string' || data.authorizationToken === '') {
          return malformed('joinChannel needs data.authorizationToken.');
        }
        if (joined) {
          return {
            correlationId,
            status: 409,
            data: {
              message: 'This connection already joined a channel; leave it first.',
              reason: 'websocket.already_joined',
            },
          };
        }
        const credential = await options.resolveToken(data.authorizationToken);
        if (!credential) {
          return {
            correlationId,
            status: 401,
            data: {
              message: 'The authorization token is not valid.',
              reason: 'auth.invalid_token',
            },
          };
        }
        if ('refused' in credential) {
          const { status, reason, message } = credential.refused;
          return { correlationId, status, data: { message, reason } };
        }
        if (ws.readyState !== ws.OPEN) return { correlationId, status: 410, data: {} };
        const socket: JoinedSocket = { ws, channelId: newId(), ...credential };
        joined = socket;
        options.hub.join(socket);
        try {
          await options.onJoined?.(socket);
        } catch (error) {
          // The join stands; what it was owed arrives with the next event or join.
          options.log.error({ err: error }, 'channel join follow-up failed');
        }
        return {
          correlationId,
          status: 200,
          data: { channelId: socket.channelId, message: 'Successfully joined profile channel.' },
        };
      }

      if (frame.action === 'leaveChannel') {
        if (typeof data.channelId !== 'string' || data.channelId === '')
          return malformed('leaveChannel needs data.channelId.');
        if (!joined || joined.channelId !== data.channelId) {
          return {
            correlationId,
            status: 404,
            data: {
              message: 'This connection has not joined that channel.',
              reason: 'websocket.channel_not_found',
            },
          };
        }
        options.hub.leave(joined);
        options.onLeft?.(joined);
        const channelId = joined.channelId;
        joined = undefined;
        return {
          correlationId,
          status: 200,
          data: { channelId, message: 'Successfully left profile channel.' },
        };
      }

      return malformed(`Unknown action "${frame.action.slice(0, 64)}".`);
    }
  });

  return wss;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
