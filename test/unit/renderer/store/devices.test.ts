import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  DeviceInfo,
  KeyStatus,
  SessionState,
  StorageOverview,
} from '../../../../bridge/types.ts';
import {
  createAppStore,
  describeSyncResult,
  devicesSelectors,
  navigationSelectors,
  storageSelectors,
  subscribeToBridgeEvents,
  vaultKeySelectors,
} from '../../../../renderer/store/index.ts';
import { installVaultStandIn, settle, signedOut } from './vault-stand-in.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const id = (n: number) => `0190a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`;
const device = (n: number, change: Partial<DeviceInfo> = {}): DeviceInfo => ({
  deviceIdentifier: id(n),
  name: `Device ${n}`,
  status: 'approved',
  role: null,
  createdAt: `2026-01-0${n}T00:00:00.000Z`,
  approvedAt: `2026-01-0${n}T00:00:00.000Z`,
  isThisDevice: false,
  keyShared: false,
  foreignKey: false,
  ...change,
});
const signedIn: SessionState = {
  ...signedOut,
  status: 'signed-in',
  username: 'maria',
  profileId: 'p1',
};
const workspace = {
  'files:list': async () => ({ items: [], count: 0, page: 1, perPage: 50 }),
  'files:contexts': async () => [],
  'files:transfers': async () => [],
  'app:state': async () => ({ pendingApprovals: 0, openBallots: 0, transfersPaused: false }),
  'vault:keyStatus': async (): Promise<KeyStatus> => ({
    state: 'ready',
    deviceIdentifier: null,
    notice: null,
    code: null,
  }),
};

describe('devices slice', () => {
  it('lists pending requests apart from the vault’s devices, this computer first and never as a request', async () => {
    installVaultStandIn({
      'devices:list': async () => [
        device(1, { name: 'Zed' }),
        device(2, { status: 'pending', approvedAt: null, name: 'Phone' }),
        device(3, { isThisDevice: true, name: 'Mine' }),
        device(4, { status: 'pending', approvedAt: null, isThisDevice: true, name: 'Me, asking' }),
        device(5, { name: 'Alpha' }),
      ],
    });
    const store = createAppStore();
    await store.getState().loadDevices();
    const s = store.getState();
    expect(devicesSelectors.pending(s).map((d) => d.deviceName)).toEqual(['Phone']);
    expect(devicesSelectors.approved(s).map((d) => d.name)).toEqual([
      'Me, asking',
      'Mine',
      'Alpha',
      'Zed',
    ]);
    // Same inputs, same array: zustand must not see a change on every read.
    expect(devicesSelectors.pending(s)).toBe(devicesSelectors.pending(store.getState()));
  });

  it('shows a request the moment its event arrives, and drops it once a later read or answer settles it', async () => {
    vi.useFakeTimers();
    let listed: DeviceInfo[] = [];
    const vault = installVaultStandIn({
      ...workspace,
      'session:get': async () => signedIn,
      'devices:list': async () => listed,
      'devices:approve': async ({ deviceIdentifier }) => ({
        deviceIdentifier,
        dataKeyShared: true,
        note: null,
      }),
    });
    const store = createAppStore();
    subscribeToBridgeEvents(store)();
    const off = subscribeToBridgeEvents(store);
    await store.getState().loadSession();
    vault.emit('devices:pending', {
      deviceIdentifier: id(7),
      deviceName: 'Laptop',
      requestedAt: '2026-02-01T00:00:00.000Z',
    });
    expect(devicesSelectors.pending(store.getState()).map((d) => d.deviceName)).toEqual(['Laptop']);
    // The event also asks for a fresh list, once, shortly after.
    listed = [device(7, { status: 'pending', approvedAt: null, name: 'Laptop' })];
    await vi.advanceTimersByTimeAsync(200);
    expect(vault.callsTo('devices:list')).toHaveLength(1);
    expect(devicesSelectors.pending(store.getState())).toHaveLength(1);

    listed = [device(7, { name: 'Laptop', keyShared: true })];
    const approving = store.getState().approveDevice(id(7));
    expect(devicesSelectors.busy(id(7))(store.getState())).toBe('approve');
    await approving;
    await vi.advanceTimersByTimeAsync(10);
    expect(devicesSelectors.busy(id(7))(store.getState())).toBeNull();
    expect(devicesSelectors.pending(store.getState())).toEqual([]);
    expect(store.getState().notices.at(-1)?.text).toContain('Laptop was approved');
    off();
  });

  it('counts approvals for the badge and follows app:navigate to Devices', async () => {
    const vault = installVaultStandIn({
      ...workspace,
      'session:get': async () => signedIn,
      'devices:list': async () => [],
    });
    const store = createAppStore();
    const off = subscribeToBridgeEvents(store);
    await store.getState().loadSession();
    await settle();
    vault.emit('app:state', { pendingApprovals: 2, openBallots: 0, transfersPaused: false });
    expect(navigationSelectors.pendingApprovals(store.getState())).toBe(2);
    vault.emit('app:navigate', { screen: 'devices' });
    expect(navigationSelectors.screen(store.getState())).toBe('devices');
    off();
  });
});

