// `privicore-vault org …` end to end (issue 12): an owner creates an organisation, makes an
// account for a member of staff and sets up its storage, invites an existing user who accepts
// from their own machine, changes a role, sets a password, adds a device and details — every
// step's --json output parsed. Three CLI machines on one engine, on the real OS keychain (run
// under scripts/with-keyring.sh).

import { stat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { parseDeviceBundle } from '../../engine/devices/device-bundle.ts';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { addAuthenticator, ballotFor, castVote, joinedChannel } from '../support/governance.ts';
import { wire } from '../support/http.ts';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { runCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { uniqueName } from '../support/profiles.ts';
import { startDevice } from '../support/storage-devices.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: CliEnvironment & { username: string; profileId: string };
let bob: CliEnvironment & { username: string; profileId: string };
let dana: CliEnvironment;
const danaName = uniqueName('dana');
let danaProfileId: string;
let danaPassword: string;
let directoryId: string;
let storage: RunningStorageDevice | undefined;

async function json<T>(env: CliEnvironment, args: readonly string[], input?: string): Promise<T> {
  return JSON.parse(
    ok(await runCli(env, ['--json', ...args], input === undefined ? {} : { input })).stdout,
  ) as T;
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  // One after the other: the engine host's record file is rewritten by each, and two rewrites at
  // once from one process raced on its temporary file (ENOENT on rename).
  owner = await signedInCliMachine(engine, 'owner');
  bob = await signedInCliMachine(engine, 'bob');
  const base = join(engine.dir, 'dana');
  dana = {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: join(base, 'work'),
    keychainService: `privicore-vault-test-dana-${Date.now()}`,
  };
  await mkdir(dana.cwd, { recursive: true });
}, 120_000);

afterAll(async () => {
  await storage?.stop();
  await engine.close();
});

describe('privicore-vault org', () => {
  it('org ls says there is none yet; org create makes one with the caller as owner', async () => {
    expect(await json(owner, ['org', 'ls'])).toEqual({ organisations: [] });
    const created = await json<{ directoryId: string; name: string; role: string }>(owner, [
      'org',
      'create',
      'Acme Ltd',
    ]);
    expect(created).toMatchObject({ name: 'Acme Ltd', role: 'owner' });
    directoryId = created.directoryId;
    const listed = await json<{ organisations: { directoryId: string; memberCount: number }[] }>(
      owner,
      ['org', 'ls'],
    );
    expect(listed.organisations).toEqual([
      expect.objectContaining({ directoryId, role: 'owner', memberCount: 1 }),
    ]);
    // --quiet lists the ids alone.
    expect(ok(await runCli(owner, ['-q', 'org', 'ls'])).stdout).toBe(`${directoryId}\n`);
  });

  it('org add-user makes a managed account and shows its first password once', async () => {
    const added = await json<{ profileId: string; initialPassword: string; managed: boolean }>(
      owner,
      ['org', 'add-user', danaName, '--display-name', 'Dana'],
    );
    expect(added.managed).toBe(true);
    expect(added.initialPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    danaProfileId = added.profileId;
    danaPassword = added.initialPassword;
    // The text form says it is shown once.
    const text = ok(await runCli(owner, ['org', 'add-user', uniqueName('temp')])).stdout;
    expect(text).toMatch(/First password \(shown this once\): [a-z2-9-]{23}\n/);
  });

  it('the managed member signs in on its own machine, which makes and registers its keys', async () => {
    ok(
      await runCli(dana, ['--engine', engine.apiUrl, 'login', danaName, '--password-stdin'], {
        input: danaPassword,
      }),
    );
    const who = await json<{ profileId: string; privateKey: boolean; dataKey: boolean }>(dana, [
      'whoami',
    ]);
    expect(who).toMatchObject({ profileId: danaProfileId, privateKey: true, dataKey: true });
    const orgs = await json<{ organisations: { directoryId: string; role: string }[] }>(dana, [
      'org',
      'ls',
    ]);
    expect(orgs.organisations).toEqual([expect.objectContaining({ directoryId, role: 'member' })]);
  });

  it('org add-storage sets up a storage device for the member and writes its configuration file', async () => {
    const added = await json<{
      deviceIdentifier: string;
      role: string;
      configurationFile: string;
    }>(owner, ['org', 'add-storage', danaName, 'Dana NAS', '--out', 'dana-nas.json']);
    expect(added).toMatchObject({
      role: 'storage',
      configurationFile: join(owner.cwd, 'dana-nas.json'),
    });
    expect((await stat(added.configurationFile)).mode & 0o777).toBe(0o600);
    const bundle = parseDeviceBundle(JSON.parse(await readFile(added.configurationFile, 'utf8')));
    storage = await startDevice(bundle);
    // The file is never replaced.
    const again = await runCli(owner, [
      'org',
      'add-device',
      danaName,
      'Other',
      '--out',
      'dana-nas.json',
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);

    // Dana stores a file on it; the owner sees a count, never the file.
    await writeFile(join(dana.cwd, 'payslip.txt'), 'confidential\n');
    const token = ok(await runCli(dana, ['-q', 'put', 'payslip.txt'])).stdout.trim();
    expect(token).toMatch(/^D-/);
    const members = await json<{
      members: { profileId: string; managed: boolean; counts: { dataTokens: number } | null }[];
    }>(owner, ['org', 'members']);
    expect(members.members.find((m) => m.profileId === danaProfileId)).toMatchObject({
      managed: true,
      counts: { dataTokens: 1, storageDevices: 1 },
    });
    const ownerFiles = await json<{ items: { token: string }[] }>(owner, ['ls']);
    expect(ownerFiles.items.map((i) => i.token)).not.toContain(token);
    const fetched = await runCli(owner, ['get', token, '-o', 'stolen.txt']);
    expect(fetched.code).toBe(3);
  });

  it('org invite, then the invitee lists and accepts it from their own machine', async () => {
    const invited = await json<{ invitationId: string }>(owner, ['org', 'invite', bob.username]);
    const mine = await json<{ invitations: { invitationId: string; directoryName: string }[] }>(
      bob,
      ['org', 'invites'],
    );
    expect(mine.invitations).toEqual([
      expect.objectContaining({
        invitationId: invited.invitationId,
        directoryName: 'Acme Ltd',
        status: 'pending',
      }),
    ]);
    const pending = await json<{ pendingInvitations: { username: string }[] }>(owner, [
      'org',
      'members',
    ]);
    expect(pending.pendingInvitations).toEqual([
      expect.objectContaining({ username: bob.username }),
    ]);
    const accepted = await json<{ status: string; directoryName: string }>(bob, [
      'org',
      'accept',
      'acme ltd',
    ]);
    expect(accepted).toMatchObject({ status: 'accepted', directoryName: 'Acme Ltd' });
    const all = await json<{ invitations: { status: string }[] }>(owner, [
      'org',
      'invites',
      '--org',
      'Acme Ltd',
    ]);
    expect(all.invitations).toEqual([expect.objectContaining({ status: 'accepted' })]);
    const again = await runCli(bob, ['org', 'accept', invited.invitationId]);
    expect(again.code).toBe(3);
  });

  it('org members shows the roster with roles and who is managed or invited', async () => {
    const roster = await json<{
      members: { username: string; role: string; managed: boolean }[];
    }>(owner, ['org', 'members', '--org', directoryId]);
    expect(roster.members.map((m) => [m.username, m.role, m.managed])).toEqual(
      expect.arrayContaining([
        [owner.username, 'owner', false],
        [danaName, 'member', true],
        [bob.username, 'member', false],
      ]),
    );
    const text = ok(await runCli(owner, ['org', 'members'])).stdout;
    expect(text).toMatch(/USER\s+NAME\s+ROLE\s+ACCOUNT\s+DEVICES\s+STORAGE\s+AUTH\s+FILES\s+BYTES/);
    // A member sees the roster without counts.
    const asMember = await json<{ members: { counts: unknown }[] }>(dana, ['org', 'members']);
    expect(asMember.members.every((m) => m.counts === null)).toBe(true);
  });

  it('org role and org set-password; a member may do neither', async () => {
    expect(await json(owner, ['org', 'role', bob.username, 'admin'])).toMatchObject({
      role: 'admin',
    });
    const set = await json<{ password: string }>(owner, ['org', 'set-password', danaName]);
    const relog = await runCli(
      dana,
      ['--engine', engine.apiUrl, 'login', danaName, '--password-stdin'],
      { input: set.password },
    );
    ok(relog);
    const refused = await runCli(dana, ['org', 'add-user', uniqueName('x')]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/owner or an admin/);
    const badRole = await runCli(owner, ['org', 'role', bob.username, 'owner']);
    expect(badRole.code).toBe(2);
  });

  it('org add-device for a member, org devices lists the organisation’s devices', async () => {
    const added = await json<{ deviceIdentifier: string; configurationFile: string }>(owner, [
      'org',
      'add-device',
      bob.username,
      'Bob laptop',
    ]);
    expect(added.configurationFile).toBe(join(owner.cwd, 'Bob-laptop.device.json'));
    const listed = await json<{
      devices: { deviceIdentifier: string; profileId: string; role: string | null }[];
    }>(owner, ['org', 'devices']);
    expect(listed.devices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          deviceIdentifier: added.deviceIdentifier,
          profileId: bob.profileId,
          role: null,
        }),
        expect.objectContaining({ profileId: danaProfileId, role: 'storage' }),
      ]),
    );
  });

  it('org meta shows and replaces the details', async () => {
    const before = await json<{ meta: Record<string, string> }>(owner, ['org', 'meta']);
    expect(before.meta).toEqual({});
    const after = await json<{ meta: Record<string, string>; name: string }>(owner, [
      'org',
      'meta',
      'city=Oslo',
      'phone=+47 555',
    ]);
    expect(after).toMatchObject({ name: 'Acme Ltd', meta: { city: 'Oslo', phone: '+47 555' } });
    const bad = await runCli(owner, ['org', 'meta', 'no-equals-sign']);
    expect(bad.code).toBe(2);
  });

  it('org vote asks the chosen members’ authenticators and --wait prints the result', async () => {
    // Nobody but the owner, who has no authenticator: the pool cannot open.
    const none = await runCli(owner, ['org', 'vote', 'Nobody votes', '--member', owner.username]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/authenticator/i);
    const badSubject = await runCli(owner, ['org', 'vote', 'x'.repeat(501)]);
    expect(badSubject.code).toBe(2);
    expect((await runCli(owner, ['org', 'vote', 'x', '--out', 'f'])).code).toBe(2);

    // Bob (an admin by now) registers an authenticator; its channel receives the ballot.
    const api = wire(engine.apiUrl);
    const secrets = await loadProfileSecrets(new KeychainStore(bob.keychainService), bob.profileId);
    const phone = await addAuthenticator(api, secrets.authorizationToken!, 'Bob phone');
    const phoneChannel = await joinedChannel(engine.wsUrl, phone.deviceToken);
    try {
      const asked = await json<{ poolId: string; status: string; voters: number; yes: number }>(
        owner,
        ['org', 'vote', 'Open on Saturdays?', '--member', bob.username, '--context', 'Summer'],
      );
      expect(asked).toMatchObject({ directoryId, status: 'pending', voters: 1, yes: 0 });
      const waiting = runCli(owner, ['--json', 'org', 'vote', '--pool', asked.poolId, '--wait']);
      const ballot = await ballotFor(phoneChannel, asked.poolId);
      expect(ballot.subject).toBe('Open on Saturdays?');
      expect((await castVote(api, phone.deviceToken, ballot.ballotId, 'yes')).status).toBe(200);
      const result = JSON.parse(ok(await waiting).stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        poolId: asked.poolId,
        status: 'approved',
        subject: 'Open on Saturdays?',
        context: 'Summer',
        voters: 1,
        yes: 1,
        no: 0,
      });

      // Asked and awaited in one go: a no vote rejects it.
      const inOne = runCli(owner, ['--json', 'org', 'vote', 'Move to Bergen?', '--wait']);
      const next = await phoneChannel.waitFor(
        (f) =>
          f.data?.type === 'BALLOT' &&
          (f.data.body as { subject: string }).subject === 'Move to Bergen?',
      );
      expect((await castVote(api, phone.deviceToken, next.data!.id as string, 'no')).status).toBe(
        200,
      );
      expect(JSON.parse(ok(await inOne).stdout)).toMatchObject({
        status: 'rejected',
        voters: 1,
        no: 1,
      });
    } finally {
      phoneChannel.close();
    }
  });

  it('names the organisation when there are several, and says so when --org is unknown', async () => {
    ok(await runCli(bob, ['org', 'create', 'Bob Co']));
    const ambiguous = await runCli(bob, ['org', 'members']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/name one with --org/);
    const unknown = await runCli(bob, ['org', 'members', '--org', 'Nope Inc']);
    expect(unknown.code).toBe(3);
    expect(ok(await runCli(bob, ['org', 'members', '--org', 'bob co'])).stdout).toContain('Bob Co');
  });
});
