import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { DeviceApproval, DeviceInfo, DeviceReview, PendingDevice } from '../bridge/types.ts';
import {
  approveReviewed,
  reviewJoinRequest,
  type ApprovalReview,
  type ReviewOutcome,
} from '../client/approval-review.ts';
import { keyShareOf } from '../client/data-key-grant.ts';
import {
  configureMeta,
  rejectDevice,
  removeDevice,
  retrieveProfileDevices,
  type DeviceRecord,
} from '../client/endpoints/device.ts';
import { PairingHost, type ShownPairingCode } from '../client/pairing-host.ts';
import { PrivicoreError } from '../client/privicore-error.ts';
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
  /** How often to look for a device's answer while waiting; tests shorten it. */
  intervalMs?: number;
  /** Where an approval a device policy holds for a vote is watched (contract §11). */
  holds?: HeldOperations;
}

const REVIEW_WORDS: Record<Exclude<ReviewOutcome['state'], 'ready'>, string> = {
  'no-verification':
    "This device didn't send a key to verify (it may run an older app), so it can't be checked or given your files. Reject it, and ask again from an up-to-date app.",
  'answered-elsewhere':
    'Another device is already answering this request. If that was not you, reject it and ask again from the new computer.',
  tampered:
    "The new device's verification values changed while the codes were being made, which should never happen. Reject it and ask again from the new computer.",
  'not-pending': 'This device is no longer waiting for approval.',
  'device-gone': 'This request is gone: it was answered or withdrawn elsewhere.',
  'timed-out':
    "The new device didn't show its code in time. Keep the app open on it, then choose Approve again.",
  cancelled: 'Cancelled.',
};

/**
 * The profile's devices as seen from one signed-in session: the list, approving after the codes
 * on both screens were compared (approval-review.ts), rejecting, renaming and removing; the
 * pairing panel's codes and the devices that join with them (pairing-host.ts); and the channel's
 * DEVICE-PENDING and DEVICE-PAIRED events turned into bridge events, notifications and the
 * count of approvals waiting. No event shares a key: a person's answer does.
 */
