import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { DeviceApproval, DeviceInfo, PendingDevice } from '../bridge/types.ts';
import { WRAPPED_DATA_KEY_FIELD } from '../client/data-key-share.ts';
import { grantDataKey } from '../client/device-key-grant.ts';
import {
  approveDevice,
  configureMeta,
  rejectDevice,
  removeDevice,
  retrieveProfileDevices,
  type DeviceRecord,
} from '../client/endpoints/device.ts';
import type { VaultSession } from '../client/session.ts';
import { decidePending, pendingApprovals } from './approval-notices.ts';
import type { HeldOperations } from './held-operations.ts';
import type { Platform } from './platform.ts';

export interface DeviceApprovalsOptions {
  session: VaultSession;
  /** This computer's own device, once any request to join that is under way has its identifier. */
  ownDevice(): Promise<string | null>;
  platform: Pick<Platform, 'notify'>;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
  /** The number of approvals waiting changed. */
  onCountChange(): void;
  /** Stops a removed device if the built-in engine runs it as local storage. */
  forgetLocalStorage(deviceIdentifier: string): Promise<unknown>;
  /** Where an approval a device policy holds for a vote is watched (contract §11). */
  holds?: HeldOperations;
}

const NO_KEY_NOTE =
  "Approved. This computer doesn't hold the vault key, so the device can't open files yet: approve it from a computer that can.";
const ENGINE_KEY_NOTE =
  'Approved. The device uses a key its engine made, so the vault key was not given to it (a storage device needs none).';

/**
 * The profile's devices as seen from one signed-in session: the list, approving (and handing
 * the data key to the approved device), rejecting, renaming and removing, and the channel's
 * DEVICE-PENDING and DEVICE-PAIRED events turned into bridge events, notifications and the
 * count of approvals waiting. What to show is decided in approval-notices.ts.
 */
export class DeviceApprovals {
  private readonly pending = new Map<string, PendingDevice>();
  private readonly notified = new Set<string>();
  private readonly holds = new Set<Promise<unknown>>();
  private readonly offs: (() => void)[];
  private stopped = false;

  constructor(private readonly options: DeviceApprovalsOptions) {
    const channel = options.session.channel;
    this.offs = [
      channel.on('device-pending', (event) => void this.onPending(event).catch(() => undefined)),
      channel.on('device-paired', (event) => void this.onPaired(event).catch(() => undefined)),
    ];
  }

  /** Approvals waiting on this profile (this computer's own request left out). */
  get count(): number {
    return this.pending.size;
  }

