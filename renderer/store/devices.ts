import type { StateCreator } from 'zustand';
import type {
  DeviceInfo,
  DeviceReview,
  DevicesChanged,
  PendingDevice,
} from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import { deviceLabel } from '../model/device-words.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';
import { memoizeLast } from './memoize-last.ts';

/** Several changes in a burst (approve, then key shared) make one reload. */
const RELOAD_AFTER_MS = 120;

/** A request announced by `devices:pending`, numbered so a later list read can retire it. */
interface AnnouncedDevice extends PendingDevice {
  seq: number;
}

export interface DevicesSlice {
  devices: DeviceInfo[];
  devicesStatus: LoadStatus;
  devicesError: PlainError | null;
  /** Requests announced by events that the last list read may not include yet. */
  announcedDevices: AnnouncedDevice[];
  /** The one-click answer under way per device. */
  deviceBusy: Record<string, 'approve' | 'reject'>;
  loadDevices(): Promise<void>;
  applyPendingDevice(device: PendingDevice): void;
  applyDevicesChanged(change: DevicesChanged): void;
  /**
   * Runs the code exchange with a device that asked to join; resolves once both screens show the
   * same code (or with why not). Nothing is approved yet.
   */
  reviewDevice(
    deviceIdentifier: string,
  ): Promise<DeviceReview | { state: 'error'; message: string }>;
  cancelDeviceReview(deviceIdentifier: string): void;
  /** The person confirmed the codes match: approve the reviewed device and share the keys. */
  approveDevice(deviceIdentifier: string): Promise<void>;
  rejectDevice(deviceIdentifier: string): Promise<void>;
  renameDevice(deviceIdentifier: string, name: string): Promise<PlainError | null>;
  removeDevice(deviceIdentifier: string): Promise<PlainError | null>;
  resetDevices(): void;
}

const initialDevices = {
  devices: [] as DeviceInfo[],
  devicesStatus: 'idle' as LoadStatus,
  devicesError: null,
  announcedDevices: [] as AnnouncedDevice[],
  deviceBusy: {} as Record<string, 'approve' | 'reject'>,
};

