// Who may act on whom inside a directory (contract §13), in one place for the directory verbs
// and for download-device-configuration (§8: "open to the owner and to owners/admins of a
// directory the owner belongs to").
//
// The contract says only the owner grants or changes the `admin` role. This engine reads that
// as "admins manage members, the owner manages everyone": an admin acts on itself and on
// members, never on the owner or on another admin (no setting their password, no device made
// for them, no bundle of their devices). Otherwise any admin could take over a peer's or the
// owner's devices, which is the power the contract keeps for the owner.

import type { DeviceRecord } from '../store/device-store.ts';
import type { MemberRecord } from '../store/directory-store.ts';
import type { StoreRepos } from '../store/store.ts';
import { directoryForbidden } from './domain-error.ts';

export type Manager = Pick<MemberRecord, 'profileId' | 'role'>;
export type Managed = Pick<MemberRecord, 'profileId' | 'role'>;

export function mayActOn(actor: Manager, target: Managed): boolean {
  if (actor.role === 'owner') return true;
  if (actor.role !== 'admin') return false;
  return target.profileId === actor.profileId || target.role === 'member';
}

/** 403 `directory.forbidden` unless the actor may act on the target. */
export function requireActOn(actor: Manager, target: Managed): void {
  if (!mayActOn(actor, target)) {
    throw directoryForbidden(
      target.role === 'owner'
        ? "Only the directory's owner acts on the owner's account."
        : "Only the directory's owner acts on an admin's account.",
    );
  }
}

/**
 * Whether a profile other than the device's own may fetch its configuration: the device was
 * made by a directory (create-profile-device), and the caller is that directory's owner or an
 * admin allowed to act on the device's profile, both still members. A device the member made
 * or paired itself stays the member's alone.
 */
export async function directoryMayConfigure(
  repos: StoreRepos,
  callerProfileId: string,
  device: DeviceRecord,
): Promise<boolean> {
  const provisioned = await repos.provisionedDevices.byDevice(device.id);
  if (!provisioned) return false;
  const [actor, target] = await Promise.all([
    repos.directoryMembers.get(provisioned.directoryId, callerProfileId),
    repos.directoryMembers.get(provisioned.directoryId, device.profileId),
  ]);
  return actor !== undefined && target !== undefined && mayActOn(actor, target);
}
