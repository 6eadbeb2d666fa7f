// org: organisations (contract §13 directories) from the terminal — create one, see its members
// with their counts, add accounts and invite existing ones, answer an invitation, change roles,
// set a managed member's password, and set up devices and storage devices for members.
//
// An organisation is named by --org (its id, or its name in any case); when the profile
// belongs to exactly one, that one is used. A member is named by username or profile id.

import { resolve } from 'node:path';
import {
  createDirectoryUser,
  createDirectoryVotingPool,
  inviteProfile,
  listDirectoryDevices,
  listDirectoryUsers,
  listInvites,
  processInvitation,
  registerDirectory,
  retrieveDirectory,
  setProfilePassword,
  storeDirectoryMeta,
  updateDirectoryUser,
  type DirectoryRecord,
  type GrantableRole,
  type InvitationRecord,
  type MemberRecord,
} from '../../client/endpoints/directory.ts';
import { checkPoolStatus, type PoolRecord } from '../../client/endpoints/voting.ts';
import { generateInitialPassword } from '../../client/initial-password.ts';
import { setUpMemberDevice, writeDeviceConfiguration } from '../../client/member-device.ts';
import {
  findOrganisation,
  myOrganisations,
  organisationMembers,
} from '../../client/organisation-overview.ts';
import { awaitPoolResolution } from '../../client/pool-resolution.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import type { VaultSession } from '../../client/session.ts';
import type { CliContext } from '../cli-context.ts';
import { expectArgs, stringOption, type CommandSpec, type OptionValues } from '../command-spec.ts';
import { formatBytes, formatTable, formatTime } from '../output.ts';
import { readStdinSecret } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

const ACTIONS = [
  'ls',
  'create',
  'members',
  'add-user',
  'invite',
  'invites',
  'accept',
  'decline',
  'role',
  'set-password',
  'devices',
  'add-device',
  'add-storage',
  'vote',
  'meta',
] as const;
type Action = (typeof ACTIONS)[number];

const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const orgCommand: CommandSpec = {
  name: 'org',
  synopsis: [
    'org [ls]',
    'org create NAME',
    'org members [--org ORG]',
    'org add-user USERNAME [--org ORG] [--role member|admin] [--display-name NAME] [--password-stdin]',
    'org invite USERNAME [--org ORG] [--role member|admin]',
    'org invites [--org ORG]',
    'org accept INVITATION',
    'org decline INVITATION',
    'org role USER member|admin [--org ORG]',
    'org set-password USER [--org ORG] [--password-stdin]',
    'org devices [--org ORG]',
    'org add-device USER NAME [--org ORG] [--out FILE]',
    'org add-storage USER NAME [--org ORG] [--out FILE]',
    'org vote SUBJECT [--org ORG] [--member USER]... [--config NAME] [--context TEXT] [--wait]',
    'org vote --pool POOL [--wait]',
    'org meta [KEY=VALUE...] [--org ORG]',
  ],
  summary:
    'Organisations: create one, list members, add or invite people, answer invitations, roles, passwords, devices and storage for members.',
  details: [
    '--org names the organisation by id or name; without it, the only one you belong to.',
    'USER is a member’s username or profile id; INVITATION an invitation id or the organisation’s',
    'name. add-user makes an account the organisation manages and prints its first password once',
    '(or takes one from --password-stdin); set-password does the same for a managed member.',
    'add-device and add-storage write the new device’s configuration file (--out, default',
    'NAME.device.json, readable by you only; it holds the device’s token): a storage device runs',
    'it with `npm run storage-device -- --config FILE --dir FOLDER`. Owners and admins see how',
    'many files and bytes each member has, never the files. meta KEY=VALUE… replaces the',
    'organisation’s details; an empty list shows them. vote asks the members (all, or each',
    '--member) to vote on SUBJECT from their authenticators, by the rules of your voting',
    'configuration --config (default: your voting defaults); --wait waits for the result, and',
    '--pool POOL shows (or with --wait awaits) a pool you asked.',
  ],
  options: {
    org: { type: 'string' },
    role: { type: 'string' },
    'display-name': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    out: { type: 'string' },
    member: { type: 'string', multiple: true },
    config: { type: 'string' },
    context: { type: 'string' },
    pool: { type: 'string' },
    wait: { type: 'boolean' },
  },
  async run(ctx, { positionals, values }) {
    const [word = 'ls', ...rest] = positionals;
    if (!(ACTIONS as readonly string[]).includes(word)) {
      throw new UsageError(`org: unknown action "${word}"; use ${ACTIONS.join(', ')}.`, 'org');
    }
    const action = word as Action;
    checkOptions(action, values);
    switch (action) {
      case 'ls':
        return list(ctx, rest);
      case 'create':
        return create(ctx, rest);
      case 'members':
        return members(ctx, rest, values);
      case 'add-user':
        return addUser(ctx, rest, values);
      case 'invite':
        return invite(ctx, rest, values);
      case 'invites':
        return invites(ctx, rest, values);
      case 'accept':
      case 'decline':
        return answer(ctx, action, rest);
      case 'role':
        return role(ctx, rest, values);
      case 'set-password':
        return setPassword(ctx, rest, values);
      case 'devices':
        return devices(ctx, rest, values);
      case 'add-device':
      case 'add-storage':
        return addDevice(ctx, action, rest, values);
      case 'vote':
        return vote(ctx, rest, values);
      case 'meta':
        return meta(ctx, rest, values);
    }
  },
};

