import type { Recipient, ServerMessage } from './messages.ts';
import type { JoinedSocket } from './socket-hub.ts';

/**
 * Delivery seam of the WebSocket proxy. The in-process hub (socket-hub.ts) delivers to the
 * sockets of this process; with several engine nodes, cluster-hub.ts fans out through the broker
 * behind the same interface.
 */
export interface PublishOptions {
  /**
   * Keep the message for a recipient with no joined socket (contract §2: 30 s). Ballots say
   * no: an authenticator that joins is sent its open ballots anew, so a buffered copy would
   * arrive twice, and a stale one for a ballot closed meanwhile.
   */
  buffer?: boolean;
}

export interface ChannelHub {
  publish(recipient: Recipient, message: ServerMessage, options?: PublishOptions): void;
  /** Closes every socket joined with this token (code 4401). */
  closeToken(tokenHash: string): void;
  /** The token now expires earlier (reauthorize): sockets close when it does. */
  shortenToken(tokenHash: string, expiresAt: number): void;
  /** Closes every socket of a removed device (code 4401). */
  closeDevice(deviceId: string): void;
  /** Whether some socket is joined with one of the device's tokens. */
  isDeviceJoined(deviceId: string): boolean;
}

/** The hub as the engine holds it: delivery plus the sockets joined on this node. */
export interface EngineHub extends ChannelHub {
  join(socket: JoinedSocket): void;
  leave(socket: JoinedSocket): void;
  /** Sends to one socket joined here only (what a join is owed, such as its open ballots). */
  sendTo(socket: JoinedSocket, message: ServerMessage): void;
}
