import type { OrgDevice, OrgMember, OrgRole } from '../../bridge/types.ts';

/** How a member is named on screen: their display name, else their username. */
export function memberLabel(member: Pick<OrgMember, 'displayName' | 'username'>): string {
  return member.displayName?.trim() || member.username;
}

export const ROLE_WORDS: Record<OrgRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
};

/** "You own it", "You are an admin", "You are a member". */
export function yourRole(role: OrgRole): string {
  if (role === 'owner') return 'You own it';
  return role === 'admin' ? 'You are an admin' : 'You are a member';
}

/** What a device of the organisation is, in a word. */
export function orgDeviceKind(device: Pick<OrgDevice, 'role' | 'status'>): string {
  if (device.status === 'pending') return 'Waiting for approval';
  if (device.role === 'storage') return 'Storage device';
  if (device.role === 'authenticator') return 'Authenticator';
  return 'Computer';
}

/** Checks the organisation's details as the engine will (contract §1.2 free-form fields). */
export function checkDetails(rows: readonly { key: string; value: string }[]): string | null {
  const keys = new Set<string>();
  for (const { key, value } of rows) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key))
      return 'Names of details are 1–64 letters, digits, dots, dashes or underscores.';
    if (key === 'directoryId') return '“directoryId” cannot be the name of a detail.';
    if (keys.has(key)) return `“${key}” is there twice.`;
    if (value.length > 1024) return `“${key}” is longer than 1024 characters.`;
    keys.add(key);
  }
  if (keys.size > 50) return 'At most 50 details.';
  return null;
}
