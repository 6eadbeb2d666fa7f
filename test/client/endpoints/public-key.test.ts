import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitCommand, pollCommand } from '../../../client/await-command.ts';
import { SessionChannel } from '../../../client/channel.ts';
import {
  generateProfileKeyPair,
  verifySignedPublicKey,
} from '../../../client/crypto/profile-key.ts';
import { listDataTokens } from '../../../client/endpoints/data-token.ts';
import { authenticate, registerProfile } from '../../../client/endpoints/profile.ts';
import {
  generateKeys,
  registerPublicKey,
  retrieveEnginePublicKey,
  retrievePublicKey,
} from '../../../client/endpoints/public-key.ts';
import { HttpClient } from '../../../client/http.ts';
import { startTestEngine } from '../../support/engine.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let http: HttpClient;

beforeAll(async () => {
  engine = await startTestEngine();
  http = new HttpClient({ apiUrl: engine.apiUrl });
});

afterAll(async () => {
  http.close();
  await engine.close();
});

describe('public-key endpoints', () => {
  it('generate-keys gives a verifiable signed key', async () => {
    const keys = await generateKeys(http);
    expect(keys.private).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySignedPublicKey(keys.public).ok).toBe(true);
  });

  it("retrieve-engine-public-key is the engine's signed key", async () => {
    const { publicKey } = await retrieveEnginePublicKey(http);
    expect(verifySignedPublicKey(publicKey).ok).toBe(true);
  });

  it('key gating until register-public-key reaches status 2, then retrieve-public-key', async () => {
    const username = uniqueName();
    await pollCommand(http, await registerProfile(http, { username, password: PASSWORD }), {
      timeoutMs: 10_000,
    });
    const { authorizationToken } = await authenticate(http, { username, password: PASSWORD });
    const authed = new HttpClient({ apiUrl: engine.apiUrl, token: () => authorizationToken });
    await expect(listDataTokens(authed)).rejects.toMatchObject({
      status: 403,
      reason: 'profile.public_key_required',
    });
    await expect(retrievePublicKey(authed)).rejects.toMatchObject({
      status: 403,
      reason: 'profile.public_key_required',
    });

    // joinChannel is exempt from key gating.
    const channel = new SessionChannel({
      wsUrl: engine.wsUrl,
      http: authed,
      token: () => authorizationToken,
    });
    await channel.connect();
    const keys = generateProfileKeyPair();
    await awaitCommand(channel, await registerPublicKey(authed, { publicKey: keys.publicKey }), {
      timeoutMs: 10_000,
    });
    expect(await retrievePublicKey(authed)).toEqual({ publicKey: keys.publicKey });
    expect((await listDataTokens(authed)).meta.count).toBe(0);
    await expect(registerPublicKey(authed, { publicKey: '31420500' })).rejects.toMatchObject({
      status: 422,
      reason: 'validation.failed',
    });
    channel.close();
    authed.close();
  });
});
