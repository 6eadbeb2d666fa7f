import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticatorInbox, type OpenBallot } from '../../../client/authenticator-inbox.ts';
import { describeBallot, parseBallotSubject } from '../../../client/ballot-subject.ts';
import {
  activatePolicy,
  deactivatePolicy,
  deletePolicy,
  listActivePolicies,
  listInactivePolicies,
  listPolicies,
  listPolicyTemplates,
  registerPolicy,
  retrievePolicy,
} from '../../../client/endpoints/policy.ts';
import {
  deleteVotingConfiguration,
  listAuthenticators,
  listVotingConfigurations,
  removeAuthenticator,
  retrieveStrategy,
  retrieveVotingConfiguration,
  registerVotingConfiguration,
  setMaximumVotingAttempts,
  setQuorumSize,
  setQuorumStrategy,
  setVotingTimeLimit,
  updateVotingConfiguration,
} from '../../../client/endpoints/verified-authenticator.ts';
import { cancelPool, checkPoolStatus, createPool } from '../../../client/endpoints/voting.ts';
import type { HttpClient } from '../../../client/http.ts';
import { isPrivicoreError } from '../../../client/privicore-error.ts';
import { becomeAuthenticator, type ThisAuthenticator } from '../../../client/this-authenticator.ts';
import type { CommandHold } from '../../../client/vault/vault-context.ts';
import type { TransferProgress } from '../../../client/vault/transfer-progress.ts';
import { votingProgress } from '../../../client/voting-progress.ts';
import { tempDir } from '../../support/engine.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../../support/vault-engine.ts';

/**
 * The client's §10–§12 functions against a real engine, this machine as an authenticator (its
 * inbox on the channel, its votes with its device token), and how a session waits out a vote.
 */
let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let user: VaultUser;
let me: ThisAuthenticator;
let inbox: AuthenticatorInbox;

beforeAll(async () => {
  engine = await startVaultEngine();
  user = await signUpVaultUser(engine);
  me = await becomeAuthenticator(user.session, { deviceName: 'This laptop' });
  inbox = new AuthenticatorInbox({
    apiUrl: engine.apiUrl,
    wsUrl: engine.wsUrl,
    deviceToken: () => me.deviceToken,
  });
  await inbox.connect();
});
afterAll(async () => {
  inbox?.close();
  user?.session.close();
  await engine?.close();
});

function nextBallot(poolId?: string): Promise<OpenBallot> {
  const open = inbox.ballots().find((b) => poolId === undefined || b.poolId === poolId);
  if (open) return Promise.resolve(open);
  return new Promise((resolve) => {
    const off = inbox.on('ballot', (ballot) => {
      if (poolId !== undefined && ballot.poolId !== poolId) return;
      off();
      resolve(ballot);
    });
  });
}

