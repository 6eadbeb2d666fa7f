import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { runCli, type CliEnvironment } from './cli-runner.ts';
import { PASSWORD, uniqueName } from './profiles.ts';
import type { startVaultEngine } from './vault-engine.ts';

/**
 * A machine with the CLI signed up to `engine` (a remote engine: the CLI saves its URL) under a
 * keychain service of its own, with the engine host's local storage devices for the profile.
 */
export async function signedInCliMachine(
  engine: Awaited<ReturnType<typeof startVaultEngine>>,
  name: string,
): Promise<CliEnvironment & { username: string; profileId: string }> {
  const base = join(engine.dir, name);
  const env: CliEnvironment = {
    configDir: join(base, 'config'),
    dataDir: join(base, 'data'),
    cwd: join(base, 'work'),
    keychainService: `privicore-vault-test-${name}-${randomBytes(4).toString('hex')}`,
  };
  await mkdir(env.cwd, { recursive: true });
  const username = uniqueName(name);
  const signup = await runCli(
    env,
    ['--engine', engine.apiUrl, 'signup', username, '--password-stdin'],
    {
      input: PASSWORD,
    },
  );
  if (signup.code !== 0) throw new Error(`signup failed: ${signup.stderr}`);
  const { profileId } = JSON.parse((await runCli(env, ['--json', 'whoami'])).stdout) as {
    profileId: string;
  };
  const secrets = await loadProfileSecrets(new KeychainStore(env.keychainService), profileId);
  await engine.ensureLocalStorage(secrets.authorizationToken!);
  return { ...env, username, profileId };
}