/** Which options each action takes; any other is a usage error rather than silently ignored. */
const OPTIONS_OF: Record<Action, readonly string[]> = {
  ls: [],
  create: [],
  members: ['org'],
  'add-user': ['org', 'role', 'display-name', 'password-stdin'],
  invite: ['org', 'role'],
  invites: ['org'],
  accept: [],
  decline: [],
  role: ['org'],
  'set-password': ['org', 'password-stdin'],
  devices: ['org'],
  'add-device': ['org', 'out'],
  'add-storage': ['org', 'out'],
  vote: ['org', 'member', 'config', 'context', 'pool', 'wait'],
  meta: ['org'],
};

function checkOptions(action: Action, values: OptionValues): void {
  for (const name of Object.keys(orgCommand.options ?? {})) {
    if (values[name] !== undefined && !OPTIONS_OF[action].includes(name))
      throw new UsageError(`org ${action}: --${name} does not go with ${action}.`, 'org');
  }
}

function grantableRole(text: string | undefined, action: string): GrantableRole | undefined {
  if (text === undefined) return undefined;
  if (text !== 'member' && text !== 'admin')
    throw new UsageError(`org ${action}: the role is member or admin, got "${text}".`, 'org');
  return text;
}

/** The organisation --org names, or the only one the profile belongs to. */
async function chosenOrganisation(
  ctx: CliContext,
  session: VaultSession,
  values: OptionValues,
): Promise<DirectoryRecord> {
  const named = stringOption(values, 'org');
  const all = await myOrganisations(session.http);
  if (named === undefined) {
    if (all.length === 1) return all[0]!;
    throw new UsageError(
      all.length === 0
        ? 'You belong to no organisation yet: create one with `privicore-vault org create NAME`, or accept an invitation.'
        : `You belong to ${all.length} organisations; name one with --org (${all.map((d) => d.name).join(', ')}).`,
      'org',
    );
  }
  const found = findOrganisation(all, named);
  if (found === 'ambiguous')
    throw new UsageError(
      `Several organisations are called "${named}"; use its id with --org.`,
      'org',
    );
  if (!found) {
    throw new PrivicoreError({
      status: 404,
      reason: 'directory.not_found',
      message: `No organisation "${named}" among yours (see \`privicore-vault org ls\`).`,
    });
  }
  return found;
}

async function chosenMember(
  session: VaultSession,
  directory: DirectoryRecord,
  who: string,
): Promise<MemberRecord> {
  const users = (await listDirectoryUsers(session.http, directory.directoryId)).items;
  const wanted = who.normalize('NFKC').toLowerCase();
  const found =
    users.find((u) => u.profileId === who) ??
    users.find((u) => u.username.normalize('NFKC').toLowerCase() === wanted);
  if (!found) {
    throw new PrivicoreError({
      status: 404,
      reason: 'directory.member_not_found',
      message: `${who} is not a member of ${directory.name} (see \`privicore-vault org members\`).`,
    });
  }
  return found;
}

