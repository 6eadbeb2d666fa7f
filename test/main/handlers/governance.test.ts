// Governance through main's real handlers, two installations on one engine: B makes its
// computer an authenticator (token in the keychain only), A holds password changes for a vote
// and watches the wait, B is notified, votes from its inbox, and keeps voting after a restart.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileSecrets } from '../../../client/secrets/profile-secrets.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
let b: Desktop;
const opened: Desktop[] = [];
const username = uniqueName('owner');
let profileId: string;

async function desktop(): Promise<Desktop> {
  const machine = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  opened.push(machine);
  return machine;
}

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await desktop();
  await a.call('session:signUp', { username, password: PASSWORD });
  b = await desktop();
  await b.call('session:signIn', { username, password: PASSWORD });
  profileId = a.app.account().profileId;
});

afterAll(async () => {
  for (const machine of opened) await machine.close().catch(() => undefined);
  await engine.close();
});

describe('this computer as an authenticator', () => {
  it('B becomes one without asking anyone about its own device; its token stays in the keychain', async () => {
    expect(await b.call('approvals:get')).toMatchObject({ enabled: false, open: [], history: [] });
    const state = await b.call('approvals:enable', { deviceName: 'Laptop B' });
    expect(state).toMatchObject({
      enabled: true,
      connected: true,
      deviceIdentifier: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const secrets = await loadProfileSecrets(b.secrets, profileId);
    expect(secrets.authenticatorToken).toMatch(/^T-/);
    const settings = await readFile(join(b.dir, 'settings.json'), 'utf8');
    expect(settings).not.toContain(secrets.authenticatorToken!);
    expect(settings).toContain(state.deviceIdentifier!);
    // B's own device request is no question for B.
    expect(b.events.some((entry) => entry.event === 'devices:pending')).toBe(false);
    expect(b.platform.notifications).toEqual([]);

    const seenByA = await a.call('voting:get');
    expect(seenByA.authenticators).toEqual([
      expect.objectContaining({
        deviceIdentifier: state.deviceIdentifier,
        name: 'Laptop B',
        online: true,
        isThisComputer: false,
      }),
    ]);
    const seenByB = await b.call('voting:get');
    expect(seenByB.authenticators[0]).toMatchObject({ isThisComputer: true });
  });

  it('A changes the voting settings and makes policies from templates', async () => {
    expect(await a.call('voting:setDefaults', { timeLimit: 600, quorumSize: 1 })).toMatchObject({
      timeLimit: 600,
      quorumSize: 1,
    });
    await a.call('voting:saveConfiguration', {
      name: 'two thirds',
      strategy: 'minimum_percentage',
      percentageRequired: 66,
      timeLimit: 120,
      deviceIdentifiers: [],
    });
    const { configurations } = await a.call('voting:get');
    expect(configurations).toEqual([
      expect.objectContaining({ name: 'two thirds', percentageRequired: 66 }),
    ]);
    await a.call('voting:deleteConfiguration', {
      votingConfigurationId: configurations[0]!.votingConfigurationId,
    });

    const overview = await a.call('policies:get');
    expect(overview.templates.map((t) => t.id)).toEqual([
      'profile-governance',
      'device-governance',
      'data-token-governance',
    ]);
    expect(overview.templates[2]!.events.map((e) => e.label)).toEqual([
      'Data upload',
      'Data download request',
      'Data deletion',
    ]);
    await a.call('policies:create', {
      name: 'passwords',
      policyTemplateId: 'profile-governance',
      applyingEventIds: ['profile.password_changed'],
      activate: true,
    });
    const { policies } = await a.call('policies:get');
    expect(policies).toEqual([
      expect.objectContaining({ name: 'passwords', active: true, contextPrefix: null }),
    ]);
  });

  it('holds A’s password change; B is notified, rejects it, and both sides see the outcome', async () => {
    const changing = a
      .call('account:changePassword', {
        currentPassword: PASSWORD,
        newPassword: 'a whole new passphrase',
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const waiting = await a.event(
      'votes:held',
      (held) => held.operation === 'password-change' && held.hold.needed > 0,
    );
    expect(waiting).toMatchObject({
      label: 'Password change',
      hold: { status: 'pending', approvals: 0, needed: 1, voters: 1, policyName: 'passwords' },
    });

    const notice = await b.platform.nextNotification((n) => n.title === 'Your approval is needed');
    expect(notice.body).toBe('Change the account password');
    const inbox = await b.event('approvals:changed', (state) => state.open.length === 1);
    expect(inbox.open[0]).toMatchObject({
      title: 'Change the account password',
      facts: [{ label: 'Account', value: username }],
      approveLabel: 'Approve password change',
    });
    expect((await b.call('app:state')).openBallots).toBe(1);
    await expect.poll(() => b.platform.badgeCounts.at(-1)).toBe(1);
    notice.click();
    expect(await b.event('app:navigate')).toEqual({ screen: 'approvals' });

    const after = await b.call('approvals:vote', { ballotId: inbox.open[0]!.ballotId, vote: 'no' });
    expect(after.open).toEqual([]);
    expect(await changing).toMatchObject({ reason: 'policy.vote_rejected' });
    const ended = await a.event(
      'votes:held',
      (held) => held.operation === 'password-change' && held.hold.status === 'rejected',
    );
    expect(ended.hold.outcome).toBe('Rejected by Laptop B');
    const history = await b.event('approvals:changed', (state) =>
      state.history.some((record) => record.outcome === 'rejected'),
    );
    expect(history.history[0]).toMatchObject({
      title: 'Change the account password',
      myVote: 'no',
      outcomeWords: 'You rejected · Rejected',
    });
    await expect.poll(() => b.platform.badgeCounts.at(-1)).toBe(0);
    // The old password still signs in.
    const again = await desktop();
    await again.call('session:signIn', { username, password: PASSWORD });
  });

  it('B still votes after its app restarts: the open ballot is sent again', async () => {
    const changing = a
      .call('account:changePassword', {
        currentPassword: PASSWORD,
        newPassword: 'a whole new passphrase',
      })
      .then(
        () => 'changed',
        (error: unknown) => error,
      );
    await b.event('approvals:changed', (state) => state.open.length === 1);
    b = await b.restart();
    opened.push(b);
    const state = await b.event('approvals:changed', (s) => s.connected && s.open.length === 1);
    const ballot = state.open[0]!;
    await b.call('approvals:vote', { ballotId: ballot.ballotId, vote: 'yes' });
    expect(await changing).toBe('changed');
    // A vote is final; a ballot that left the inbox cannot be voted on again.
    const twice = await b.reply('approvals:vote', { ballotId: ballot.ballotId, vote: 'no' });
    expect(twice).toMatchObject({ ok: false, error: { reason: 'voting.already_voted' } });
  });

  it('refuses bad input at the bridge', async () => {
    for (const [channel, input] of [
      ['approvals:vote', { ballotId: 'not-an-id', vote: 'yes' }],
      ['approvals:vote', { ballotId: '01900000-0000-7000-8000-000000000000', vote: 'maybe' }],
      ['approvals:enable', { deviceName: '' }],
      ['voting:setDefaults', { quorumSize: 0 }],
      [
        'voting:saveConfiguration',
        { name: 'x', strategy: 'most', timeLimit: 60, deviceIdentifiers: [] },
      ],
      ['policies:create', { policyTemplateId: 'x', applyingEventIds: [], activate: true }],
      ['policies:setActive', { policyId: 'nope', active: true }],
    ] as const) {
      const answer = await a.reply(channel, input);
      expect(answer, `${channel} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { reason: 'bridge.invalid_input' },
      });
    }
  });

  it('B stops voting: its device goes and its token is forgotten', async () => {
    const state = await b.call('approvals:disable');
    expect(state).toMatchObject({ enabled: false, deviceIdentifier: null, open: [] });
    expect((await loadProfileSecrets(b.secrets, profileId)).authenticatorToken).toBeUndefined();
    expect((await a.call('voting:get')).authenticators).toEqual([]);
  });

  it('B forgets its authenticator when A removes that device', async () => {
    const enabled = await b.call('approvals:enable', { deviceName: 'Laptop B again' });
    await a.call('devices:remove', { deviceIdentifier: enabled.deviceIdentifier! });
    // Its channel is closed (4401) and the token refused on rejoin: B stops offering to vote.
    await expect
      .poll(async () => (await loadProfileSecrets(b.secrets, profileId)).authenticatorToken, {
        timeout: 15_000,
      })
      .toBeUndefined();
    expect(await b.call('approvals:get')).toMatchObject({ enabled: false, deviceIdentifier: null });
  });
});
