import { LIMITS } from '../../bridge/field-rules.ts';
import { printable } from '../../bridge/printable.ts';
import type { DeviceInfo } from '../../bridge/types.ts';

/** What kind of device it is, in words. */
export function deviceRoleLabel(role: DeviceInfo['role']): string {
  switch (role) {
    case 'storage':
      return 'Storage device';
    case 'authenticator':
      return 'Authenticator';
    default:
      return 'Computer';
  }
}

export type KeyShareState = 'shared' | 'not-shared' | 'not-needed';

/** A storage device keeps ciphertext only, so it never needs the vault key. */
export function keyShareState(device: Pick<DeviceInfo, 'role' | 'keyShared'>): KeyShareState {
  if (device.keyShared) return 'shared';
  return device.role === 'storage' ? 'not-needed' : 'not-shared';
}

export const KEY_SHARE_WORDS: Record<KeyShareState, string> = {
  shared: 'Has the vault key',
  'not-shared': 'No vault key',
  'not-needed': 'Needs no key',
};

/**
 * The name people know the device by, its control and text-direction characters shown as escapes
 * (bridge/printable.ts: the joining device chose it); a blank name reads as "Unnamed device".
 */
export function deviceLabel(name: string): string {
  return printable(name.trim()) || 'Unnamed device';
}

/**
 * A device name for this computer, for the pairing form to start with: the bridge knows no
 * host name on a signed-out computer, so the operating system stands in.
 */
export function suggestDeviceName(platform: string): string {
  const p = platform.toLowerCase();
  if (p.includes('mac')) return 'Mac';
  if (p.includes('win')) return 'Windows PC';
  if (p.includes('linux')) return 'Linux computer';
  return 'New computer';
}

// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The bridge's rule for device names (1–255 characters, no control characters), in words. */
export function checkDeviceName(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name for this device.';
  if (trimmed.length > LIMITS.deviceNameMax)
    return `Keep the name under ${LIMITS.deviceNameMax} characters.`;
  if (CONTROL.test(trimmed)) return 'Use letters, digits and spaces only.';
  return null;
}