function directoryJson(d: DirectoryRecord) {
  return {
    directoryId: d.directoryId,
    name: d.name,
    role: d.role,
    memberCount: d.memberCount,
    ownerProfileId: d.ownerProfileId,
    meta: d.meta,
    createdAt: d.createdAt,
  };
}

async function list(ctx: CliContext, rest: string[]): Promise<void> {
  expectArgs(rest, 0, 0, 'org', '');
  const session = await ctx.session();
  const all = await myOrganisations(session.http);
  ctx.out.result(
    all.length === 0
      ? 'You belong to no organisation. Create one with `privicore-vault org create NAME`.'
      : formatTable(
          ['ID', 'NAME', 'ROLE', 'MEMBERS', 'CREATED'],
          all.map((d) => [
            d.directoryId,
            d.name,
            d.role,
            String(d.memberCount),
            formatTime(d.createdAt),
          ]),
        ),
    { organisations: all.map(directoryJson) },
    all.map((d) => d.directoryId),
  );
}

async function create(ctx: CliContext, rest: string[]): Promise<void> {
  expectArgs(rest, 1, 1, 'org', 'the organisation’s name');
  const name = rest[0]!;
  if (name.trim() === '' || name.length > 200)
    throw new UsageError('org create: the name must be 1–200 characters.', 'org');
  const session = await ctx.session();
  const { directoryId } = await session.run(() => registerDirectory(session.http, { name }));
  ctx.out.result(
    `Created the organisation ${name} (${directoryId}); you are its owner.`,
    { directoryId, name, role: 'owner' },
    [directoryId],
  );
}

async function members(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 0, 0, 'org members', '');
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const roster = await organisationMembers(session.http, directory);
  const invitations =
    directory.role === 'member'
      ? []
      : (await listInvites(session.http, { directoryId: directory.directoryId })).items.filter(
          (i) => i.status === 'pending',
        );
  const counts = (n: number | undefined) => (n === undefined ? '-' : String(n));
  const rows = roster.map((m) => [
    m.username,
    m.displayName ?? '-',
    m.role,
    m.managed ? 'managed' : 'invited',
    counts(m.counts?.devices),
    counts(m.counts?.storageDevices),
    counts(m.counts?.authenticators),
    counts(m.counts?.dataTokens),
    m.counts ? formatBytes(m.counts.storedBytes) : '-',
    m.profileId,
  ]);
  const lines = [
    `${directory.name} (${directory.role === 'owner' ? 'you own it' : `you are ${directory.role === 'admin' ? 'an admin' : 'a member'}`})`,
    ...formatTable(
      [
        'USER',
        'NAME',
        'ROLE',
        'ACCOUNT',
        'DEVICES',
        'STORAGE',
        'AUTH',
        'FILES',
        'BYTES',
        'PROFILE',
      ],
      rows,
    ),
    ...invitations.map((i) => `Invited, waiting for an answer: ${i.username} as ${i.role}`),
  ];
  ctx.out.result(
    lines,
    { directoryId: directory.directoryId, members: roster, pendingInvitations: invitations },
    roster.map((m) => m.profileId),
  );
}

async function newPassword(
  values: OptionValues,
): Promise<{ password: string; generated: boolean }> {
  if (values['password-stdin'] === true)
    return { password: await readStdinSecret('password'), generated: false };
  return { password: generateInitialPassword(), generated: true };
}

async function addUser(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 1, 1, 'org add-user', 'the new account’s username');
  const username = rest[0]!;
  const role = grantableRole(stringOption(values, 'role'), 'add-user');
  const displayName = stringOption(values, 'display-name');
  if (displayName !== undefined && displayName.length > 200)
    throw new UsageError('org add-user: --display-name is at most 200 characters.', 'org');
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const { password, generated } = await newPassword(values);
  const { profileId } = await session.run(() =>
    createDirectoryUser(session.http, {
      directoryId: directory.directoryId,
      username,
      password,
      ...(role ? { role } : {}),
      ...(displayName ? { displayName } : {}),
    }),
  );
  ctx.out.result(
    [
      `Created ${username} in ${directory.name} as ${role ?? 'member'} (${profileId}).`,
      ...(generated
        ? [
            `First password (shown this once): ${password}`,
            `Hand it over in person; ${username} signs in with it (\`privicore-vault login ${username}\`) and should change it.`,
          ]
        : []),
    ],
    {
      profileId,
      username,
      directoryId: directory.directoryId,
      role: role ?? 'member',
      managed: true,
      ...(generated ? { initialPassword: password } : {}),
    },
    [profileId],
  );
}

