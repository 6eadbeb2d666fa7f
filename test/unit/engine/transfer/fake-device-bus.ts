import {
  BusError,
  type ChunkRef,
  type ConnectedDevice,
  type DeviceBus,
  type PutOptions,
} from '../../../../engine/bus/device-bus.ts';

/** An in-memory DeviceBus whose devices can be made to fail, stall or serve bad bytes. */
export class FakeDeviceBus implements DeviceBus {
  readonly chunks = new Map<string, Map<string, Buffer>>();
  readonly online = new Set<string>();
  /** Puts that never answer (a silent device), per device. */
  readonly silent = new Set<string>();
  /** Devices whose puts fail after this many successes. */
  readonly failAfter = new Map<string, number>();
  /** Chunks (device → `itemId/index`) confirmed by a deferred put and not flushed since. */
  readonly unsynced = new Map<string, Set<string>>();
  /** Devices whose flush fails. */
  readonly failFlush = new Set<string>();
  /** Flushes in the order they were asked for, as `deviceId/itemId`. */
  readonly flushes: string[] = [];
  /** Replaces what a device serves. */
  serve?: (deviceId: string, ref: ChunkRef, stored: Buffer | undefined) => Buffer | undefined;
  putsInFlight = 0;
  maxPutsInFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(deviceIds: string[]) {
    for (const id of deviceIds) {
      this.online.add(id);
      this.chunks.set(id, new Map());
    }
  }

  isOnline(deviceId: string): boolean {
    return this.online.has(deviceId);
  }

  async putChunk(
    deviceId: string,
    ref: ChunkRef,
    envelope: Buffer,
    options?: PutOptions,
  ): Promise<void> {
    if (!this.online.has(deviceId)) throw new BusError('offline', 'offline');
    if (this.silent.has(deviceId)) throw new BusError('timeout', 'silent');
    const left = this.failAfter.get(deviceId);
    if (left !== undefined) {
      if (left <= 0) throw new BusError('io', 'disk full');
      this.failAfter.set(deviceId, left - 1);
    }
    this.putsInFlight++;
    this.maxPutsInFlight = Math.max(this.maxPutsInFlight, this.putsInFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.putsInFlight--;
    this.chunks.get(deviceId)!.set(`${ref.itemId}/${ref.index}`, Buffer.from(envelope));
    const unsynced = this.unsynced.get(deviceId) ?? new Set<string>();
    if (options?.deferSync) unsynced.add(`${ref.itemId}/${ref.index}`);
    else unsynced.delete(`${ref.itemId}/${ref.index}`);
    this.unsynced.set(deviceId, unsynced);
  }

  async flushItem(deviceId: string, itemId: string): Promise<void> {
    if (!this.online.has(deviceId)) throw new BusError('offline', 'offline');
    this.flushes.push(`${deviceId}/${itemId}`);
    if (this.failFlush.has(deviceId)) throw new BusError('io', 'fsync failed');
    const unsynced = this.unsynced.get(deviceId);
    for (const key of [...(unsynced ?? [])])
      if (key.startsWith(`${itemId}/`)) unsynced!.delete(key);
  }

  /** Chunks of the item the device confirmed that are not yet durable. */
  unsyncedOf(deviceId: string, itemId: string): number {
    return [...(this.unsynced.get(deviceId) ?? [])].filter((key) => key.startsWith(`${itemId}/`))
      .length;
  }

  /** Lets every waiting put complete, on the next turn (a device answering). */
  release(): void {
    for (const resolve of this.waiting.splice(0)) setImmediate(resolve);
  }

  async getChunk(deviceId: string, ref: ChunkRef): Promise<Buffer | undefined> {
    if (!this.online.has(deviceId)) throw new BusError('offline', 'offline');
    const stored = this.chunks.get(deviceId)!.get(`${ref.itemId}/${ref.index}`);
    return this.serve ? this.serve(deviceId, ref, stored) : stored;
  }

  async deleteItem(deviceId: string, itemId: string): Promise<void> {
    for (const key of [...this.chunks.get(deviceId)!.keys()])
      if (key.startsWith(`${itemId}/`)) this.chunks.get(deviceId)!.delete(key);
  }

  async listItems(deviceId: string): Promise<string[]> {
    return [...new Set([...this.chunks.get(deviceId)!.keys()].map((key) => key.split('/')[0]!))];
  }

  onConnect(_listener: (device: ConnectedDevice) => void): void {}
  onDisconnect(_listener: (device: ConnectedDevice) => void): void {}
  async close(): Promise<void> {}
}