export class DeviceApprovals {
  private readonly pending = new Map<string, PendingDevice>();
  private readonly notified = new Set<string>();
  private readonly holds = new Set<Promise<unknown>>();
  private readonly reviews = new Map<string, { abort: AbortController; ready?: ApprovalReview }>();
  private pairing: PairingHost | undefined;
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
    for (const review of this.reviews.values()) review.abort.abort();
    this.reviews.clear();
    this.closePairing();
  }

  async list(): Promise<DeviceInfo[]> {
    const [devices, own] = await Promise.all([
      retrieveProfileDevices(this.options.session.http),
      this.options.ownDevice(),
    ]);
    this.syncPending(devices, own);
    return devices.map((device) => toDeviceInfo(device, own, this.options.session.dataKey));
  }

  /** Runs the code exchange with a device that asked to join; nothing is approved yet. */
  async review(deviceIdentifier: string): Promise<DeviceReview> {
    const { session } = this.options;
    this.reviews.get(deviceIdentifier)?.abort.abort();
    const entry: { abort: AbortController; ready?: ApprovalReview } = {
      abort: new AbortController(),
    };
    this.reviews.set(deviceIdentifier, entry);
    const outcome = await reviewJoinRequest(session, deviceIdentifier, {
      signal: entry.abort.signal,
      ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
    });
    if (this.reviews.get(deviceIdentifier) !== entry) return cancelled(deviceIdentifier);
    if (outcome.state !== 'ready') {
      this.reviews.delete(deviceIdentifier);
      return { state: outcome.state, deviceIdentifier, message: REVIEW_WORDS[outcome.state] };
    }
    entry.ready = outcome.review;
    const { deviceName, requestedAt, code } = outcome.review;
    return { state: 'ready', deviceIdentifier, deviceName, requestedAt, code };
  }

  cancelReview(deviceIdentifier: string): void {
    this.reviews.get(deviceIdentifier)?.abort.abort();
    this.reviews.delete(deviceIdentifier);
  }

  /** The person confirmed the codes match: approve the reviewed device and give it the keys. */
  async approve(deviceIdentifier: string): Promise<DeviceApproval> {
    const { session } = this.options;
    const ready = this.reviews.get(deviceIdentifier)?.ready;
    if (!ready) {
      throw new PrivicoreError({
        status: 0,
        reason: 'approval.not_reviewed',
        message:
          'Compare the codes on both screens first: choose Approve on the request and wait for its code.',
      });
    }
    this.reviews.delete(deviceIdentifier);
    const name = this.pending.get(deviceIdentifier)?.deviceName ?? 'A device';
    await approveReviewed(
      session,
      ready,
      this.options.holds
        ? { onHold: this.options.holds.tracker('device-approval', deviceIdentifier, name) }
        : {},
    );
    this.settled(deviceIdentifier, 'approved');
    this.options.emit('devices:changed', { deviceIdentifier, change: 'key-shared' });
    return { deviceIdentifier, dataKeyShared: true, note: null };
  }

  async reject(deviceIdentifier: string): Promise<void> {
    const { session } = this.options;
    this.cancelReview(deviceIdentifier);
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

  /** A new code for the pairing panel (opening it when closed). */
  async pairingCode(): Promise<ShownPairingCode> {
    this.pairing ??= new PairingHost(this.options.session, {
      ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
    });
    return this.pairing.newCode();
  }

  /** The panel closed: its codes verify nothing more, and unanswered joins get nothing. */
  closePairing(): void {
    this.pairing?.close();
    this.pairing = undefined;
  }

  /** The person's answer to a device that proved it joined with this panel's code. */
  async answerJoin(deviceIdentifier: string, give: boolean): Promise<void> {
    const host = this.pairing;
    if (!host) {
      throw new PrivicoreError({
        status: 0,
        reason: 'pairing.closed',
        message:
          'The pairing panel was closed, so nothing was shared. Open it again and pair the device with a new code.',
      });
    }
    if (give) {
      await host.confirm(deviceIdentifier);
      this.options.emit('devices:changed', { deviceIdentifier, change: 'key-shared' });
    } else {
      await host.deny(deviceIdentifier);
      await this.options.forgetLocalStorage(deviceIdentifier);
      this.settled(deviceIdentifier, 'removed');
    }
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

  /**
   * A device redeemed a code of this profile. It gets nothing from the event: while this
   * computer's pairing panel is open its proof is checked, and a device that proves it scanned
   * the panel's code is put to the person (`pairing:joined`).
   */
  private async onPaired(event: { deviceIdentifier: string; deviceName: string }): Promise<void> {
    if (event.deviceIdentifier === (await this.options.ownDevice()) || this.stopped) return;
    this.options.emit('devices:changed', {
      deviceIdentifier: event.deviceIdentifier,
      change: 'paired',
    });
    const host = this.pairing;
    if (!host) return;
    const checked = await host.check(event.deviceIdentifier);
    if (this.stopped || host !== this.pairing) return;
    if (checked.state === 'verified') {
      const { deviceIdentifier, deviceName, pairedAt, code } = checked.join;
      this.options.emit('pairing:joined', { deviceIdentifier, deviceName, pairedAt, code });
    } else if (checked.state === 'unverified') {
      this.options.emit('pairing:stranger', {
        deviceIdentifier: checked.deviceIdentifier,
        deviceName: checked.deviceName,
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

function cancelled(deviceIdentifier: string): DeviceReview {
  return { state: 'cancelled', deviceIdentifier, message: REVIEW_WORDS.cancelled };
}

function toDeviceInfo(
  device: DeviceRecord,
  own: string | null,
  dataKey: Buffer | undefined,
): DeviceInfo {
  const share = keyShareOf(device, dataKey);
  return {
    deviceIdentifier: device.deviceIdentifier,
    name: device.name,
    status: device.status,
    role: device.role,
    createdAt: device.createdAt,
    approvedAt: device.approvedAt,
    isThisDevice: device.deviceIdentifier === own,
    keyShared: share === 'shared',
    foreignKey: share === 'other',
  };
}
