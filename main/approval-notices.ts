// The decisions behind device-approval notices, with no Electron in them: which DEVICE-PENDING
// events count as approvals waiting here, which deserve a desktop notification and in what
// words, and what the tray and the dock badge show. device-approvals.ts acts on them; tray.ts
// and electron-platform.ts only draw.

import type { AppState } from '../bridge/types.ts';

export interface Notice {
  title: string;
  body: string;
}

export interface PendingFacts {
  /** This computer's own device: its own request to join is not for it to approve. */
  ownDeviceIdentifier: string | null;
  /**
   * The engine still lists the device as pending. The built-in engine's local storage devices
   * are requested and approved moments apart; by the time the event is checked they are not
   * pending, and nobody should be asked about them.
   */
  stillPending: boolean;
  /** This computer holds the data key, so an approval here lets the device open the files. */
  holdsDataKey: boolean;
  /** A notice was already shown for this device (the channel may repeat buffered events). */
  alreadyNotified: boolean;
}

export interface PendingDecision {
  /** Count it among the approvals waiting (and tell the window). */
  track: boolean;
  /** Show this notification; null for none. */
  notice: Notice | null;
}

export function decidePending(
  device: { deviceIdentifier: string; deviceName: string },
  facts: PendingFacts,
): PendingDecision {
  if (device.deviceIdentifier === facts.ownDeviceIdentifier || !facts.stillPending)
    return { track: false, notice: null };
  // A computer without the data key can approve, but its approval gives the device nothing to
  // read; the notification belongs on the computers that can let it in properly.
  const notice =
    facts.holdsDataKey && !facts.alreadyNotified ? pendingNotice(device.deviceName) : null;
  return { track: true, notice };
}

export function pendingNotice(deviceName: string): Notice {
  const name = deviceName.trim() || 'A new device';
  return { title: 'Approve a new device?', body: `${name} wants to join your vault` };
}

/** The devices waiting for an answer, this computer's own request left out. */
export function pendingApprovals<D extends { deviceIdentifier: string; status: string }>(
  devices: readonly D[],
  ownDeviceIdentifier: string | null,
): D[] {
  return devices.filter(
    (device) => device.status === 'pending' && device.deviceIdentifier !== ownDeviceIdentifier,
  );
}

export interface TrayView {
  tooltip: string;
  /** Text beside the icon (macOS menu bar): the count, or nothing. */
  title: string;
  /** The transfers item of the tray menu. */
  transfersLabel: 'Pause transfers' | 'Resume transfers';
}

export function trayView(state: AppState): TrayView {
  const count = state.pendingApprovals;
  const ballots = state.openBallots;
  const parts = ['Privicore Vault'];
  if (count > 0) parts.push(`${count} ${count === 1 ? 'device' : 'devices'} waiting for approval`);
  if (ballots > 0) parts.push(`${ballots} ${ballots === 1 ? 'vote' : 'votes'} waiting for you`);
  if (state.transfersPaused) parts.push('transfers paused');
  const total = badgeCount(state);
  return {
    tooltip: parts.join(' — '),
    title: total > 0 ? String(total) : '',
    transfersLabel: state.transfersPaused ? 'Resume transfers' : 'Pause transfers',
  };
}

/** The dock/taskbar badge: device approvals and ballots waiting for this computer (0 clears it). */
export function badgeCount(state: AppState): number {
  return state.pendingApprovals + state.openBallots;
}

/** Words for a ballot's notification: what is asked; the notification leads to the prompt. */
export function ballotNotice(title: string): Notice {
  return { title: 'Your approval is needed', body: title };
}
