import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../../engine/store/sqlite.ts';
import { tempDir } from '../../../support/engine.ts';

describe('tokens.pruneDeadBefore', () => {
  it('forgets expired and revoked tokens and keeps live ones', async () => {
    const store = openSqliteStore(tempDir());
    const base = { kind: 'profile' as const, profileId: 'p', deviceId: null, createdAt: 0 };
    await store.tokens.insert({ ...base, hash: 'live', expiresAt: 10_000, revokedAt: null });
    await store.tokens.insert({ ...base, hash: 'expired', expiresAt: 500, revokedAt: null });
    await store.tokens.insert({ ...base, hash: 'revoked', expiresAt: 10_000, revokedAt: 400 });
    await store.tokens.insert({
      ...base,
      hash: 'revoked-late',
      expiresAt: 10_000,
      revokedAt: 2_000,
    });
    expect(await store.tokens.pruneDeadBefore(1_000)).toBe(2);
    expect(await store.tokens.byHash('live')).toBeDefined();
    expect(await store.tokens.byHash('revoked-late')).toBeDefined();
    expect(await store.tokens.byHash('expired')).toBeUndefined();
    expect(await store.tokens.byHash('revoked')).toBeUndefined();
    await store.close();
  });
});