async function invite(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 1, 1, 'org invite', 'the username to invite');
  const username = rest[0]!;
  const role = grantableRole(stringOption(values, 'role'), 'invite');
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const { invitationId } = await session.run(() =>
    inviteProfile(session.http, {
      directoryId: directory.directoryId,
      username,
      ...(role ? { role } : {}),
    }),
  );
  ctx.out.result(
    `Invited ${username} to ${directory.name} as ${role ?? 'member'}; they accept with \`privicore-vault org accept ${invitationId}\`.`,
    { invitationId, username, directoryId: directory.directoryId, role: role ?? 'member' },
    [invitationId],
  );
}

function invitationRows(items: readonly InvitationRecord[]) {
  return formatTable(
    ['ID', 'ORGANISATION', 'USER', 'ROLE', 'STATUS', 'INVITED', 'ANSWERED'],
    items.map((i) => [
      i.invitationId,
      i.directoryName,
      i.username,
      i.role,
      i.status,
      formatTime(i.createdAt),
      formatTime(i.processedAt),
    ]),
  );
}

async function invites(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 0, 0, 'org invites', '');
  const session = await ctx.session();
  const forOrg = stringOption(values, 'org') !== undefined;
  const directory = forOrg ? await chosenOrganisation(ctx, session, values) : undefined;
  const { items } = await listInvites(
    session.http,
    directory ? { directoryId: directory.directoryId } : {},
  );
  const empty = directory
    ? `No invitations to ${directory.name}.`
    : 'No invitations are waiting for you.';
  ctx.out.result(
    items.length === 0 ? empty : invitationRows(items),
    { invitations: items },
    items.map((i) => i.invitationId),
  );
}

async function answer(
  ctx: CliContext,
  action: 'accept' | 'decline',
  rest: string[],
): Promise<void> {
  expectArgs(rest, 1, 1, `org ${action}`, 'the invitation (its id, or the organisation’s name)');
  const session = await ctx.session();
  const pending = (await listInvites(session.http)).items;
  const wanted = rest[0]!;
  const byName = pending.filter(
    (i) =>
      i.directoryName.normalize('NFKC').toLowerCase() === wanted.normalize('NFKC').toLowerCase(),
  );
  const invitation =
    pending.find((i) => i.invitationId === wanted) ?? (byName.length === 1 ? byName[0] : undefined);
  if (!invitation) {
    throw new PrivicoreError({
      status: 404,
      reason: 'directory.invitation_not_found',
      message:
        byName.length > 1
          ? `Several invitations come from organisations called "${wanted}"; use the id (see \`privicore-vault org invites\`).`
          : `No invitation "${wanted}" is waiting for you (see \`privicore-vault org invites\`).`,
    });
  }
  await session.run(() =>
    processInvitation(session.http, { invitationId: invitation.invitationId, decision: action }),
  );
  ctx.out.result(
    action === 'accept'
      ? `You joined ${invitation.directoryName} as ${invitation.role}. Its owner and admins now see how many devices and files you have (never the files), and can set up devices and storage for you.`
      : `You declined the invitation to ${invitation.directoryName}.`,
    {
      invitationId: invitation.invitationId,
      directoryId: invitation.directoryId,
      directoryName: invitation.directoryName,
      role: invitation.role,
      status: action === 'accept' ? 'accepted' : 'declined',
    },
  );
}

async function role(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 2, 2, 'org role', 'the member and the role (member or admin)');
  const newRole = grantableRole(rest[1], 'role')!;
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const member = await chosenMember(session, directory, rest[0]!);
  await session.run(() =>
    updateDirectoryUser(session.http, {
      directoryId: directory.directoryId,
      profileId: member.profileId,
      role: newRole,
    }),
  );
  ctx.out.result(
    `${member.username} is now ${newRole === 'admin' ? 'an admin' : 'a member'} of ${directory.name}.`,
    {
      profileId: member.profileId,
      username: member.username,
      directoryId: directory.directoryId,
      role: newRole,
    },
  );
}

