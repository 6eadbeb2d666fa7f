// OAuth from the CLI against a remote engine: register (the secret printed once), ls, consent from
// the terminal (the verified name shown, the answer asked), the application's side of the flow
// with the printed request id, the consent list, disallow and revoke. Run under
// scripts/with-keyring.sh.

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveProfileId } from '../../client/endpoints/profile.ts';
import { obtainAccessToken, retrieveAuthorizationCode } from '../../client/endpoints/oauth.ts';
import { HttpClient } from '../../client/http.ts';
import { runCli, type CliEnvironment, type CliResult, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
let http: HttpClient;

const json = <T>(result: CliResult) => JSON.parse(ok(result).stdout) as T;

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  http = new HttpClient({ apiUrl: engine.apiUrl });
  const base = join(engine.dir, 'cli');
  env = {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: join(base, 'work'),
    keychainService: `privicore-vault-test-apps-${randomBytes(4).toString('hex')}`,
  };
  await mkdir(env.cwd, { recursive: true });
  ok(
    await runCli(
      env,
      ['--engine', engine.apiUrl, 'signup', uniqueName('apps'), '--password-stdin'],
      {
        input: PASSWORD,
      },
    ),
  );
});
afterAll(async () => {
  http.close();
  await engine.close();
});

interface Config {
  applicationId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string[];
}

describe('apps and authorize', () => {
  let app: Config;

  it('registers an application and prints its client secret once', async () => {
    const human = ok(
      await runCli(env, [
        'apps',
        'register',
        'Report builder',
        '--redirect-uri',
        'https://reports.example/cb',
        '--scope',
        'profile:read',
        '--scope',
        'data-token:read,device:read',
      ]),
    );
    expect(human.stdout).toMatch(/client secret\s+S-[A-Za-z0-9_-]{43}/);
    expect(human.stdout).toContain('shown only this once');
    app = json<Config>(
      await runCli(env, [
        '--json',
        'apps',
        'register',
        'Second',
        '--redirect-uri',
        'http://127.0.0.1:8999/cb',
        '--scope',
        'profile:read',
      ]),
    );
    expect(app).toMatchObject({
      redirectUri: 'http://127.0.0.1:8999/cb',
      scopes: ['profile:read'],
    });
    const quiet = ok(await runCli(env, ['-q', 'apps', 'ls']));
    expect(quiet.stdout.trim().split('\n')).toHaveLength(2);
    const listed = json<{ applications: { applicationId: string; name: string }[] }>(
      await runCli(env, ['--json', 'apps', 'ls']),
    );
    expect(listed.applications.map((a) => a.name)).toEqual(['Report builder', 'Second']);
  });

  it('refuses bad command lines with usage errors (exit 2)', async () => {
    for (const args of [
      ['apps', 'register', 'X', '--scope', 'all'],
      ['apps', 'register', 'X', '--redirect-uri', 'https://a.example/cb'],
      ['apps', 'register', 'X', '--redirect-uri', 'https://a.example/cb', '--scope', 'root'],
      ['apps', 'fly'],
      ['apps', 'ls', '--scope', 'all'],
      ['authorize', app.clientId, '--scope', 'all'],
      ['authorize', app.clientId, '--nonce', 'short', '--scope', 'all'],
      ['authorize', '--nonce', 'n-12345678', '--scope', 'all'],
    ]) {
      const result = await runCli(env, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    // The engine's own validation is a usage error too.
    const relative = await runCli(env, [
      'apps',
      'register',
      'X',
      '--redirect-uri',
      '/cb',
      '--scope',
      'all',
    ]);
    expect(relative.code).toBe(2);
    expect(relative.stderr).toContain('redirectUri');
  });

  it('authorize shows the registered name and scopes in words, asks, and gives nothing on no', async () => {
    const declined = await runCli(
      env,
      ['authorize', app.clientId, '--nonce', 'n-declined-1', '--scope', 'profile:read'],
      { input: 'n\n' },
    );
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('“Second”');
    expect(declined.stderr).toContain('See your account id and its public key');
    expect(declined.stderr).toContain('http://127.0.0.1:8999/cb');
    expect(declined.stderr).toContain('Nothing was given');
    const consents = json<{ consents: unknown[] }>(
      await runCli(env, ['--json', 'apps', 'allowed']),
    );
    expect(consents.consents).toEqual([]);
    const unknown = await runCli(env, [
      'authorize',
      '01900000-0000-7000-8000-000000000000',
      '--nonce',
      'n-12345678',
      '--scope',
      'all',
      '--yes',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No application is registered');
  });

  it('authorize on yes prints the request id the application then collects its code with', async () => {
    const given = json<{ requestId: string; nonce: string; scopes: string[] }>(
      await runCli(
        env,
        ['--json', 'authorize', app.clientId, '--nonce', 'n-cli-consent', '--scope', 'all'],
        { input: 'yes\n' },
      ),
    );
    expect(given.scopes).toEqual(['profile:read']);
    const code = await retrieveAuthorizationCode(http, app, {
      requestId: given.requestId,
      nonce: 'n-cli-consent',
    });
    const tokens = await obtainAccessToken(http, app, {
      authorizationCode: code.authorizationCode,
    });
    const asApp = http.withToken(() => tokens.token);
    expect((await retrieveProfileId(asApp)).profileId).toMatch(/^[0-9a-f-]{36}$/);

    const allowed = json<{ consents: { clientId: string; state: string }[] }>(
      await runCli(env, ['--json', 'apps', 'allowed']),
    );
    expect(allowed.consents).toEqual([
      expect.objectContaining({ clientId: app.clientId, state: 'active' }),
    ]);
    ok(await runCli(env, ['apps', 'disallow', app.clientId]));
    await expect(retrieveProfileId(asApp)).rejects.toMatchObject({ reason: 'auth.invalid_token' });

    ok(await runCli(env, ['apps', 'revoke', app.applicationId]));
    const gone = await runCli(env, ['apps', 'revoke', app.applicationId]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('No OAuth application');
  });
});
