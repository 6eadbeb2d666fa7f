import { describe, expect, it } from 'vitest';
import {
  badgeCount,
  decidePending,
  pendingApprovals,
  pendingNotice,
  trayView,
  type PendingFacts,
} from '../../../main/approval-notices.ts';

const device = { deviceIdentifier: 'dev-1', deviceName: 'Office laptop' };
const facts: PendingFacts = {
  ownDeviceIdentifier: null,
  stillPending: true,
  holdsDataKey: true,
  alreadyNotified: false,
};

describe('decidePending', () => {
  it('counts a pending device and notifies once, in plain words', () => {
    expect(decidePending(device, facts)).toEqual({
      track: true,
      notice: { title: 'Approve a new device?', body: 'Office laptop wants to join your vault' },
    });
    expect(decidePending(device, { ...facts, alreadyNotified: true })).toEqual({
      track: true,
      notice: null,
    });
  });

  it("ignores this computer's own request and devices no longer pending (the built-in engine's storage)", () => {
    expect(decidePending(device, { ...facts, ownDeviceIdentifier: 'dev-1' })).toEqual({
      track: false,
      notice: null,
    });
    expect(decidePending(device, { ...facts, stillPending: false })).toEqual({
      track: false,
      notice: null,
    });
  });

  it('counts but does not notify on a computer without the data key', () => {
    expect(decidePending(device, { ...facts, holdsDataKey: false })).toEqual({
      track: true,
      notice: null,
    });
  });

  it('names an unnamed device plainly', () => {
    expect(pendingNotice('  ').body).toBe('A new device wants to join your vault');
  });
});

describe('pendingApprovals', () => {
  it("keeps pending devices other than this computer's", () => {
    const devices = [
      { deviceIdentifier: 'a', status: 'pending' },
      { deviceIdentifier: 'b', status: 'approved' },
      { deviceIdentifier: 'own', status: 'pending' },
      { deviceIdentifier: 'c', status: 'pending' },
    ];
    expect(pendingApprovals(devices, 'own').map((d) => d.deviceIdentifier)).toEqual(['a', 'c']);
    expect(pendingApprovals(devices, null).map((d) => d.deviceIdentifier)).toEqual([
      'a',
      'own',
      'c',
    ]);
  });
});

describe('trayView and badgeCount', () => {
  it('shows the count of approvals waiting and the transfers state', () => {
    expect(trayView({ pendingApprovals: 0, openBallots: 0, transfersPaused: false })).toEqual({
      tooltip: 'Privicore Vault',
      title: '',
      transfersLabel: 'Pause transfers',
    });
    expect(trayView({ pendingApprovals: 1, openBallots: 0, transfersPaused: false })).toEqual({
      tooltip: 'Privicore Vault — 1 device waiting for approval',
      title: '1',
      transfersLabel: 'Pause transfers',
    });
    expect(trayView({ pendingApprovals: 3, openBallots: 0, transfersPaused: true })).toEqual({
      tooltip: 'Privicore Vault — 3 devices waiting for approval — transfers paused',
      title: '3',
      transfersLabel: 'Resume transfers',
    });
    expect(badgeCount({ pendingApprovals: 2, openBallots: 0, transfersPaused: true })).toBe(2);
    expect(badgeCount({ pendingApprovals: 0, openBallots: 0, transfersPaused: false })).toBe(0);
  });
});