describe('vault key slice', () => {
  it('notes the key arriving only when the window saw it missing first', async () => {
    const vault = installVaultStandIn({ ...workspace, 'devices:list': async () => [] });
    const store = createAppStore();
    const off = subscribeToBridgeEvents(store);
    vault.emit('vault:keyStatus', {
      state: 'ready',
      deviceIdentifier: null,
      notice: null,
      code: null,
    });
    expect(vaultKeySelectors.justArrived(store.getState())).toBe(false);
    vault.emit('vault:keyStatus', {
      state: 'waiting-for-approval',
      deviceIdentifier: id(1),
      notice: null,
      code: '123 456',
    });
    expect(vaultKeySelectors.code(store.getState())).toBe('123 456');
    expect(vaultKeySelectors.needsKey(store.getState())).toBe(true);
    vault.emit('vault:keyStatus', {
      state: 'ready',
      deviceIdentifier: id(1),
      notice: null,
      code: null,
    });
    expect(vaultKeySelectors.justArrived(store.getState())).toBe(true);
    expect(vaultKeySelectors.needsKey(store.getState())).toBe(false);
    store.getState().dismissKeyArrived();
    expect(vaultKeySelectors.justArrived(store.getState())).toBe(false);
    off();
  });

  it('asks for access and shows why it failed in words', async () => {
    installVaultStandIn({
      'vault:requestAccess': async () => {
        throw new Error('boom');
      },
    });
    const store = createAppStore();
    await store.getState().requestAccess();
    expect(vaultKeySelectors.requestBusy(store.getState())).toBe(false);
    expect(vaultKeySelectors.requestError(store.getState())?.message).toContain('boom');
  });
});

describe('storage slice', () => {
  const overview: StorageOverview = {
    devices: [
      {
        deviceIdentifier: id(1),
        name: 'B',
        online: false,
        lastSeenAt: null,
        storedTokens: 1,
        storedBytes: 10,
        local: true,
        dir: '/x',
        problem: null,
      },
      {
        deviceIdentifier: id(2),
        name: 'A',
        online: true,
        lastSeenAt: null,
        storedTokens: 2,
        storedBytes: 20,
        local: false,
        dir: null,
        problem: null,
      },
      {
        deviceIdentifier: id(3),
        name: 'C',
        online: true,
        lastSeenAt: null,
        storedTokens: 2,
        storedBytes: 20,
        local: false,
        dir: null,
        problem: null,
      },
    ],
    health: {
      files: 2,
      onlineDevices: 2,
      fullCopies: 2,
      warning: 'Only 2 online storage devices hold a copy.',
    },
  };

  it('puts online devices first and keeps each sync result', async () => {
    installVaultStandIn({
      'storage:list': async () => overview,
      'storage:sync': async ({ deviceIdentifier }) => ({ deviceIdentifier, copied: 1, missing: 0 }),
    });
    const store = createAppStore();
    await store.getState().loadStorage();
    expect(storageSelectors.devices(store.getState()).map((d) => d.name)).toEqual(['A', 'C', 'B']);
    expect(storageSelectors.health(store.getState())?.warning).toContain('Only 2');
    await store.getState().syncStorage(id(2));
    expect(storageSelectors.syncResult(id(2))(store.getState())).toEqual({
      deviceIdentifier: id(2),
      copied: 1,
      missing: 0,
    });
    expect(storageSelectors.busy(id(2))(store.getState())).toBeNull();
  });

  it('words sync results', () => {
    expect(describeSyncResult({ deviceIdentifier: id(1), copied: 3, missing: 0 }, 'Disk')).toBe(
      'Copied 3 files to Disk.',
    );
    expect(describeSyncResult({ deviceIdentifier: id(1), copied: 0, missing: 1 }, 'Disk')).toBe(
      'Disk already had every file. 1 file had no intact copy online to take from.',
    );
    expect(
      describeSyncResult({ deviceIdentifier: id(1), copied: null, missing: null }, 'Disk'),
    ).toBe('Disk is synchronized.');
  });
});
