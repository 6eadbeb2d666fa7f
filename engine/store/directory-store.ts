/**
 * Store seam for directories (contract §13): organisations owned by one profile, their members
 * (the owner included, as a member with role `owner`), invitations, the devices a directory
 * created for its members and the voting pools it opened. Times are epoch milliseconds; see store.ts for the conventions.
 */

import type { DeviceRecord } from './device-store.ts';

export type DirectoryRole = 'owner' | 'admin' | 'member';
export type InvitationStatus = 'pending' | 'accepted' | 'declined';

export interface DirectoryRecord {
  /** The register command id. */
  id: string;
  name: string;
  ownerProfileId: string;
  meta: Record<string, string>;
  createdAt: number;
}

export interface MemberRecord {
  directoryId: string;
  profileId: string;
  role: DirectoryRole;
  /** Created through the directory (create-user): its password may be set by the directory. */
  managed: boolean;
  displayName: string | null;
  joinedAt: number;
}

/** A member with the username of its profile, as the member record shows it. */
export interface MemberView extends MemberRecord {
  username: string;
}

/** A directory as one profile sees it: with that profile's role and the member count. */
export interface DirectoryView extends DirectoryRecord {
  role: DirectoryRole;
  memberCount: number;
}

export interface InvitationRecord {
  /** The invite-profile command id. */
  id: string;
  directoryId: string;
  /** The invited profile, and its username as it was when invited. */
  profileId: string;
  username: string;
  role: Exclude<DirectoryRole, 'owner'>;
  status: InvitationStatus;
  invitedBy: string;
  createdAt: number;
  processedAt: number | null;
}

export interface InvitationView extends InvitationRecord {
  directoryName: string;
}

/** What profiles-info counts for a member: never a file name, only numbers. */
export interface MemberActivity {
  profileId: string;
  username: string;
  role: DirectoryRole;
  devices: number;
  storageDevices: number;
  authenticators: number;
  dataTokens: number;
  storedBytes: number;
}

export interface DirectoryRepo {
  insert(directory: DirectoryRecord): Promise<void>;
  byId(id: string): Promise<DirectoryRecord | undefined>;
  /** Whether the owner already has a directory of this name (case-insensitively). */
  nameTaken(ownerProfileId: string, name: string): Promise<boolean>;
  setMeta(id: string, meta: Record<string, string>): Promise<void>;
  /** The directories a profile belongs to, with its role there, oldest first. */
  forProfile(profileId: string): Promise<DirectoryView[]>;
  memberCount(id: string): Promise<number>;
}

export interface MemberRepo {
  insert(member: MemberRecord): Promise<void>;
  get(directoryId: string, profileId: string): Promise<MemberView | undefined>;
  /** Oldest first; the owner is the first member. */
  list(directoryId: string): Promise<MemberView[]>;
  update(
    directoryId: string,
    profileId: string,
    changes: Partial<Pick<MemberRecord, 'role' | 'displayName'>>,
  ): Promise<void>;
  /** Directories in which both profiles are members, with the first profile's role in each. */
  shared(profileId: string, otherProfileId: string): Promise<MemberRecord[]>;
  activity(directoryId: string): Promise<MemberActivity[]>;
  /** Every device of every member, by member then age. */
  devices(directoryId: string): Promise<DeviceRecord[]>;
}

export interface InvitationRepo {
  insert(invitation: InvitationRecord): Promise<void>;
  byId(id: string): Promise<InvitationView | undefined>;
  /** Removes the pending invitation of this profile to this directory (a new one replaces it). */
  removePending(directoryId: string, profileId: string): Promise<void>;
  /** Every invitation of a directory, newest first. */
  forDirectory(directoryId: string): Promise<InvitationView[]>;
  /** Pending invitations addressed to a profile, newest first. */
  pendingFor(profileId: string): Promise<InvitationView[]>;
  /** Pending → accepted or declined; false when it was no longer pending (single processing). */
  close(id: string, status: Exclude<InvitationStatus, 'pending'>, at: number): Promise<boolean>;
}

/** A device a directory created for one of its members (create-profile-device). */
export interface ProvisionedDeviceRecord {
  deviceId: string;
  directoryId: string;
  /** The owner or admin who created it. */
  createdBy: string;
  createdAt: number;
}

export interface ProvisionedDeviceRepo {
  insert(record: ProvisionedDeviceRecord): Promise<void>;
  byDevice(deviceId: string): Promise<ProvisionedDeviceRecord | undefined>;
  /** The device a create-profile-device command of `createdBy` made (retrieve-unique-identifier). */
  byCommand(createdBy: string, commandId: string): Promise<string | undefined>;
}

/** A voting pool a directory opened across its members' authenticators (create-voting-pool). */
export interface DirectoryPoolRepo {
  insert(poolId: string, directoryId: string): Promise<void>;
  /** The directory a pool belongs to; undefined for a profile's own pool. */
  directoryOf(poolId: string): Promise<string | undefined>;
  /** Pending directory pools this device votes in. */
  pendingWithVoter(deviceId: string): Promise<string[]>;
}