  /** Reads the list once, so requests made while the app was closed are counted (not notified). */
  async start(): Promise<void> {
    await this.list().catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs) off();
  }

  async list(): Promise<DeviceInfo[]> {
    const [devices, own] = await Promise.all([
      retrieveProfileDevices(this.options.session.http),
      this.options.ownDevice(),
    ]);
    this.syncPending(devices, own);
    return devices.map((device) => toDeviceInfo(device, own));
  }

  async approve(deviceIdentifier: string): Promise<DeviceApproval> {
    const { session } = this.options;
    const name = this.pending.get(deviceIdentifier)?.deviceName ?? 'A device';
    await session.run(
      () => approveDevice(session.http, { deviceIdentifier }),
      this.options.holds
        ? { onHold: this.options.holds.tracker('device-approval', deviceIdentifier, name) }
        : {},
    );
    this.settled(deviceIdentifier, 'approved');
    const dataKey = session.dataKey;
    if (!dataKey) return { deviceIdentifier, dataKeyShared: false, note: NO_KEY_NOTE };
    try {
      const grant = await grantDataKey(session, deviceIdentifier, dataKey);
      if (grant === 'engine-held-key')
        return { deviceIdentifier, dataKeyShared: false, note: ENGINE_KEY_NOTE };
    } catch (error) {
      // The approval stands; only the key is missing, and the words say so.
      return {
        deviceIdentifier,
        dataKeyShared: false,
        note: `Approved, but the vault key could not be shared with it: ${(error as Error).message}`,
      };
    }
    this.options.emit('devices:changed', { deviceIdentifier, change: 'key-shared' });
    return { deviceIdentifier, dataKeyShared: true, note: null };
  }

  async reject(deviceIdentifier: string): Promise<void> {
    const { session } = this.options;
    await session.run(() => rejectDevice(session.http, { deviceIdentifier }));
    this.settled(deviceIdentifier, 'rejected');
  }

  async rename(deviceIdentifier: string, name: string): Promise<void> {
    const { session } = this.options;
    await session.run(() => configureMeta(session.http, { deviceIdentifier, name }));
    const waiting = this.pending.get(deviceIdentifier);
    if (waiting) this.pending.set(deviceIdentifier, { ...waiting, deviceName: name });
    this.options.emit('devices:changed', { deviceIdentifier, change: 'renamed' });
  }

  async remove(deviceIdentifier: string): Promise<void> {
    const { session } = this.options;
    await session.run(() => removeDevice(session.http, { deviceIdentifier }));
    await this.options.forgetLocalStorage(deviceIdentifier);
    this.settled(deviceIdentifier, 'removed');
  }

  /**
   * Runs work that makes devices of the profile on purpose (the built-in engine's local storage):
   * DEVICE-PENDING events are judged only after it, when those devices are approved already.
   */
  hold<T>(work: Promise<T>): Promise<T> {
    this.holds.add(work);
    const release = () => this.holds.delete(work);
    work.then(release, release);
    return work;
  }

  private async held(): Promise<void> {
    while (this.holds.size > 0) await Promise.allSettled([...this.holds]);
  }

  private async onPending(event: PendingDevice): Promise<void> {
    const { session } = this.options;
    await this.held();
    const own = await this.options.ownDevice();
    let stillPending = true;
    try {
      const devices = await retrieveProfileDevices(session.http);
      stillPending = devices.some(
        (device) =>
          device.deviceIdentifier === event.deviceIdentifier && device.status === 'pending',
      );
    } catch {
      // Unsure is treated as pending: a missed request is worse than one extra question.
    }
    if (this.stopped) return;
    const decision = decidePending(event, {
      ownDeviceIdentifier: own,
      stillPending,
      holdsDataKey: session.dataKey !== undefined,
      alreadyNotified: this.notified.has(event.deviceIdentifier),
    });
    this.options.emit('devices:changed', {
      deviceIdentifier: event.deviceIdentifier,
      change: 'pending',
    });
    if (!decision.track) return;
    const added = !this.pending.has(event.deviceIdentifier);
    this.pending.set(event.deviceIdentifier, event);
    this.options.emit('devices:pending', event);
    if (added) this.options.onCountChange();
    if (decision.notice) {
      this.notified.add(event.deviceIdentifier);
      this.options.platform.notify(decision.notice.title, decision.notice.body, () =>
        this.options.emit('app:navigate', { screen: 'devices' }),
      );
    }
  }

  /** A device redeemed this profile's QR code: it holds its own key, so it gets the data key. */
  private async onPaired(event: { deviceIdentifier: string; deviceName: string }): Promise<void> {
    const { session } = this.options;
    if (event.deviceIdentifier === (await this.options.ownDevice()) || this.stopped) return;
    this.options.emit('devices:changed', {
      deviceIdentifier: event.deviceIdentifier,
      change: 'paired',
    });
    const dataKey = session.dataKey;
    if (!dataKey) return;
    if ((await grantDataKey(session, event.deviceIdentifier, dataKey)) === 'shared') {
      this.options.emit('devices:changed', {
        deviceIdentifier: event.deviceIdentifier,
        change: 'key-shared',
      });
    }
  }

  private settled(deviceIdentifier: string, change: 'approved' | 'rejected' | 'removed'): void {
    const was = this.pending.delete(deviceIdentifier);
    this.notified.delete(deviceIdentifier);
    if (was) this.options.onCountChange();
    this.options.emit('devices:changed', { deviceIdentifier, change });
  }

  private syncPending(devices: readonly DeviceRecord[], own: string | null): void {
    const waiting = pendingApprovals(devices, own);
    const before = [...this.pending.keys()].sort().join();
    this.pending.clear();
    for (const device of waiting) {
      this.pending.set(device.deviceIdentifier, {
        deviceIdentifier: device.deviceIdentifier,
        deviceName: device.name,
        requestedAt: device.createdAt,
      });
    }
    for (const id of this.notified) if (!this.pending.has(id)) this.notified.delete(id);
    if ([...this.pending.keys()].sort().join() !== before) this.options.onCountChange();
  }
}

function toDeviceInfo(device: DeviceRecord, own: string | null): DeviceInfo {
  return {
    deviceIdentifier: device.deviceIdentifier,
    name: device.name,
    status: device.status,
    role: device.role,
    createdAt: device.createdAt,
    approvedAt: device.approvedAt,
    isThisDevice: device.deviceIdentifier === own,
    keyShared: Boolean(device.meta?.[WRAPPED_DATA_KEY_FIELD]),
  };
}
