// client/secrets/profile-secrets.ts: which keychain entries a load reads (each is a round trip).

import { describe, expect, it } from 'vitest';
import { loadProfileSecrets } from '../../../../client/secrets/profile-secrets.ts';
import { MemorySecretStore } from '../../../support/memory-secrets.ts';

class CountingStore extends MemorySecretStore {
  readonly read: string[] = [];
  override async get(account: string): Promise<string | undefined> {
    this.read.push(account);
    return super.get(account);
  }
}

const PROFILE = '0190c2a4-0000-7000-8000-000000000001';
const KEY = 'ab'.repeat(32);

describe('loadProfileSecrets', () => {
  it('reads every entry by default, and only the named ones when asked', async () => {
    const store = new CountingStore();
    await store.set(`${PROFILE}/authorization-token`, 'T-token');
    await store.set(`${PROFILE}/private-key`, KEY);
    await store.set(`${PROFILE}/data-key`, KEY);
    await store.set(`${PROFILE}/authenticator-token`, 'T-authenticator');

    expect(await loadProfileSecrets(store, PROFILE)).toEqual({
      authorizationToken: 'T-token',
      privateKey: KEY,
      dataKey: Buffer.from(KEY, 'hex'),
      authenticatorToken: 'T-authenticator',
    });
    expect(store.read).toHaveLength(7);

    store.read.length = 0;
    expect(
      await loadProfileSecrets(store, PROFILE, ['authorization-token', 'private-key', 'data-key']),
    ).toEqual({
      authorizationToken: 'T-token',
      privateKey: KEY,
      dataKey: Buffer.from(KEY, 'hex'),
    });
    expect(store.read).toEqual([
      `${PROFILE}/authorization-token`,
      `${PROFILE}/private-key`,
      `${PROFILE}/data-key`,
    ]);
  });
});
