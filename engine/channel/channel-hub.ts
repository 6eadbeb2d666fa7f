import type { Recipient, ServerMessage } from './messages.ts';

/**
 * Delivery seam of the WebSocket proxy. The in-process hub (socket-hub.ts) delivers to the
 * sockets of this process; a multi-node deployment fans out through a broker behind the same
 * interface.
 */
export interface ChannelHub {
  publish(recipient: Recipient, message: ServerMessage): void;
  /** Closes every socket joined with this token (code 4401). */
  closeToken(tokenHash: string): void;
  /** The token now expires earlier (reauthorize): sockets close when it does. */
  shortenToken(tokenHash: string, expiresAt: number): void;
  /** Closes every socket of a removed device (code 4401). */
  closeDevice(deviceId: string): void;
  /** Whether a socket joined with one of this device's tokens is open (a computer is online). */
  isDeviceJoined(deviceId: string): boolean;
}
