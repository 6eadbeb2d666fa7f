// The Organisation area through main's real handlers (issue 12), two installations on one
// engine: the owner's, and an existing user's who is invited, hears of it (event and
// notification) and answers. Device configuration files go only to disk, never across the bridge.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultError } from '../../../bridge/vault-api.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: Desktop;
let guest: Desktop;
const guestName = uniqueName('guest');
let directoryId: string;

beforeAll(async () => {
  engine = await startVaultEngine();
  const handle = shared(inProcessEngineHandle(engine));
  [owner, guest] = await Promise.all([
    startDesktop({ engine: handle }),
    startDesktop({ engine: handle }),
  ]);
  await owner.call('session:signUp', { username: uniqueName('owner'), password: PASSWORD });
  await guest.call('session:signUp', { username: guestName, password: PASSWORD });
});

afterAll(async () => {
  await owner?.close();
  await guest?.close();
  await engine.close();
});

async function failure(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof VaultError))
    throw new Error(`expected a VaultError, got ${String(error)}`);
  return error;
}

describe('organisation handlers', () => {
  it('creates an organisation; the overview and details show the owner', async () => {
    expect(await owner.call('org:overview')).toEqual({ organisations: [], invitations: [] });
    const created = await owner.call('org:create', { name: '  Acme  ' });
    expect(created).toMatchObject({ name: 'Acme', role: 'owner', memberCount: 1 });
    directoryId = created.directoryId;
    const details = await owner.call('org:details', { directoryId });
    expect(details.members).toEqual([
      expect.objectContaining({
        role: 'owner',
        managed: false,
        counts: expect.objectContaining({ devices: 3, storageDevices: 3, files: 0 }),
      }),
    ]);
    expect(details.invitations).toEqual([]);
  });

  it('invites: the invitee hears of it (event and notification) and joins by its answer', async () => {
    await owner.call('org:invite', { directoryId, username: guestName, role: 'member' });
    const hint = await guest.event('org:invitation');
    expect(hint.directoryName).toBe('Acme');
    const notice = await guest.platform.nextNotification((n) => n.title.includes('Acme'));
    notice.click();
    await guest.event('app:navigate', (n) => n.screen === 'organisation');
    const overview = await guest.call('org:overview');
    expect(overview.invitations).toEqual([
      expect.objectContaining({
        invitationId: hint.invitationId,
        role: 'member',
        status: 'pending',
      }),
    ]);
    // Nothing happened because the event arrived: the guest is no member yet.
    expect(overview.organisations).toEqual([]);
    const after = await guest.call('org:answer', { invitationId: hint.invitationId, accept: true });
    expect(after.invitations).toEqual([]);
    expect(after.organisations).toEqual([expect.objectContaining({ directoryId, role: 'member' })]);
    // A member sees the roster without counts, and no invitations or devices.
    const seen = await guest.call('org:details', { directoryId });
    expect(seen.members.every((m) => m.counts === null)).toBe(true);
    expect(seen.invitations).toEqual([]);
    expect(seen.devices).toEqual([]);
    const forOwner = await owner.call('org:details', { directoryId });
    expect(forOwner.invitations).toEqual([
      expect.objectContaining({ status: 'accepted', username: guestName }),
    ]);
  });

  it('adds a managed person with the password the window made, changes its role and password', async () => {
    const username = uniqueName('staff');
    const { profileId } = await owner.call('org:addPerson', {
      directoryId,
      username,
      password: 'abcde-fghjk-mnpqr-stuvw',
      role: 'member',
      displayName: 'Sam',
    });
    const details = await owner.call('org:details', { directoryId });
    expect(details.members).toContainEqual(
      expect.objectContaining({ profileId, displayName: 'Sam', managed: true, role: 'member' }),
    );
    await owner.call('org:setRole', { directoryId, profileId, role: 'admin' });
    await owner.call('org:setPassword', {
      directoryId,
      profileId,
      password: 'a brand new password',
    });
    const signIn = await fetch(`${engine.apiUrl}/profile/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: 'a brand new password' }).toString(),
    });
    expect(signIn.status).toBe(200);
    expect(
      (await owner.call('org:details', { directoryId })).members.find(
        (m) => m.profileId === profileId,
      )?.role,
    ).toBe('admin');
  });

  it('sets up a storage device for a member; the configuration goes to disk, never to the window', async () => {
    const member = (await owner.call('org:details', { directoryId })).members.find(
      (m) => m.username === guestName,
    )!;
    // A cancelled save dialog makes nothing.
    const before = (await owner.call('org:details', { directoryId })).devices.length;
    expect(
      await owner.call('org:addDevice', {
        directoryId,
        profileId: member.profileId,
        deviceName: 'Guest NAS',
        storage: true,
      }),
    ).toBeNull();
    expect((await owner.call('org:details', { directoryId })).devices).toHaveLength(before);

    const target = join(owner.dir, 'guest-nas.json');
    owner.platform.nextSaveTarget = target;
    const added = await owner.call('org:addDevice', {
      directoryId,
      profileId: member.profileId,
      deviceName: 'Guest NAS',
      storage: true,
    });
    expect(added).toEqual({
      deviceIdentifier: expect.any(String),
      name: 'Guest NAS',
      storage: true,
      savedTo: target,
    });
    expect(JSON.stringify(added)).not.toMatch(/T-[A-Za-z0-9_-]{20}/);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const bundle = JSON.parse(readFileSync(target, 'utf8')) as {
      deviceIdentifier: string;
      deviceToken: string;
    };
    expect(bundle.deviceIdentifier).toBe(added!.deviceIdentifier);
    expect(bundle.deviceToken).toMatch(/^T-/);
    const devices = (await owner.call('org:details', { directoryId })).devices;
    expect(devices).toContainEqual(
      expect.objectContaining({
        deviceIdentifier: added!.deviceIdentifier,
        profileId: member.profileId,
        role: 'storage',
      }),
    );
    // An existing file is never replaced.
    owner.platform.nextSaveTarget = target;
    const refused = await failure(
      owner.call('org:addDevice', {
        directoryId,
        profileId: member.profileId,
        deviceName: 'Again',
        storage: false,
      }),
    );
    expect(refused.message).toMatch(/already exists|EEXIST/);
  });

  it('saves the details, and refuses what the bridge schema or the engine does not allow', async () => {
    await owner.call('org:saveDetails', { directoryId, meta: { city: 'Oslo' } });
    expect((await owner.call('org:overview')).organisations[0]!.meta).toEqual({ city: 'Oslo' });
    const badMeta = await owner.reply('org:saveDetails', {
      directoryId,
      meta: { directoryId: 'x' },
    });
    expect(badMeta.ok).toBe(false);
    const blank = await owner.reply('org:create', { name: '   ' });
    expect(blank.ok).toBe(false);
    const badId = await owner.reply('org:details', { directoryId: 'nope' });
    expect(badId.ok).toBe(false);
    // A member may not run the organisation.
    const forbidden = await failure(
      guest.call('org:addPerson', {
        directoryId,
        username: uniqueName('x'),
        password: 'long enough password',
        role: 'member',
      }),
    );
    expect(forbidden.reason).toBe('directory.forbidden');
  });

  it('asks the team: the chosen member votes from its computer, the owner hears the result', async () => {
    const details = await owner.call('org:details', { directoryId });
    const guestId = details.members.find((m) => m.username === guestName)!.profileId;
    // Nobody has an authenticator yet: the pool cannot open.
    const none = await failure(
      owner.call('org:ask', { directoryId, subject: 'Anyone?', profileIds: [guestId] }),
    );
    expect(none.reason).toBe('voting.no_authenticators');
    // Bad input stops at the bridge.
    expect((await owner.reply('org:ask', { directoryId, subject: '  ' })).ok).toBe(false);
    expect((await owner.reply('org:ask', { directoryId, subject: 'x', profileIds: [] })).ok).toBe(
      false,
    );
    expect((await owner.reply('org:poll', { directoryId, poolId: 'nope' })).ok).toBe(false);

    await guest.call('approvals:enable', { deviceName: 'Guest laptop' });
    const asked = await owner.call('org:ask', {
      directoryId,
      subject: 'Close on Friday?',
      context: '  the summer  ',
      profileIds: [guestId],
    });
    expect(asked).toMatchObject({
      directoryId,
      subject: 'Close on Friday?',
      context: 'the summer',
      status: 'pending',
      voters: 1,
      approvals: 0,
      needed: 1,
    });
    const inbox = await guest.event('approvals:changed', (state) =>
      state.open.some((b) => b.poolId === asked.poolId),
    );
    const ballot = inbox.open.find((b) => b.poolId === asked.poolId)!;
    await guest.call('approvals:vote', { ballotId: ballot.ballotId, vote: 'yes' });
    const resolved = await owner.event('org:poll', (p) => p.poolId === asked.poolId);
    expect(resolved).toMatchObject({ status: 'approved', approvals: 1, rejections: 0 });
    expect(await owner.call('org:poll', { directoryId, poolId: asked.poolId })).toMatchObject({
      status: 'approved',
    });
    // A plain member cannot ask the team.
    const forbidden = await failure(guest.call('org:ask', { directoryId, subject: 'Mine?' }));
    expect(forbidden.reason).toBe('directory.forbidden');
  });
});
