import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { awaitStatus, commandId, createProfile } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

/** An independent check of the §1.7 layout. */
function isSignedKey(hex: string): boolean {
  const bytes = Buffer.from(hex, 'hex');
  return (
    /^[0-9a-f]{200}$/.test(hex) &&
    bytes.subarray(0, 4).equals(Buffer.from('31420500', 'hex')) &&
    createHash('blake2b512').update(bytes.subarray(0, 36)).digest().equals(bytes.subarray(36))
  );
}

function withDigestOf(head: Buffer): string {
  return Buffer.concat([head, createHash('blake2b512').update(head).digest()]).toString('hex');
}

describe('generate-keys', () => {
  it('returns a fresh signed key pair and keeps nothing', async () => {
    const first = (await api.get('/generate-keys')).body as { private: string; public: string };
    const second = (await api.get('/generate-keys')).body as { private: string; public: string };
    expect(first.private).toMatch(/^[0-9a-f]{64}$/);
    expect(isSignedKey(first.public)).toBe(true);
    expect(second.private).not.toBe(first.private);
  });
});

describe('register-public-key', () => {
  it('registers a key (either hex case) and stores it lowercase', async () => {
    const profile = await createProfile(api, { withKey: false });
    const response = await api.post(
      '/public-key/register-public-key',
      { publicKey: profile.keys.public.toUpperCase() },
      profile.token,
    );
    expect(response.status).toBe(202);
    expect(await awaitStatus(api, commandId(response))).toBe('succeeded');
    expect((await api.get('/public-key/retrieve-public-key', profile.token)).body).toEqual({
      publicKey: profile.keys.public,
    });
  });

  it('replaces an earlier key', async () => {
    const profile = await createProfile(api);
    const next = (await api.get('/generate-keys')).body as { public: string };
    expect(
      await awaitStatus(
        api,
        commandId(
          await api.post(
            '/public-key/register-public-key',
            { publicKey: next.public },
            profile.token,
          ),
        ),
      ),
    ).toBe('succeeded');
    expect((await api.get('/public-key/retrieve-public-key', profile.token)).body).toEqual({
      publicKey: next.public,
    });
  });

  it('rejects keys with a bad length, hex, tag or digest with errors.publicKey', async () => {
    const profile = await createProfile(api, { withKey: false });
    const good = Buffer.from(profile.keys.public, 'hex');
    const badDigest = Buffer.from(good);
    badDigest[99] = badDigest[99]! ^ 1;
    const otherTag = Buffer.from(good.subarray(0, 36));
    otherTag[3] = 1;
    const bad = [
      profile.keys.public.slice(2),
      'zz' + profile.keys.public.slice(2),
      badDigest.toString('hex'),
      withDigestOf(otherTag),
      '',
    ];
    for (const publicKey of bad) {
      const response = await api.post(
        '/public-key/register-public-key',
        { publicKey },
        profile.token,
      );
      expect(response.status, publicKey).toBe(422);
      expect(response.body).toMatchObject({
        reason: 'validation.failed',
        errors: { publicKey: [expect.any(String)] },
      });
    }
  });
});

describe("the engine's own key", () => {
  it('is served on both routes, signed, stable across restarts, and kept with mode 0600', async () => {
    const first = (await api.get('/dptcab/public-key')).body as { publicKey: string };
    expect(isSignedKey(first.publicKey)).toBe(true);
    expect((await api.get('/public-key/retrieve-cab-public-key')).body).toEqual(first);
    const mode = statSync(join(engine.dataDir, 'engine-secrets.json')).mode & 0o777;
    expect(mode).toBe(0o600);
    const own = await startTestEngine();
    const ownKey = (await wire(own.apiUrl).get('/dptcab/public-key')).body;
    await own.close();
    const restarted = await startTestEngine({ dataDir: own.dataDir });
    try {
      expect((await wire(restarted.apiUrl).get('/dptcab/public-key')).body).toEqual(ownKey);
      expect(ownKey).not.toEqual(first);
    } finally {
      await restarted.close();
    }
  });
});