async function setPassword(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 1, 1, 'org set-password', 'the member');
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const member = await chosenMember(session, directory, rest[0]!);
  const { password, generated } = await newPassword(values);
  await session.run(() =>
    setProfilePassword(session.http, {
      directoryId: directory.directoryId,
      profileId: member.profileId,
      password,
    }),
  );
  ctx.out.result(
    [
      `Set a new password for ${member.username}; the sessions it has stay signed in.`,
      ...(generated ? [`New password (shown this once): ${password}`] : []),
    ],
    {
      profileId: member.profileId,
      username: member.username,
      directoryId: directory.directoryId,
      ...(generated ? { password } : {}),
    },
  );
}

async function devices(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  expectArgs(rest, 0, 0, 'org devices', '');
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const [{ items }, users] = await Promise.all([
    listDirectoryDevices(session.http, directory.directoryId),
    listDirectoryUsers(session.http, directory.directoryId),
  ]);
  const names = new Map(users.items.map((u) => [u.profileId, u.username]));
  ctx.out.result(
    items.length === 0
      ? `No devices in ${directory.name} yet.`
      : formatTable(
          ['ID', 'MEMBER', 'NAME', 'ROLE', 'STATE', 'LAST SEEN'],
          items.map((d) => [
            d.deviceIdentifier,
            names.get(d.profileId) ?? d.profileId,
            d.name,
            d.role ?? (d.status === 'pending' ? 'pending' : 'computer'),
            d.online ? 'online' : 'offline',
            formatTime(d.lastSeenAt),
          ]),
        ),
    { directoryId: directory.directoryId, devices: items },
    items.map((d) => d.deviceIdentifier),
  );
}

async function addDevice(
  ctx: CliContext,
  action: 'add-device' | 'add-storage',
  rest: string[],
  values: OptionValues,
): Promise<void> {
  expectArgs(rest, 2, 2, `org ${action}`, 'the member and the device’s name');
  const deviceName = rest[1]!;
  if (deviceName === '' || deviceName.length > 255 || /\p{Cc}/u.test(deviceName))
    throw new UsageError(`org ${action}: the device name is 1–255 characters.`, 'org');
  const out = resolve(
    stringOption(values, 'out') ?? `${deviceName.replace(/[^A-Za-z0-9_.-]+/g, '-')}.device.json`,
  );
  const session = await ctx.session();
  const directory = await chosenOrganisation(ctx, session, values);
  const member = await chosenMember(session, directory, rest[0]!);
  const storage = action === 'add-storage';
  const device = await setUpMemberDevice(session, {
    directoryId: directory.directoryId,
    profileId: member.profileId,
    deviceName,
    storage,
  });
  await writeDeviceConfiguration(out, device.configuration);
  ctx.out.result(
    [
      `Added ${storage ? 'the storage device' : 'the device'} ${deviceName} (${device.deviceIdentifier}) for ${member.username}.`,
      `Its configuration file is ${out} (readable by you only; it holds the device’s token). Hand it over to whoever sets the device up.`,
      ...(storage
        ? ['Run it beside the engine with: npm run storage-device -- --config FILE --dir FOLDER']
        : []),
    ],
    {
      deviceIdentifier: device.deviceIdentifier,
      profileId: member.profileId,
      username: member.username,
      directoryId: directory.directoryId,
      role: device.role,
      configurationFile: out,
    },
    [device.deviceIdentifier],
  );
}

async function meta(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  const fields: Record<string, string> = {};
  for (const pair of rest) {
    const at = pair.indexOf('=');
    const key = at < 0 ? '' : pair.slice(0, at);
    if (!FIELD_NAME.test(key) || key === 'directoryId')
      throw new UsageError(
        `org meta: "${pair}" is not KEY=VALUE with a key of 1–64 letters, digits, _ . or -.`,
        'org',
      );
    fields[key] = pair.slice(at + 1);
  }
  const session = await ctx.session();
  const chosen = await chosenOrganisation(ctx, session, values);
  if (rest.length > 0) {
    await session.run(() =>
      storeDirectoryMeta(session.http, { directoryId: chosen.directoryId, meta: fields }),
    );
  }
  const directory = await retrieveDirectory(session.http, chosen.directoryId);
  const entries = Object.entries(directory.meta);
  ctx.out.result(
    [
      `${directory.name} (${directory.directoryId}), ${directory.memberCount} member${directory.memberCount === 1 ? '' : 's'}, created ${formatTime(directory.createdAt)}`,
      ...(entries.length === 0 ? ['No details yet.'] : entries.map(([k, v]) => `${k}: ${v}`)),
    ],
    directoryJson(directory),
  );
}

