// What the CLI and the desktop app show of an organisation (a directory, contract §13): the
// directories a profile belongs to, and each member with what the caller may see of it —
// every member sees the roster; owners and admins also see the counts (profiles-info), never
// a member's files.

import {
  directoryProfilesInfo,
  listDirectoryUsers,
  retrieveAssignedDirectories,
  retrieveOwnedDirectories,
  type DirectoryRecord,
  type MemberActivity,
  type MemberRecord,
} from './endpoints/directory.ts';
import type { HttpClient } from './http.ts';

export type MemberCounts = Pick<
  MemberActivity,
  'devices' | 'storageDevices' | 'authenticators' | 'dataTokens' | 'storedBytes'
>;

export interface OrganisationMember extends MemberRecord {
  /** Null when the caller is a plain member (counts are for owners and admins). */
  counts: MemberCounts | null;
}

/** Every directory the profile belongs to: those it owns first, then the others. */
export async function myOrganisations(http: HttpClient): Promise<DirectoryRecord[]> {
  const [owned, assigned] = await Promise.all([
    retrieveOwnedDirectories(http),
    retrieveAssignedDirectories(http),
  ]);
  return [...owned.items, ...assigned.items];
}

export function administers(directory: Pick<DirectoryRecord, 'role'>): boolean {
  return directory.role === 'owner' || directory.role === 'admin';
}

/** The roster, with each member's counts when the caller may see them. */
export async function organisationMembers(
  http: HttpClient,
  directory: Pick<DirectoryRecord, 'directoryId' | 'role'>,
): Promise<OrganisationMember[]> {
  const [users, info] = await Promise.all([
    listDirectoryUsers(http, directory.directoryId),
    administers(directory) ? directoryProfilesInfo(http, directory.directoryId) : undefined,
  ]);
  const counts = new Map(info?.items.map((item) => [item.profileId, item]) ?? []);
  return users.items.map((member) => {
    const activity = counts.get(member.profileId);
    return {
      ...member,
      counts: activity
        ? {
            devices: activity.devices,
            storageDevices: activity.storageDevices,
            authenticators: activity.authenticators,
            dataTokens: activity.dataTokens,
            storedBytes: activity.storedBytes,
          }
        : null,
    };
  });
}

/**
 * Finds a directory by id or by name among the profile's, for people who type names: an exact
 * id first, then a unique name in any case. Undefined when none matches; a name shared by two
 * directories is no match (the id is needed then).
 */
export function findOrganisation(
  directories: readonly DirectoryRecord[],
  idOrName: string,
): DirectoryRecord | 'ambiguous' | undefined {
  const byId = directories.find((d) => d.directoryId === idOrName);
  if (byId) return byId;
  const wanted = idOrName.normalize('NFKC').toLowerCase();
  const named = directories.filter((d) => d.name.normalize('NFKC').toLowerCase() === wanted);
  if (named.length > 1) return 'ambiguous';
  return named[0];
}
