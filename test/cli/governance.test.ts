// The CLI as an owner and an approver on one remote engine (--engine URL): this machine becomes
// an authenticator, a policy holds uploads into /finance, `put` waits and says so, `votes`
// lists the ballot and `vote` decides it. Run under scripts/with-keyring.sh.

import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { runCli, startCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: CliEnvironment;
let profileId: string;

const cli = (args: string[], options?: { input?: string }) =>
  runCli(owner, ['--engine', engine.apiUrl, ...args], options);
const json = async <T>(args: string[]): Promise<T> =>
  JSON.parse(ok(await cli(['--json', ...args])).stdout) as T;

interface Ballot {
  ballotId: string;
  poolId: string;
  subject: string;
  title: string;
  facts: { label: string; value: string }[];
}

/** Asks `votes` until a ballot is open (the put runs in another process meanwhile). */
async function openBallot(): Promise<Ballot> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { ballots } = await json<{ ballots: Ballot[] }>(['votes']);
    if (ballots.length > 0) return ballots[0]!;
    if (Date.now() > deadline) throw new Error('no ballot arrived');
  }
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  const base = join(engine.dir, 'owner');
  owner = {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: join(base, 'work'),
    keychainService: `privicore-vault-test-gov-${randomBytes(4).toString('hex')}`,
  };
  await mkdir(owner.cwd, { recursive: true });
  ok(await cli(['signup', uniqueName('gov'), '--password-stdin'], { input: PASSWORD }));
  profileId = (await json<{ profileId: string }>(['whoami'])).profileId;
  const secrets = await loadProfileSecrets(new KeychainStore(owner.keychainService), profileId);
  await engine.ensureLocalStorage(secrets.authorizationToken!);
  await writeFile(join(owner.cwd, 'ledger.csv'), randomBytes(20_000));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  if (engine) await rm(engine.dir, { recursive: true, force: true });
});

describe('governance from the command line', () => {
  it('makes this machine an authenticator and keeps its token in the keychain only', async () => {
    const added = ok(
      await cli(['authenticators', 'add', '--this-machine', '--name', 'CLI approver']),
    );
    expect(added.stdout).toMatch(/This machine now votes as authenticator [0-9a-f-]{36}/);
    const { authenticators } = await json<{
      authenticators: { deviceIdentifier: string; name: string; thisMachine: boolean }[];
    }>(['authenticators']);
    expect(authenticators).toEqual([
      expect.objectContaining({ name: 'CLI approver', thisMachine: true }),
    ]);
    const secrets = await loadProfileSecrets(new KeychainStore(owner.keychainService), profileId);
    expect(secrets.authenticatorToken).toMatch(/^T-/);
    const again = await cli(['authenticators', 'add', '--this-machine']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already votes');
  });

  it('shows and changes the voting defaults and configurations', async () => {
    const shown = ok(await cli(['voting', 'defaults']));
    expect(shown.stdout).toContain('consensus (more yes than no)');
    const { defaults } = await json<{ defaults: Record<string, unknown> }>([
      'voting',
      'defaults',
      '--quorum',
      '1',
      '--time-limit',
      '600',
    ]);
    expect(defaults).toMatchObject({ quorumSize: 1, timeLimit: 600 });
    ok(
      await cli([
        'voting',
        'config',
        'add',
        'solo',
        '--strategy',
        'affirmative',
        '--time-limit',
        '600',
      ]),
    );
    const { votingConfigurations } = await json<{ votingConfigurations: { name: string }[] }>([
      'voting',
      'config',
    ]);
    expect(votingConfigurations.map((c) => c.name)).toEqual(['solo']);
    const bad = await cli([
      'voting',
      'config',
      'add',
      'x',
      '--strategy',
      'most',
      '--time-limit',
      '60',
    ]);
    expect(bad.code).toBe(2);
  });

  it('adds a policy from a template and activates it', async () => {
    const templates = ok(await cli(['policies', 'templates']));
    expect(templates.stdout).toContain('--event data_token.exchanged');
    ok(
      await cli([
        'policies',
        'add',
        '--template',
        'data-token-governance',
        '--event',
        'data_token.exchanged',
        '--context-prefix',
        '/finance',
        '--voting-config',
        'solo',
        '--name',
        'finance',
        '--activate',
      ]),
    );
    const { policies } = await json<{ policies: { name: string; status: string }[] }>([
      'policies',
      '--active',
    ]);
    expect(policies).toEqual([expect.objectContaining({ name: 'finance', status: 'active' })]);
  });

  it('put into /finance waits for the vote; yes stores it, no rejects it', async () => {
    const put = startCli(owner, [
      '--engine',
      engine.apiUrl,
      'put',
      'ledger.csv',
      '--context',
      '/finance',
    ]);
    const ballot = await openBallot();
    expect(ballot.title).toBe('Upload a file into /finance');
    expect(ballot.subject).toMatch(/^data_token\.exchanged context=\/finance size=20028$/);
    const human = ok(await cli(['votes']));
    expect(human.stdout).toContain(`privicore-vault vote yes|no ${ballot.ballotId}`);
    ok(await cli(['vote', 'yes', ballot.ballotId]));
    const stored = await put.result;
    expect(stored.code).toBe(0);
    expect(stored.stdout).toMatch(/^D-\S+ {2}ledger\.csv/);
    expect(stored.stderr).toContain('awaiting approval');

    const denied = startCli(owner, [
      '--engine',
      engine.apiUrl,
      'put',
      'ledger.csv',
      '--context',
      '/finance/q2',
    ]);
    const second = await openBallot();
    ok(await cli(['vote', 'no', second.ballotId]));
    const rejected = await denied.result;
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('voted no');
    const twice = await cli(['vote', 'yes', second.ballotId]);
    expect(twice.code).toBe(1);

    // Outside /finance nothing waits.
    const free = ok(await cli(['put', 'ledger.csv', '--context', '/photos']));
    expect(free.stderr).not.toContain('awaiting approval');
  });

  it('refuses bad arguments with exit 2', async () => {
    for (const args of [
      ['vote', 'maybe', 'x'],
      ['vote', 'yes'],
      ['policies', 'frobnicate'],
      ['policies', 'add', '--template', 'device-governance'],
      ['authenticators', 'rm'],
      ['voting', 'defaults', '--quorum', '0'],
      ['voting'],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });

  it('takes everything down again', async () => {
    ok(await cli(['policies', 'deactivate', 'finance']));
    ok(await cli(['policies', 'rm', 'finance']));
    ok(await cli(['voting', 'config', 'rm', 'solo']));
    const { authenticators } = await json<{ authenticators: { deviceIdentifier: string }[] }>([
      'authenticators',
    ]);
    ok(await cli(['authenticators', 'rm', authenticators[0]!.deviceIdentifier]));
    const secrets = await loadProfileSecrets(new KeychainStore(owner.keychainService), profileId);
    expect(secrets.authenticatorToken).toBeUndefined();
    const votes = await cli(['votes']);
    expect(votes.code).toBe(1);
    expect(votes.stderr).toContain('authenticators add --this-machine');
  });
});
