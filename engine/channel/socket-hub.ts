import type { WebSocket } from 'ws';
import type { EngineHub, PublishOptions } from './channel-hub.ts';
import type { Recipient, ServerMessage } from './messages.ts';

/** A socket that joined a channel with a valid authorization token. */
export interface JoinedSocket {
  readonly ws: WebSocket;
  readonly channelId: string;
  readonly tokenHash: string;
  readonly profileId: string;
  readonly deviceId: string | null;
  /**
   * Set when an OAuth access token joined: the socket hears only about its grant's own commands,
   * never the profile's other messages (whose download URLs and temporary tokens its scopes may
   * not cover).
   */
  readonly grantId?: string | null;
  expiresAt: number;
  expiryTimer?: NodeJS.Timeout;
}

/** Contract §2: messages for an absent recipient wait 30 s, at most 1000, oldest dropped first. */
const BUFFER_MS = 30_000;
const BUFFER_LIMIT = 1000;
/** How many recipients may hold buffers before stale ones are swept. */
const SWEEP_ABOVE = 1000;
/** setTimeout cannot wait longer than 2^31-1 ms; longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;
export const CLOSE_TOKEN_INVALID = 4401;

type Buffered = { at: number; text: string };

/**
 * The hub's keys for a joined socket: `g:<grant id>` for an OAuth socket, else `p:<profile id>`
 * and, for a device's token, `d:<device id>`.
 */
function socketKeys(socket: JoinedSocket): string[] {
  if (socket.grantId) return [`g:${socket.grantId}`];
  return [`p:${socket.profileId}`, ...(socket.deviceId ? [`d:${socket.deviceId}`] : [])];
}

/** In-process delivery to the sockets joined on this engine. */
export class SocketHub implements EngineHub {
  private readonly byProfile = new Map<string, Set<JoinedSocket>>();
  private readonly byDevice = new Map<string, Set<JoinedSocket>>();
  private readonly byGrant = new Map<string, Set<JoinedSocket>>();
  private readonly byToken = new Map<string, Set<JoinedSocket>>();
  private readonly buffers = new Map<string, Buffered[]>();
  private readonly countListeners: ((key: string, count: number) => void)[] = [];
  /**
   * Whether a message for a recipient key with no socket here is kept for the next join; with
   * several nodes (cluster-hub.ts) it is not while a socket for it is joined on another node,
   * which delivers its own copy (a kept one would be replayed twice).
   */
  bufferHere: (key: string) => boolean = () => true;

  constructor(private readonly now: () => number = Date.now) {}

  publish(recipient: Recipient, message: ServerMessage, options: PublishOptions = {}): void {
    const text = JSON.stringify({ data: message });
    const buffer = options.buffer !== false;
    if ('deviceId' in recipient) {
      this.deliver(`d:${recipient.deviceId}`, this.byDevice.get(recipient.deviceId), text, buffer);
      return;
    }
    this.deliver(`p:${recipient.profileId}`, this.byProfile.get(recipient.profileId), text, buffer);
    if (recipient.grantId)
      this.deliver(`g:${recipient.grantId}`, this.byGrant.get(recipient.grantId), text, buffer);
  }

  join(socket: JoinedSocket): void {
    add(this.byToken, socket.tokenHash, socket);
    this.armExpiry(socket);
    if (socket.grantId) {
      add(this.byGrant, socket.grantId, socket);
      this.flush(`g:${socket.grantId}`, socket);
      this.countsChanged(socket);
      return;
    }
    add(this.byProfile, socket.profileId, socket);
    if (socket.deviceId) add(this.byDevice, socket.deviceId, socket);
    this.flush(`p:${socket.profileId}`, socket);
    if (socket.deviceId) this.flush(`d:${socket.deviceId}`, socket);
    this.countsChanged(socket);
  }

  leave(socket: JoinedSocket): void {
    clearTimeout(socket.expiryTimer);
    remove(this.byToken, socket.tokenHash, socket);
    if (socket.grantId) {
      if (remove(this.byGrant, socket.grantId, socket)) this.countsChanged(socket);
      return;
    }
    const removed = remove(this.byProfile, socket.profileId, socket);
    if (socket.deviceId) remove(this.byDevice, socket.deviceId, socket);
    if (removed) this.countsChanged(socket);
  }

  /**
   * Told whenever the number of sockets joined for a profile or a device changes (cluster-hub.ts
   * shares it with the other engine nodes).
   */
  onCountChange(listener: (key: string, count: number) => void): void {
    this.countListeners.push(listener);
  }