export const createDevicesSlice: StateCreator<AppState, [], [], DevicesSlice> = (set, get) => {
  let request = 0;
  let seq = 0;
  let reloadTimer: ReturnType<typeof setTimeout> | null = null;

  const reloadSoon = (): void => {
    if (reloadTimer) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      if (get().session?.status !== 'signed-in') return;
      void get().loadDevices();
      if (get().screen === 'storage') void get().loadStorage();
    }, RELOAD_AFTER_MS);
  };

  const nameOf = (id: string): string => {
    const known =
      get().devices.find((d) => d.deviceIdentifier === id)?.name ??
      get().announcedDevices.find((d) => d.deviceIdentifier === id)?.deviceName;
    return deviceLabel(known ?? '');
  };

  const answer = async (id: string, kind: 'approve' | 'reject'): Promise<void> => {
    if (get().deviceBusy[id]) return;
    const name = nameOf(id);
    set((s) => ({ deviceBusy: { ...s.deviceBusy, [id]: kind } }));
    try {
      if (kind === 'approve') {
        const result = await api.devices.approve({ deviceIdentifier: id });
        if (result.note) get().notify(result.note, 'warning');
        else get().notify(`${name} was approved and can open your files.`, 'success');
      } else {
        await api.devices.reject({ deviceIdentifier: id });
        get().notify(`${name} was turned away.`, 'info');
      }
      set((s) => ({
        announcedDevices: s.announcedDevices.filter((d) => d.deviceIdentifier !== id),
      }));
    } catch (error) {
      const verb = kind === 'approve' ? 'approve' : 'reject';
      get().notify(`Couldn't ${verb} ${name}. ${describeError(error).message}`, 'error');
    } finally {
      set((s) => {
        return {
          deviceBusy: Object.fromEntries(Object.entries(s.deviceBusy).filter(([k]) => k !== id)),
        };
      });
      void get().loadDevices();
    }
  };

  return {
    ...initialDevices,

    loadDevices: async () => {
      const mine = ++request;
      const startedAt = seq;
      set((s) => ({ devicesStatus: s.devicesStatus === 'ready' ? 'ready' : 'loading' }));
      try {
        const devices = await api.devices.list();
        if (mine !== request) return;
        set((s) => ({
          devices,
          devicesStatus: 'ready',
          devicesError: null,
          // What this read saw supersedes the events that came before it.
          announcedDevices: s.announcedDevices.filter((d) => d.seq > startedAt),
        }));
      } catch (error) {
        if (mine !== request) return;
        set({ devicesStatus: 'error', devicesError: describeError(error) });
      }
    },

    applyPendingDevice: (device) => {
      seq += 1;
      const announced = { ...device, seq };
      set((s) => ({
        announcedDevices: [
          ...s.announcedDevices.filter((d) => d.deviceIdentifier !== device.deviceIdentifier),
          announced,
        ],
      }));
      reloadSoon();
    },

    applyDevicesChanged: ({ deviceIdentifier, change }) => {
      if (
        deviceIdentifier &&
        (change === 'approved' || change === 'rejected' || change === 'removed')
      ) {
        set((s) => ({
          announcedDevices: s.announcedDevices.filter(
            (d) => d.deviceIdentifier !== deviceIdentifier,
          ),
        }));
      }
      reloadSoon();
    },

    reviewDevice: async (id) => {
      try {
        return await api.devices.review({ deviceIdentifier: id });
      } catch (error) {
        return { state: 'error', message: describeError(error).message };
      }
    },
    cancelDeviceReview: (id) => {
      void api.devices.cancelReview({ deviceIdentifier: id }).catch(() => undefined);
    },
    approveDevice: (id) => answer(id, 'approve'),
    rejectDevice: (id) => answer(id, 'reject'),

    renameDevice: async (deviceIdentifier, name) => {
      try {
        await api.devices.rename({ deviceIdentifier, name });
        void get().loadDevices();
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    removeDevice: async (deviceIdentifier) => {
      const name = nameOf(deviceIdentifier);
      try {
        await api.devices.remove({ deviceIdentifier });
        get().notify(`${name} was removed from your vault.`, 'info');
        void get().loadDevices();
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    resetDevices: () => {
      request += 1;
      if (reloadTimer) clearTimeout(reloadTimer);
      reloadTimer = null;
      set({ ...initialDevices });
    },
  };
};

const byNewest = (a: { at: string }, b: { at: string }) => b.at.localeCompare(a.at);

const pendingList = memoizeLast(
  (devices: DeviceInfo[], announced: AnnouncedDevice[]): PendingDevice[] => {
    const listed = devices
      .filter((d) => d.status === 'pending' && !d.isThisDevice)
      .map((d) => ({
        deviceIdentifier: d.deviceIdentifier,
        deviceName: d.name,
        requestedAt: d.createdAt,
      }));
    const known = new Set(devices.map((d) => d.deviceIdentifier));
    const extra = announced
      .filter((d) => !known.has(d.deviceIdentifier))
      .map(({ deviceIdentifier, deviceName, requestedAt }) => ({
        deviceIdentifier,
        deviceName,
        requestedAt,
      }));
    return [...listed, ...extra]
      .map((d) => ({ d, at: d.requestedAt }))
      .sort(byNewest)
      .map(({ d }) => d);
  },
);

const approvedList = memoizeLast((devices: DeviceInfo[]): DeviceInfo[] =>
  devices
    .filter((d) => d.status === 'approved' || (d.status === 'pending' && d.isThisDevice))
    // This computer first, then by name, so rows stay put as the list refreshes.
    .sort(
      (a, b) =>
        Number(b.isThisDevice) - Number(a.isThisDevice) ||
        a.name.localeCompare(b.name) ||
        a.deviceIdentifier.localeCompare(b.deviceIdentifier),
    ),
);

export const devicesSelectors = {
  devices: (s: AppState) => s.devices,
  status: (s: AppState) => s.devicesStatus,
  error: (s: AppState) => s.devicesError,
  /** Requests waiting for an answer, newest first; this computer's own request left out. */
  pending: (s: AppState) => pendingList(s.devices, s.announcedDevices),
  /** Devices that belong to the vault, this computer first. */
  approved: (s: AppState) => approvedList(s.devices),
  busy: (deviceIdentifier: string) => (s: AppState) => s.deviceBusy[deviceIdentifier] ?? null,
};