function poolJson(pool: PoolRecord, directoryId: string | undefined) {
  const cast = pool.ballots.filter((b) => b.vote !== null);
  return {
    poolId: pool.poolId,
    ...(directoryId === undefined ? {} : { directoryId }),
    status: pool.status,
    subject: pool.subject,
    context: pool.context,
    strategy: pool.strategy,
    percentageRequired: pool.percentageRequired,
    quorumSize: pool.quorumSize,
    round: pool.round,
    voters: pool.ballots.length,
    yes: cast.filter((b) => b.vote === 'yes').length,
    no: cast.filter((b) => b.vote === 'no').length,
    expiresAt: pool.expiresAt,
    resolvedAt: pool.resolvedAt,
  };
}

function poolLines(pool: PoolRecord): string[] {
  const v = poolJson(pool, undefined);
  const tally = `${v.yes} yes, ${v.no} no of ${v.voters} voter${v.voters === 1 ? '' : 's'}`;
  return [
    `“${pool.subject}” (${pool.poolId})`,
    pool.status === 'pending'
      ? `Open, round ${pool.round}: ${tally}; closes ${formatTime(pool.expiresAt)}.`
      : `${pool.status[0]!.toUpperCase()}${pool.status.slice(1)} ${formatTime(pool.resolvedAt)}: ${tally}.`,
  ];
}

/**
 * org vote: a directory voting pool (contract §13 create-voting-pool). Ballots go to the chosen
 * members' authenticators; this profile hears POOL-RESOLVED, so --wait needs nothing else.
 */
async function vote(ctx: CliContext, rest: string[], values: OptionValues): Promise<void> {
  const poolId = stringOption(values, 'pool');
  const wait = values.wait === true;
  const session = await ctx.session();
  if (poolId !== undefined) {
    expectArgs(rest, 0, 0, 'org vote --pool', '');
    for (const name of ['org', 'member', 'config', 'context'])
      if (values[name] !== undefined)
        throw new UsageError(`org vote: --${name} does not go with --pool.`, 'org');
    const pool = wait
      ? await awaitPoolResolution(session, poolId)
      : await checkPoolStatus(session.http, poolId);
    ctx.out.result(poolLines(pool), poolJson(pool, undefined), [pool.poolId]);
    return;
  }
  expectArgs(rest, 1, 1, 'org vote', 'the subject to vote on');
  const subject = rest[0]!;
  if (subject.trim() === '' || subject.length > 500)
    throw new UsageError('org vote: the subject must be 1–500 characters.', 'org');
  const context = stringOption(values, 'context');
  if (context !== undefined && context.length > 1024)
    throw new UsageError('org vote: --context is at most 1024 characters.', 'org');
  const directory = await chosenOrganisation(ctx, session, values);
  const named = (values.member as string[] | undefined) ?? [];
  const profileIds: string[] = [];
  for (const who of named) {
    const { profileId } = await chosenMember(session, directory, who);
    if (!profileIds.includes(profileId)) profileIds.push(profileId);
  }
  const config = stringOption(values, 'config');
  const created = await session.run(() =>
    createDirectoryVotingPool(session.http, {
      directoryId: directory.directoryId,
      subject,
      ...(context === undefined ? {} : { context }),
      ...(profileIds.length === 0 ? {} : { profileIds }),
      ...(config === undefined ? {} : { votingConfigurationId: config }),
    }),
  );
  if (wait)
    ctx.out.note(`Asked ${directory.name} (pool ${created.poolId}); waiting for the votes…`);
  const pool = wait
    ? await awaitPoolResolution(session, created.poolId)
    : await checkPoolStatus(session.http, created.poolId);
  ctx.out.result(
    wait
      ? poolLines(pool)
      : [
          ...poolLines(pool),
          `Members vote from their authenticators; see the result with \`privicore-vault org vote --pool ${pool.poolId} --wait\`.`,
        ],
    poolJson(pool, directory.directoryId),
    [pool.poolId],
  );
}
