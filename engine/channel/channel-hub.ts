import type { Recipient, ServerMessage } from './messages.ts';

/**
 * Delivery seam of the WebSocket proxy. The in-process hub (socket-hub.ts) delivers to the
 * sockets of this process; a multi-node deployment fans out through a broker behind the same
 * interface.
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
