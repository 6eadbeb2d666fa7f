// The OS keychain store against a real Secret Service (run under scripts/with-keyring.sh).

import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findCredentialsAsync } from '@napi-rs/keyring';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, KeychainStore } from '../../../client/secrets/keychain.ts';
import {
  deleteProfileSecret,
  loadProfileSecrets,
  saveProfileSecrets,
  secretAccount,
} from '../../../client/secrets/profile-secrets.ts';
import { requireKeyringSession } from '../../support/keyring-session.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

beforeAll(requireKeyringSession);

describe('KeychainStore (Secret Service)', () => {
  it('stores, reads back and deletes an entry', async () => {
    const store = new KeychainStore();
    const account = `test-${randomUUID()}`;
    expect(await store.get(account)).toBeUndefined();
    await store.set(account, 'T-secret-value');
    // A fresh store object reads what the service holds, not a cache.
    expect(await new KeychainStore().get(account)).toBe('T-secret-value');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeUndefined();
    expect(await store.delete(account)).toBe(false);
  });

  it("keeps a profile's token, private key and data key under the privicore-vault service", async () => {
    const store = new KeychainStore();
    const profileId = randomUUID();
    const secrets = {
      authorizationToken: `T-${randomBytes(32).toString('base64url')}`,
      privateKey: randomBytes(32).toString('hex'),
      dataKey: randomBytes(32),
    };
    await saveProfileSecrets(store, profileId, secrets);
    expect(await loadProfileSecrets(new KeychainStore(), profileId)).toEqual(secrets);

    const entries = await findCredentialsAsync(KEYCHAIN_SERVICE);
    const accounts = entries.map((entry) => entry.account);
    for (const name of ['authorization-token', 'private-key', 'data-key'] as const)
      expect(accounts).toContain(secretAccount(profileId, name));

    await deleteProfileSecret(store, profileId, 'authorization-token');
    expect(await loadProfileSecrets(store, profileId)).toEqual({
      privateKey: secrets.privateKey,
      dataKey: secrets.dataKey,
    });
    await deleteProfileSecret(store, profileId, 'private-key');
    await deleteProfileSecret(store, profileId, 'data-key');
  });

  it('without a Secret Service: a clear, actionable error', async () => {
    const script =
      "import { KeychainStore } from './client/secrets/keychain.ts'; await new KeychainStore().probe();";
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/privicore-bus',
          PRIVICORE_KEYRING_SESSION: '',
        },
      },
    );
    const failure = await run.then(
      () => undefined,
      (error: { stderr: string }) => error,
    );
    expect(failure?.stderr).toMatch(/KeychainUnavailableError/);
    expect(failure?.stderr).toMatch(/No OS keychain is available/);
    expect(failure?.stderr).toMatch(/gnome-keyring/);
  });
});