describe('governance endpoints through the client', () => {
  it('lists this machine as an authenticator', async () => {
    expect(await listAuthenticators(user.session.http)).toEqual([
      expect.objectContaining({
        deviceIdentifier: me.deviceIdentifier,
        name: 'This laptop',
        online: true,
      }),
    ]);
    expect(me.deviceToken).toMatch(/^T-/);
  });

  it('reads and changes the voting defaults', async () => {
    const http = user.session.http;
    expect(await retrieveStrategy(http)).toEqual({
      strategy: 'consensus',
      percentageRequired: null,
      quorumSize: 1,
      timeLimit: 300,
      maxAttempts: 1,
    });
    await user.session.run(() =>
      setQuorumStrategy(http, { strategy: 'minimum_percentage', percentageRequired: 60 }),
    );
    await user.session.run(() => setQuorumSize(http, { quorumSize: 1 }));
    await user.session.run(() => setVotingTimeLimit(http, { timeLimit: 120 }));
    await user.session.run(() => setMaximumVotingAttempts(http, { maxAttempts: 2 }));
    expect(await retrieveStrategy(http)).toEqual({
      strategy: 'minimum_percentage',
      percentageRequired: 60,
      quorumSize: 1,
      timeLimit: 120,
      maxAttempts: 2,
    });
    await user.session.run(() => setQuorumStrategy(http, { strategy: 'consensus' }));
  });

  it('manages voting configurations and policies', async () => {
    const http = user.session.http;
    const { votingConfigurationId } = await user.session.run(() =>
      registerVotingConfiguration(http, {
        name: 'just me',
        timeLimit: 60,
        strategy: 'affirmative',
        deviceIdentifiers: [],
      }),
    );
    expect(votingConfigurationId).toMatch(/^[0-9a-f-]{36}$/);
    await user.session.run(() =>
      updateVotingConfiguration(http, {
        votingConfigurationId: 'just me',
        deviceIdentifiers: [me.deviceIdentifier],
      }),
    );
    expect(await retrieveVotingConfiguration(http, 'just me')).toMatchObject({
      votingConfigurationId,
      deviceIdentifiers: [me.deviceIdentifier],
    });
    expect((await listVotingConfigurations(http)).map((c) => c.name)).toEqual(['just me']);

    const templates = await listPolicyTemplates(http);
    expect(Object.keys(templates)).toEqual([
      'profile-governance',
      'device-governance',
      'data-token-governance',
    ]);
    const { policyId } = await user.session.run(() =>
      registerPolicy(http, {
        name: 'deletions',
        policyTemplateId: 'data-token-governance',
        applyingEventIds: ['data_token.deleted'],
        votingConfigurationId: 'just me',
      }),
    );
    expect((await listInactivePolicies(http)).map((p) => p.policyId)).toEqual([policyId]);
    await user.session.run(() => activatePolicy(http, { name: 'deletions' }));
    expect((await listActivePolicies(http)).map((p) => p.policyId)).toEqual([policyId]);
    expect(await retrievePolicy(http, policyId)).toMatchObject({
      status: 'active',
      votingConfigurationId,
    });
    await user.session.run(() => deactivatePolicy(http, { policyId }));
    await user.session.run(() => deletePolicy(http, { policyId }));
    expect(await listPolicies(http)).toEqual([]);
    await user.session.run(() => deleteVotingConfiguration(http, { votingConfigurationId }));
  });

  it('opens a pool, shows its ballot in the inbox, votes with the device token', async () => {
    const http = user.session.http;
    const { poolId } = await user.session.run(() =>
      createPool(http, { subject: 'Open the safe', context: '/ops' }),
    );
    const ballot = await nextBallot(poolId);
    expect(ballot).toMatchObject({
      poolId,
      subject: 'Open the safe',
      expiresAt: expect.any(String),
    });
    const pool = await checkPoolStatus(http, poolId);
    expect(votingProgress(pool)).toEqual({
      approvals: 0,
      rejections: 0,
      needed: 1,
      voters: 1,
      round: 1,
    });
    const closed = new Promise((resolve) => inbox.on('closed', resolve));
    await inbox.vote(ballot.ballotId, 'yes');
    // Whichever the engine's answers bring first: the vote's 200, or the POOL-RESOLVED it caused.
    expect(await closed).toMatchObject({
      ballotId: ballot.ballotId,
      why: expect.stringMatching(/^(voted|resolved)$/),
    });
    expect(inbox.ballots().some((b) => b.ballotId === ballot.ballotId)).toBe(false);
    expect((await checkPoolStatus(http, poolId)).status).toBe('approved');
    await expect(inbox.vote(ballot.ballotId, 'no')).rejects.toMatchObject({
      reason: 'voting.already_voted',
    });

    const second = await user.session.run(() => createPool(http, { subject: 'Never mind' }));
    await nextBallot(second.poolId);
    await user.session.run(() => cancelPool(http, { poolId: second.poolId }));
    expect((await checkPoolStatus(http, second.poolId)).status).toBe('cancelled');
  });

  it('re-sends open ballots to a fresh inbox before connect resolves', async () => {
    const { poolId } = await user.session.run(() =>
      createPool(user.session.http, { subject: 'Still open' }),
    );
    await nextBallot(poolId);
    const other = new AuthenticatorInbox({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      deviceToken: () => me.deviceToken,
    });
    try {
      await other.connect();
      expect(other.ballots().map((b) => b.poolId)).toContain(poolId);
    } finally {
      other.close();
    }
    await user.session.run(() => cancelPool(user.session.http, { poolId }));
  });
});