  /** Sockets joined here per recipient key (socketKeys), for every key that has any. */
  counts(): [key: string, count: number][] {
    return [
      ...[...this.byProfile].map(([id, set]): [string, number] => [`p:${id}`, set.size]),
      ...[...this.byDevice].map(([id, set]): [string, number] => [`d:${id}`, set.size]),
      ...[...this.byGrant].map(([id, set]): [string, number] => [`g:${id}`, set.size]),
    ];
  }

  /** Forgets what waits for a recipient key: a socket joined for it elsewhere got it. */
  dropBuffered(key: string): void {
    this.buffers.delete(key);
  }

  closeToken(tokenHash: string): void {
    for (const socket of [...(this.byToken.get(tokenHash) ?? [])]) this.closeSocket(socket);
  }

  shortenToken(tokenHash: string, expiresAt: number): void {
    for (const socket of this.byToken.get(tokenHash) ?? []) {
      socket.expiresAt = Math.min(socket.expiresAt, expiresAt);
      this.armExpiry(socket);
    }
  }

  closeDevice(deviceId: string): void {
    for (const socket of [...(this.byDevice.get(deviceId) ?? [])]) this.closeSocket(socket);
  }

  /** Sends to one joined socket only (what a join is owed, such as its open ballots). */
  sendTo(socket: JoinedSocket, message: ServerMessage): void {
    if (socket.ws.readyState === socket.ws.OPEN) socket.ws.send(JSON.stringify({ data: message }));
  }

  isDeviceJoined(deviceId: string): boolean {
    return (this.byDevice.get(deviceId)?.size ?? 0) > 0;
  }

  /** Sockets currently joined for a profile (benchmarks and tests observe delivery). */
  joinedCount(profileId: string): number {
    return this.byProfile.get(profileId)?.size ?? 0;
  }

  private countsChanged(socket: JoinedSocket): void {
    if (this.countListeners.length === 0) return;
    for (const key of socketKeys(socket)) {
      const map = { p: this.byProfile, d: this.byDevice, g: this.byGrant }[
        key[0] as 'p' | 'd' | 'g'
      ];
      const count = map.get(key.slice(2))?.size ?? 0;
      for (const listener of this.countListeners) listener(key, count);
    }
  }

  /** Sends to the joined sockets, or buffers for the next one to join (contract §2). */
  private deliver(
    key: string,
    sockets: Set<JoinedSocket> | undefined,
    text: string,
    buffer: boolean,
  ): void {
    if (sockets && sockets.size > 0) {
      for (const socket of sockets) socket.ws.send(text);
      return;
    }
    if (!buffer || !this.bufferHere(key)) return;
    const now = this.now();
    const kept = (this.buffers.get(key) ?? []).filter((entry) => entry.at >= now - BUFFER_MS);
    kept.push({ at: now, text });
    if (kept.length > BUFFER_LIMIT) kept.splice(0, kept.length - BUFFER_LIMIT);
    this.buffers.set(key, kept);
    // Recipients that never join (an application polling request-status) must not pile up.
    if (this.buffers.size > SWEEP_ABOVE) this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [key, buffer] of this.buffers)
      if (buffer.every((entry) => entry.at < now - BUFFER_MS)) this.buffers.delete(key);
  }

  private flush(key: string, socket: JoinedSocket): void {
    const buffer = this.buffers.get(key);
    if (!buffer) return;
    this.buffers.delete(key);
    const oldest = this.now() - BUFFER_MS;
    for (const entry of buffer) if (entry.at >= oldest) socket.ws.send(entry.text);
  }

  private armExpiry(socket: JoinedSocket): void {
    clearTimeout(socket.expiryTimer);
    const wait = socket.expiresAt - this.now();
    if (wait <= 0) {
      this.closeSocket(socket);
      return;
    }
    socket.expiryTimer = setTimeout(() => this.armExpiry(socket), Math.min(wait, MAX_TIMER_MS));
    socket.expiryTimer.unref();
  }

  private closeSocket(socket: JoinedSocket): void {
    this.leave(socket);
    socket.ws.close(CLOSE_TOKEN_INVALID, 'authorization token no longer valid');
  }
}

function add(map: Map<string, Set<JoinedSocket>>, key: string, socket: JoinedSocket): void {
  const set = map.get(key) ?? new Set();
  set.add(socket);
  map.set(key, set);
}

/** True when the socket was there. */
function remove(map: Map<string, Set<JoinedSocket>>, key: string, socket: JoinedSocket): boolean {
  const set = map.get(key);
  if (!set) return false;
  const removed = set.delete(socket);
  if (set.size === 0) map.delete(key);
  return removed;
}
