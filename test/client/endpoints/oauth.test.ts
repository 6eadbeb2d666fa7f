// The client's typed OAuth functions against a real engine: the whole flow of contract §14 as an
// owner, a consenting person and a third-party application each call it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeApplication,
  listApplications,
  listConsents,
  obtainAccessToken,
  refreshAccessToken,
  registerApplication,
  requestAuthorizationCode,
  retrieveApplicationConfiguration,
  retrieveApplicationScope,
  retrieveAuthorizationCode,
  revokeApplication,
  revokeConsent,
} from '../../../client/endpoints/oauth.ts';
import { retrieveProfileId } from '../../../client/endpoints/profile.ts';
import { HttpClient } from '../../../client/http.ts';
import { newNonce } from '../../../client/oauth-consent.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let owner: VaultUser;
let user: VaultUser;
let anonymous: HttpClient;

beforeAll(async () => {
  engine = await startVaultEngine();
  owner = await signUpVaultUser(engine, { storage: false });
  user = await signUpVaultUser(engine, { storage: false });
  anonymous = new HttpClient({ apiUrl: engine.apiUrl });
});
afterAll(async () => {
  owner.session.close();
  user.session.close();
  anonymous.close();
  await engine.close();
});

describe('OAuth endpoints', () => {
  it('runs the flow: register, configure, consent, code, exchange, call, refresh, revoke', async () => {
    const session = owner.session;
    const { applicationId } = await session.run(() =>
      registerApplication(session.http, {
        name: 'Client test',
        redirectUri: 'https://client.example/cb',
        scopes: ['profile:read', 'device:read'],
      }),
    );
    const config = await retrieveApplicationConfiguration(session.http, { applicationId });
    expect(config).toMatchObject({ applicationId, scopes: ['device:read', 'profile:read'] });
    await expect(
      retrieveApplicationConfiguration(session.http, { applicationId }),
    ).rejects.toMatchObject({ status: 422, reason: 'oauth.already_retrieved' });
    expect((await listApplications(session.http)).items.map((a) => a.applicationId)).toContain(
      applicationId,
    );
    expect(
      await describeApplication(user.session.http, { clientId: config.clientId }),
    ).toMatchObject({ name: 'Client test', redirectUri: 'https://client.example/cb' });

    const nonce = newNonce();
    let requestId = '';
    await user.session.run(async () => {
      const accepted = await requestAuthorizationCode(user.session.http, {
        clientId: config.clientId,
        nonce,
        scopes: ['profile:read'],
      });
      requestId = accepted.commandId;
      return accepted;
    });
    const code = await retrieveAuthorizationCode(anonymous, config, { requestId, nonce });
    expect(code).toMatchObject({ clientId: config.clientId, nonce });
    const tokens = await obtainAccessToken(anonymous, config, {
      authorizationCode: code.authorizationCode,
    });
    expect(tokens).toMatchObject({
      clientId: config.clientId,
      type: 'bearer',
      scope: 'profile:read',
    });
    const asApp = anonymous.withToken(() => tokens.token);
    expect(await retrieveProfileId(asApp)).toEqual({ profileId: user.profileId });
    expect(await retrieveApplicationScope(anonymous, tokens.token)).toEqual({
      scope: ['profile:read'],
      clientId: config.clientId,
    });
    const rotated = await refreshAccessToken(anonymous, tokens.token, {
      refreshToken: tokens.refreshToken,
    });
    await expect(retrieveProfileId(asApp)).rejects.toMatchObject({ reason: 'auth.invalid_token' });
    const consents = await listConsents(user.session.http);
    expect(consents.items[0]).toMatchObject({
      requestId,
      clientId: config.clientId,
      state: 'active',
    });

    expect(await revokeConsent(user.session.http, { clientId: config.clientId })).toEqual({
      revoked: 1,
    });
    await expect(retrieveProfileId(anonymous.withToken(() => rotated.token))).rejects.toMatchObject(
      { status: 401, reason: 'auth.invalid_token' },
    );

    await session.run(() => revokeApplication(session.http, { applicationId }));
    expect((await listApplications(session.http)).items.map((a) => a.applicationId)).not.toContain(
      applicationId,
    );
    await expect(
      retrieveAuthorizationCode(anonymous, config, { requestId, nonce }),
    ).rejects.toMatchObject({ status: 401, reason: 'auth.invalid_credentials' });
  });
});
