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

export interface PutOptions {
  /**
   * The device may confirm before the chunk is durable; flushItem makes it so. Without this the
   * confirmation itself means durable. Writers of many chunks defer and flush once at the end:
   * one fsync per chunk and folder on the way costs most of a store's time.
   */
  deferSync?: boolean;
}

export interface DeviceBus {
  isOnline(deviceId: string): boolean;
  /** Resolves once the device confirmed the write: durable (fsynced, renamed) unless deferred. */
  putChunk(deviceId: string, ref: ChunkRef, envelope: Buffer, options?: PutOptions): Promise<void>;
  /**
   * Resolves once every chunk the device holds of the item is durable: data fsynced, renamed
   * into place, folder fsynced. Rejects ('offline') when the connection that confirmed a
   * deferred put of the item is gone: a device that went down may have lost what it confirmed.
   */
  flushItem(deviceId: string, itemId: string): Promise<void>;
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