describe('a session waits out a vote', () => {
  it('reports the hold and keeps waiting past its timeout until the vote ends', async () => {
    const http = user.session.http;
    const { policyId } = await user.session.run(() =>
      registerPolicy(http, {
        name: 'finance',
        policyTemplateId: 'data-token-governance',
        applyingEventIds: ['data_token.exchanged', 'data_token.requested'],
        configuration: { contextPrefix: '/finance' },
      }),
    );
    await user.session.run(() => activatePolicy(http, { policyId }));
    const file = join(tempDir(), 'ledger.csv');
    await writeFile(file, randomBytes(5_000));
    const phases: TransferProgress[] = [];
    const looks = statusLooks(http);
    const stored = user.session.storeFile(file, {
      context: '/finance/2026',
      // Shorter than the vote: the wait must outlast it because the command is held.
      storeTimeoutMs: 300,
      onProgress: (progress) => phases.push(progress),
    });
    const ballot = await nextBallot();
    const held = phases.find((p) => p.phase === 'held');
    expect(held?.hold).toMatchObject({ policyId, poolId: ballot.poolId });
    // The store's own timeout passes while the vote is open: the channel's last look at
    // /request-status, taken only when a wait times out, is the sign.
    await looks.at(held!.hold!.commandId);
    looks.stop();
    await inbox.vote(ballot.ballotId, 'yes');
    const result = await stored;
    expect(result.token).toMatch(/^D-/);

    // A download under /finance is held too; a no ends it with the vote's reason.
    const retrieving = user.session
      .retrieveFile(result.token, join(tempDir(), 'copy.csv'), {
        onProgress: (progress) => phases.push(progress),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const downloadBallot = await nextBallot();
    expect(parseBallotSubject(downloadBallot.subject)).toEqual({
      eventId: 'data_token.requested',
      attributes: { context: '/finance/2026', fileName: 'ledger.csv', size: '5000' },
      text: downloadBallot.subject,
    });
    expect(describeBallot(parseBallotSubject(downloadBallot.subject))).toEqual({
      title: 'Download “ledger.csv”',
      facts: [
        { label: 'File', value: 'ledger.csv' },
        { label: 'Folder', value: '/finance/2026' },
        { label: 'Size', value: '4.9 KB' },
      ],
    });
    await inbox.vote(downloadBallot.ballotId, 'no');
    const error = await retrieving;
    expect(isPrivicoreError(error, 'policy.vote_rejected')).toBe(true);
    expect(phases.filter((p) => p.phase === 'held')).toHaveLength(2);
  });

  it('reports holds of any command through run({ onHold })', async () => {
    const holds: CommandHold[] = [];
    const { policyId } = await user.session.run(() =>
      registerPolicy(user.session.http, {
        name: 'passwords',
        policyTemplateId: 'profile-governance',
        applyingEventIds: ['profile.password_changed'],
      }),
    );
    await user.session.run(() => activatePolicy(user.session.http, { policyId }));
    const { changeAccountPassword } = await import('../../../client/change-password.ts');
    const changing = changeAccountPassword(user.session, user.password, 'another fine passphrase', {
      onHold: (hold) => holds.push(hold),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const ballot = await nextBallot();
    expect(describeBallot(parseBallotSubject(ballot.subject)).title).toBe(
      'Change the account password',
    );
    await inbox.vote(ballot.ballotId, 'no');
    expect(await changing).toMatchObject({ reason: 'policy.vote_rejected' });
    expect(holds).toEqual([{ commandId: expect.any(String), poolId: ballot.poolId, policyId }]);
    await user.session.run(() =>
      removeAuthenticator(user.session.http, { deviceIdentifier: me.deviceIdentifier }),
    );
  });
});

/** Watches the client's /request-status looks, so a test can wait for a wait's timeout. */
function statusLooks(http: HttpClient) {
  const request = http.request.bind(http);
  const seen = new Set<string>();
  const waiting = new Map<string, () => void>();
  http.request = ((req: Parameters<HttpClient['request']>[0]) => {
    const id = /^\/request-status\/(.+)$/.exec(req.path)?.[1];
    if (id !== undefined) {
      const commandId = decodeURIComponent(id);
      seen.add(commandId);
      waiting.get(commandId)?.();
    }
    return request(req);
  }) as HttpClient['request'];
  return {
    at: (commandId: string) =>
      seen.has(commandId)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.set(commandId, resolve)),
    stop: () => {
      http.request = request;
    },
  };
}
