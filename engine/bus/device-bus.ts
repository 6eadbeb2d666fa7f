/**
 * The engine's side of the device bus (contract §9): how the engine reaches the storage
 * devices of its profiles. The embedded implementation (ws-device-bus.ts) is a WebSocket
 * endpoint of the engine itself; a RabbitMQ implementation can satisfy the same interface.
 * Message layout, chunking and at-rest encryption are private to the engine and the device
 * runtime (engine/devices/), not part of the wire contract.
 */

/** One chunk of one stored item. Chunks are engine-layer envelopes (transfer/envelope.ts). */
export interface ChunkRef {
  itemId: string;
  index: number;
}

export class BusError extends Error {
  constructor(
    readonly code: 'offline' | 'timeout' | 'io' | 'rejected',
    message: string,
  ) {
    super(message);
    this.name = 'BusError';
  }
}

export interface ConnectedDevice {
  deviceId: string;
  profileId: string;
}

export interface DeviceBus {
  isOnline(deviceId: string): boolean;
  /** Resolves once the device confirmed a durable (fsynced, renamed) write. */
  putChunk(deviceId: string, ref: ChunkRef, envelope: Buffer): Promise<void>;
  /** The chunk as stored; undefined when the device lacks it or its at-rest check fails. */
  getChunk(deviceId: string, ref: ChunkRef): Promise<Buffer | undefined>;
  /** Removes every chunk of an item; resolves once the device confirmed. */
  deleteItem(deviceId: string, itemId: string): Promise<void>;
  /** The item ids the device holds at least one chunk of. */
  listItems(deviceId: string): Promise<string[]>;
  onConnect(listener: (device: ConnectedDevice) => void): void;
  onDisconnect(listener: (device: ConnectedDevice) => void): void;
  close(): Promise<void>;
}
