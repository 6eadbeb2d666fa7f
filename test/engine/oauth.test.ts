// Contract §5 over real HTTP: every OAuth endpoint with each of its errors, the lifetimes of
// codes and tokens (on the engine's clock), refresh rotation, revocation and replays.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../engine/http/endpoints.ts';
import { TestChannel } from '../support/channel.ts';
import { download, requestDownload, storeRandom } from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import {
  accessToken,
  basicClient,
  consent,
  consentPath,
  exchange,
  postBasic,
  refresh,
  registerApp,
  retrieveCode,
} from '../support/oauth.ts';
import { awaitStatus, commandId, createProfile, type TestProfile } from '../support/profiles.ts';
import { addStorageDevice, awaitStorage, startDevice } from '../support/storage-devices.ts';

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const MINUTE = 60_000;

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
/** Moves the engine's clock forward (lifetimes), never back. */
let clockOffset = 0;

beforeAll(async () => {
  engine = await startTestEngine({ now: () => Date.now() + clockOffset });
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

function expectError(response: { status: number; body: unknown }, status: number, reason: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toMatchObject({ status, reason, message: expect.any(String) });
}

async function rejection(commandIdValue: string): Promise<string | null> {
  expect(await awaitStatus(api, commandIdValue)).toBe('rejected');
  return (await api.get(`/request-status/${commandIdValue}`)).headers.get('x-dpt-cab-reason');
}

describe('oauth-application-register', () => {
  let owner: TestProfile;
  beforeAll(async () => {
    owner = await createProfile(api);
  });

  it('registers (status 2 {applicationId} = command id) and lists the application', async () => {
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(owner.token);
    const response = await api.post(
      '/profile/oauth-application-register',
      {
        name: 'Reports',
        redirectUri: 'https://app.example/callback',
        scopes: ['data-token:read', 'data-token:write'],
      },
      owner.token,
    );
    expect(response.status).toBe(202);
    const id = commandId(response);
    expect(response.body).toEqual([id]);
    const outcome = await channel.commandOutcome(id);
    expect(outcome.data).toMatchObject({ command_status: 2, body: { applicationId: id } });
    channel.close();

    const list = await api.get('/profile/retrieve-oauth-application-list', owner.token);
    expect(list.status).toBe(200);
    const body = list.body as { items: Record<string, unknown>[]; meta: { count: number } };
    expect(body.items).toContainEqual({
      applicationId: id,
      name: 'Reports',
      redirectUri: 'https://app.example/callback',
      scopes: ['data-token:read', 'data-token:write'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
    });
    expect(body.meta.count).toBe(body.items.length);
  });

  it('accepts scopes as one comma- or space-separated string, and as a JSON array', async () => {
    const form = await api.post(
      '/profile/oauth-application-register',
      { name: 'Split', redirectUri: 'https://a.example/cb', scopes: 'device:read, storage:read' },
      owner.token,
    );
    expect(form.status).toBe(202);
    await awaitStatus(api, commandId(form));
    const json = await api.postJson(
      '/profile/oauth-application-register',
      { name: 'Json', redirectUri: 'https://a.example/cb', scopes: ['profile:read', 'all'] },
      owner.token,
    );
    expect(json.status).toBe(202);
    await awaitStatus(api, commandId(json));
    const items = (
      (await api.get('/profile/retrieve-oauth-application-list', owner.token)).body as {
        items: { applicationId: string; scopes: string[] }[];
      }
    ).items;
    expect(items.find((i) => i.applicationId === commandId(form))?.scopes).toEqual([
      'device:read',
      'storage:read',
    ]);
    expect(items.find((i) => i.applicationId === commandId(json))?.scopes).toEqual([
      'all',
      'profile:read',
    ]);
  });

  it.each([
    [{ redirectUri: 'https://a.example/cb', scopes: ['all'] }, 'name'],
    [{ name: 'x'.repeat(201), redirectUri: 'https://a.example/cb', scopes: ['all'] }, 'name'],
    [{ name: 'Bank\u202Eppa', redirectUri: 'https://a.example/cb', scopes: ['all'] }, 'name'],
    [{ name: 'Tab\tname', redirectUri: 'https://a.example/cb', scopes: ['all'] }, 'name'],
    [{ name: 'A', scopes: ['all'] }, 'redirectUri'],
    [{ name: 'A', redirectUri: '/callback', scopes: ['all'] }, 'redirectUri'],
    [{ name: 'A', redirectUri: 'https://a.example/cb#frag', scopes: ['all'] }, 'redirectUri'],
    [{ name: 'A', redirectUri: 'https://a.example/c b', scopes: ['all'] }, 'redirectUri'],
    [{ name: 'A', redirectUri: 'https://a.example/cb' }, 'scopes'],
    [{ name: 'A', redirectUri: 'https://a.example/cb', scopes: ['files:everything'] }, 'scopes'],
    [{ name: 'A', redirectUri: 'https://a.example/cb', scopes: ' , ' }, 'scopes'],
  ])('refuses %j with 422 naming %s', async (fields, field) => {
    const response = await api.post(
      '/profile/oauth-application-register',
      fields as Record<string, string>,
      owner.token,
    );
    expectError(response, 422, 'validation.failed');
    expect(Object.keys((response.body as { errors: object }).errors)).toContain(field);
    expect(response.headers.get('x-dpt-cab-id')).toBeNull();
  });

  it('needs a token (401) and a registered public key (403)', async () => {
    const fields = { name: 'A', redirectUri: 'https://a.example/cb', scopes: ['all'] };
    expectError(
      await api.post('/profile/oauth-application-register', fields),
      401,
      'auth.missing_token',
    );
    const keyless = await createProfile(api, { withKey: false });
    expectError(
      await api.post('/profile/oauth-application-register', fields, keyless.token),
      403,
      'profile.public_key_required',
    );
  });
});

describe('retrieve-oauth-application-configuration', () => {
  it('shows the client secret once; another profile gets 404', async () => {
    const owner = await createProfile(api);
    const stranger = await createProfile(api);
    const registered = await api.post(
      '/profile/oauth-application-register',
      { name: 'Once', redirectUri: 'http://127.0.0.1:8123/cb', scopes: ['all'] },
      owner.token,
    );
    const applicationId = commandId(registered);
    await awaitStatus(api, applicationId);
    expectError(
      await api.post(
        '/profile/retrieve-oauth-application-configuration',
        { applicationId },
        stranger.token,
      ),
      404,
      'oauth.application_not_found',
    );
    const first = await api.post(
      '/profile/retrieve-oauth-application-configuration',
      { applicationId },
      owner.token,
    );
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      applicationId,
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientSecret: expect.stringMatching(/^S-[A-Za-z0-9_-]{43}$/),
      redirectUri: 'http://127.0.0.1:8123/cb',
      scopes: ['all'],
    });
    expectError(
      await api.post(
        '/profile/retrieve-oauth-application-configuration',
        { applicationId },
        owner.token,
      ),
      422,
      'oauth.already_retrieved',
    );
    for (const bad of [UNKNOWN_ID, 'not-an-id']) {
      expectError(
        await api.post(
          '/profile/retrieve-oauth-application-configuration',
          { applicationId: bad },
          owner.token,
        ),
        404,
        'oauth.application_not_found',
      );
    }
    expectError(
      await api.post('/profile/retrieve-oauth-application-configuration', {}, owner.token),
      422,
      'validation.failed',
    );
  });
});

describe('the authorization code', () => {
  let owner: TestProfile;
  let user: TestProfile;
  let app: Awaited<ReturnType<typeof registerApp>>;
  let other: Awaited<ReturnType<typeof registerApp>>;

  beforeAll(async () => {
    owner = await createProfile(api);
    user = await createProfile(api);
    app = await registerApp(api, owner.token, { scopes: ['data-token:read', 'device:read'] });
    other = await registerApp(api, owner.token, { name: 'Other', scopes: ['all'] });
  });

  it('is requested by any profile: the grant is the requested scopes within the application’s', async () => {
    const { requestId, nonce } = await consent(api, user.token, app.clientId, [
      'data-token:read',
      'storage:write',
    ]);
    const pair = await exchange(api, app, await retrieveCode(api, app, requestId, nonce));
    expect(pair.scope).toBe('data-token:read');
    const all = await accessToken(api, user.token, app, ['all']);
    expect(all.scope).toBe('data-token:read device:read');
    // An application holding `all` grants any requested scope.
    const narrow = await accessToken(api, user.token, other, ['storage:read']);
    expect(narrow.scope).toBe('storage:read');
  });

  it('answers request errors synchronously: 404 client, 422 nonce, scope and empty grant', async () => {
    expectError(
      await api.get(consentPath(UNKNOWN_ID, 'n-12345678', ['all']), user.token),
      404,
      'oauth.application_not_found',
    );
    expectError(
      await api.get(consentPath(app.clientId, 'short', ['all']), user.token),
      422,
      'validation.failed',
    );
    expectError(
      await api.get(consentPath(app.clientId, 'n-12345678', ['everything']), user.token),
      422,
      'validation.failed',
    );
    const empty = await api.get(
      consentPath(app.clientId, 'n-12345678', ['storage:write']),
      user.token,
    );
    expectError(empty, 422, 'validation.failed');
    expect((empty.body as { errors: object }).errors).toHaveProperty('scope');
    expectError(
      await api.get('/profile/oauth-application-request-authorization-code', user.token),
      422,
      'validation.failed',
    );
  });

  it('rejects a nonce used before with this client (status 3 oauth.nonce_reused), not with another', async () => {
    const { nonce } = await consent(api, user.token, app.clientId, ['data-token:read']);
    const again = await api.get(consentPath(app.clientId, nonce, ['data-token:read']), user.token);
    expect(again.status).toBe(202);
    expect(await rejection(commandId(again))).toBe('oauth.nonce_reused');
    const elsewhere = await api.get(consentPath(other.clientId, nonce, ['all']), user.token);
    expect(await awaitStatus(api, commandId(elsewhere))).toBe('succeeded');
  });

  it('is retrieved once, with the client credentials and the request’s nonce', async () => {
    const { requestId, nonce } = await consent(api, user.token, app.clientId, ['device:read']);
    const path = '/oauth-application/retrieve-authorization-code';
    expectError(
      await postBasic(api, path, undefined, { id: requestId, nonce }),
      401,
      'auth.missing_token',
    );
    expectError(
      await postBasic(api, path, `Bearer ${app.clientSecret}`, { id: requestId, nonce }),
      401,
      'auth.missing_token',
    );
    for (const wrong of [
      basicClient({ clientId: app.clientId, clientSecret: other.clientSecret }),
      basicClient({ clientId: UNKNOWN_ID, clientSecret: app.clientSecret }),
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
    ]) {
      expectError(
        await postBasic(api, path, wrong, { id: requestId, nonce }),
        401,
        'auth.invalid_credentials',
      );
    }
    // Another client's request is not found, nor is an unknown id.
    expectError(
      await postBasic(api, path, basicClient(other), { id: requestId, nonce }),
      404,
      'oauth.request_not_found',
    );
    expectError(
      await postBasic(api, path, basicClient(app), { id: UNKNOWN_ID, nonce }),
      404,
      'oauth.request_not_found',
    );
    expectError(
      await postBasic(api, path, basicClient(app), { id: requestId, nonce: 'another-nonce' }),
      422,
      'oauth.nonce_mismatch',
    );
    expectError(
      await postBasic(api, path, basicClient(app), { id: requestId }),
      422,
      'validation.failed',
    );
    const first = await postBasic(api, path, basicClient(app), { id: requestId, nonce });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      clientId: app.clientId,
      nonce,
      authorizationCode: expect.stringMatching(/^C-[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const expiresAt = Date.parse((first.body as { expiresAt: string }).expiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan(9 * MINUTE);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(10 * MINUTE);
    expectError(
      await postBasic(api, path, basicClient(app), { id: requestId, nonce }),
      422,
      'oauth.already_retrieved',
    );
  });

  it('is single use: a replayed code answers 401 oauth.invalid_grant', async () => {
    const { requestId, nonce } = await consent(api, user.token, app.clientId, ['device:read']);
    const code = await retrieveCode(api, app, requestId, nonce);
    await exchange(api, app, code);
    const path = '/oauth-application/obtain-access-token';
    expectError(
      await postBasic(api, path, basicClient(app), { authorization_code: code }),
      401,
      'oauth.invalid_grant',
    );
  });

  it('belongs to its client: another client’s credentials cannot exchange it', async () => {
    const { requestId, nonce } = await consent(api, user.token, app.clientId, ['device:read']);
    const code = await retrieveCode(api, app, requestId, nonce);
    const path = '/oauth-application/obtain-access-token';
    expectError(
      await postBasic(api, path, basicClient(other), { authorization_code: code }),
      401,
      'oauth.invalid_grant',
    );
    expectError(
      await postBasic(api, path, basicClient(app), { authorization_code: 'C-nope' }),
      401,
      'oauth.invalid_grant',
    );
    expectError(await postBasic(api, path, basicClient(app), {}), 422, 'validation.failed');
    expectError(
      await postBasic(api, path, undefined, { authorization_code: code }),
      401,
      'auth.missing_token',
    );
    // Still good for its own client after all that.
    expect((await exchange(api, app, code)).scope).toBe('device:read');
  });

  it('lets exactly one of two concurrent exchanges succeed', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { requestId, nonce } = await consent(api, user.token, app.clientId, ['device:read']);
      const code = await retrieveCode(api, app, requestId, nonce);
      const path = '/oauth-application/obtain-access-token';
      const answers = await Promise.all(
        [0, 1].map(() => postBasic(api, path, basicClient(app), { authorization_code: code })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      expect(answers.find((a) => a.status === 401)?.body).toMatchObject({
        reason: 'oauth.invalid_grant',
      });
    }
  });

  it('lapses: a consent not collected within 10 minutes, a code not exchanged within 10 minutes', async () => {
    const late = await consent(api, user.token, app.clientId, ['device:read']);
    const slow = await consent(api, user.token, app.clientId, ['device:read']);
    const code = await retrieveCode(api, app, slow.requestId, slow.nonce);
    clockOffset += 10 * MINUTE + 1000;
    expectError(
      await postBasic(api, '/oauth-application/retrieve-authorization-code', basicClient(app), {
        id: late.requestId,
        nonce: late.nonce,
      }),
      404,
      'oauth.request_not_found',
    );
    expectError(
      await postBasic(api, '/oauth-application/obtain-access-token', basicClient(app), {
        authorization_code: code,
      }),
      401,
      'oauth.invalid_grant',
    );
  });
});

describe('access and refresh tokens', () => {
  let owner: TestProfile;
  let app: Awaited<ReturnType<typeof registerApp>>;

  beforeAll(async () => {
    owner = await createProfile(api);
    app = await registerApp(api, owner.token, { scopes: ['profile:read', 'data-token:read'] });
  });

  it('issues T- and R- tokens of 1 h and 30 days that act as the consenting profile', async () => {
    const user = await createProfile(api);
    const pair = await accessToken(api, user.token, app, ['profile:read']);
    expect(pair).toEqual({
      clientId: app.clientId,
      token: expect.stringMatching(/^T-[A-Za-z0-9_-]{43}$/),
      refreshToken: expect.stringMatching(/^R-[A-Za-z0-9_-]{43}$/),
      type: 'bearer',
      scope: 'profile:read',
      expiresAt: expect.any(String),
      refreshTokenExpiresAt: expect.any(String),
    });
    const now = Date.now() + clockOffset;
    expect(Date.parse(pair.expiresAt) - now).toBeGreaterThan(59 * MINUTE);
    expect(Date.parse(pair.expiresAt) - now).toBeLessThanOrEqual(60 * MINUTE);
    expect(Date.parse(pair.refreshTokenExpiresAt) - now).toBeGreaterThan(
      30 * 24 * 60 * MINUTE - MINUTE,
    );
    const id = await api.get('/profile/retrieve-profile-id', pair.token);
    expect(id.body).toEqual({ profileId: user.profileId });
    const expiry = await api.post('/profile/authorization-token/expiry', {}, pair.token);
    expect(expiry.body).toEqual({ expiresAt: pair.expiresAt });
  });

  it('answers retrieve-oauth-application-scope (GET and POST) with the granted scope', async () => {
    const pair = await accessToken(api, owner.token, app, ['data-token:read']);
    for (const method of ['GET', 'POST']) {
      const response = await api.raw('/oauth-application/retrieve-oauth-application-scope', {
        method,
        headers: { authorization: `Basic ${pair.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ scope: ['data-token:read'], clientId: app.clientId });
    }
    for (const bad of [`Basic ${owner.token}`, 'Basic T-unknown']) {
      expectError(
        await api.raw('/oauth-application/retrieve-oauth-application-scope', {
          headers: { authorization: bad },
        }),
        401,
        'auth.invalid_token',
      );
    }
    expectError(
      await api.raw('/oauth-application/retrieve-oauth-application-scope'),
      401,
      'auth.missing_token',
    );
  });

  it('rotates on refresh: the old pair dies at once, the new one works', async () => {
    const first = await accessToken(api, owner.token, app, ['profile:read']);
    const channel = await TestChannel.open(engine.wsUrl);
    expect((await channel.join(first.token)).status).toBe(200);
    const rotated = await refresh(api, first.token, first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = rotated.body as typeof first;
    expect(second.token).not.toBe(first.token);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.scope).toBe('profile:read');
    expectError(
      await api.get('/profile/retrieve-profile-id', first.token),
      401,
      'auth.invalid_token',
    );
    expect(await channel.closed).toBe(4401);
    expect((await api.get('/profile/retrieve-profile-id', second.token)).status).toBe(200);
    // The old refresh token is dead too; the new access token is the pair of the new refresh token.
    expectError(await refresh(api, second.token, first.refreshToken), 401, 'oauth.invalid_grant');
  });

  it('ends the whole grant when a rotated refresh token is presented again (it was copied)', async () => {
    const first = await accessToken(api, owner.token, app, ['profile:read']);
    const second = (await refresh(api, first.token, first.refreshToken)).body as typeof first;
    // The thief replays the first pair; the engine cannot tell who is who, so both lose.
    expectError(await refresh(api, first.token, first.refreshToken), 401, 'oauth.invalid_grant');
    expectError(
      await api.get('/profile/retrieve-profile-id', second.token),
      401,
      'auth.invalid_token',
    );
    expectError(await refresh(api, second.token, second.refreshToken), 401, 'oauth.invalid_grant');
  });

  it('refuses the token kinds of contract §1.4 with 403 auth.token_kind_not_allowed', async () => {
    const all = await registerApp(api, owner.token, { name: 'Everything', scopes: ['all'] });
    const pair = await accessToken(api, owner.token, all, ['all']);
    const refused: [string, string][] = [
      ['POST', '/profile/change-password'],
      ['POST', '/profile/generate-token-qr'],
      ['POST', '/profile/reauthorize-authorization-token'],
      ['POST', '/public-key/register-public-key'],
      ['POST', '/profile/oauth-application-register'],
      ['POST', '/profile/retrieve-oauth-application-configuration'],
      ['GET', '/profile/oauth-application-request-authorization-code'],
      ['GET', '/profile/retrieve-oauth-application-list'],
      ['POST', '/profile/oauth-application-revoke'],
      // This engine's decisions (README): what would let an application outgrow its consent.
      ['POST', '/profile/revoke-other-authorization-tokens'],
      ['POST', '/device/download-device-configuration'],
      ['GET', '/oauth-application/describe'],
      ['GET', '/profile/retrieve-oauth-application-consent-list'],
      ['POST', '/profile/oauth-application-consent-revoke'],
    ];
    for (const [method, path] of refused) {
      const response = await api.raw(path, { method, token: pair.token });
      expectError(response, 403, 'auth.token_kind_not_allowed');
    }
    // The token still works: a refusal does not end it.
    expect((await api.get('/profile/retrieve-profile-id', pair.token)).status).toBe(200);
  });

  it('revoking itself ends the grant: the refresh token cannot bring it back', async () => {
    const pair = await accessToken(api, owner.token, app, ['profile:read']);
    const revoked = await api.post('/profile/revoke-authorization-token', {}, pair.token);
    expect(revoked.body).toEqual({ revoked: true });
    expectError(
      await api.get('/profile/retrieve-profile-id', pair.token),
      401,
      'auth.invalid_token',
    );
    expectError(await refresh(api, pair.token, pair.refreshToken), 401, 'oauth.invalid_grant');
  });

  it('is untouched by sign out everywhere (an application is not a session)', async () => {
    const pair = await accessToken(api, owner.token, app, ['profile:read']);
    await api.post('/profile/revoke-other-authorization-tokens', {}, owner.token);
    expect((await api.get('/profile/retrieve-profile-id', pair.token)).status).toBe(200);
  });
});

describe('oauth-application-revoke', () => {
  it('deletes the application and invalidates its codes, access and refresh tokens', async () => {
    const owner = await createProfile(api);
    const user = await createProfile(api);
    const app = await registerApp(api, owner.token, { scopes: ['profile:read'] });
    const pair = await accessToken(api, user.token, app, ['profile:read']);
    const waiting = await consent(api, user.token, app.clientId, ['profile:read']);
    const retrieved = await consent(api, user.token, app.clientId, ['profile:read']);
    const code = await retrieveCode(api, app, retrieved.requestId, retrieved.nonce);
    const channel = await TestChannel.open(engine.wsUrl);
    expect((await channel.join(pair.token)).status).toBe(200);

    expectError(
      await api.post(
        '/profile/oauth-application-revoke',
        { applicationId: app.applicationId },
        user.token,
      ),
      404,
      'oauth.application_not_found',
    );
    const revoke = await api.post(
      '/profile/oauth-application-revoke',
      { applicationId: app.applicationId },
      owner.token,
    );
    expect(revoke.status).toBe(202);
    expect(await awaitStatus(api, commandId(revoke))).toBe('succeeded');

    expect(await channel.closed).toBe(4401);
    expectError(
      await api.get('/profile/retrieve-profile-id', pair.token),
      401,
      'auth.invalid_token',
    );
    expectError(await refresh(api, pair.token, pair.refreshToken), 401, 'oauth.invalid_grant');
    // Its client credentials are gone with it, so neither the waiting consent nor the code is usable.
    expectError(
      await postBasic(api, '/oauth-application/retrieve-authorization-code', basicClient(app), {
        id: waiting.requestId,
        nonce: waiting.nonce,
      }),
      401,
      'auth.invalid_credentials',
    );
    expectError(
      await postBasic(api, '/oauth-application/obtain-access-token', basicClient(app), {
        authorization_code: code,
      }),
      401,
      'auth.invalid_credentials',
    );
    const list = await api.get('/profile/retrieve-oauth-application-list', owner.token);
    expect((list.body as { items: unknown[] }).items).toEqual([]);
    expectError(
      await api.get(consentPath(app.clientId, 'n-after-revoke', ['all']), user.token),
      404,
      'oauth.application_not_found',
    );
    expectError(
      await api.post(
        '/profile/oauth-application-revoke',
        { applicationId: app.applicationId },
        owner.token,
      ),
      404,
      'oauth.application_not_found',
    );
    expectError(
      await api.post('/profile/oauth-application-revoke', {}, owner.token),
      422,
      'validation.failed',
    );
  });
});

describe('extensions: describe, the consent list and revoking a consent', () => {
  it('describes an application by client id to any profile, from the engine’s record', async () => {
    const owner = await createProfile(api);
    const user = await createProfile(api);
    const app = await registerApp(api, owner.token, {
      name: 'Budget helper',
      redirectUri: 'https://budget.example/oauth',
      scopes: ['data-token:read'],
    });
    const response = await api.get(
      `/oauth-application/describe?client_id=${app.clientId}`,
      user.token,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      clientId: app.clientId,
      name: 'Budget helper',
      redirectUri: 'https://budget.example/oauth',
      scopes: ['data-token:read'],
      createdAt: expect.any(String),
    });
    for (const bad of [UNKNOWN_ID, 'junk']) {
      expectError(
        await api.get(`/oauth-application/describe?client_id=${bad}`, user.token),
        404,
        'oauth.application_not_found',
      );
    }
    expectError(await api.get('/oauth-application/describe', user.token), 422, 'validation.failed');
    expectError(
      await api.get(`/oauth-application/describe?client_id=${app.clientId}`),
      401,
      'auth.missing_token',
    );
  });

  it('lists each consent the profile gave, and revoking ends the application’s access for it alone', async () => {
    const owner = await createProfile(api);
    const user = await createProfile(api);
    const app = await registerApp(api, owner.token, { name: 'Sync', scopes: ['profile:read'] });
    const mine = await accessToken(api, user.token, app, ['profile:read']);
    const owners = await accessToken(api, owner.token, app, ['profile:read']);
    const waiting = await consent(api, user.token, app.clientId, ['profile:read']);

    const list = await api.get('/profile/retrieve-oauth-application-consent-list', user.token);
    expect(list.status).toBe(200);
    const items = (list.body as { items: Record<string, unknown>[] }).items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      requestId: waiting.requestId,
      clientId: app.clientId,
      name: 'Sync',
      redirectUri: app.redirectUri,
      scopes: ['profile:read'],
      deviceIdentifier: null,
      state: 'waiting',
    });
    expect(items[1]).toMatchObject({ state: 'active' });

    const revoked = await api.post(
      '/profile/oauth-application-consent-revoke',
      { clientId: app.clientId },
      user.token,
    );
    expect(revoked.body).toEqual({ revoked: 1 });
    expectError(
      await api.get('/profile/retrieve-profile-id', mine.token),
      401,
      'auth.invalid_token',
    );
    expectError(await refresh(api, mine.token, mine.refreshToken), 401, 'oauth.invalid_grant');
    expect((await api.get('/profile/retrieve-profile-id', owners.token)).status).toBe(200);
    const after = (
      (await api.get('/profile/retrieve-oauth-application-consent-list', user.token)).body as {
        items: { state: string }[];
      }
    ).items;
    expect(after.map((item) => item.state)).toEqual(['ended', 'ended']);
    // The waiting consent lapsed with it: the application can no longer collect its code.
    expectError(
      await postBasic(api, '/oauth-application/retrieve-authorization-code', basicClient(app), {
        id: waiting.requestId,
        nonce: waiting.nonce,
      }),
      404,
      'oauth.request_not_found',
    );
    expectError(
      await api.post(
        '/profile/oauth-application-consent-revoke',
        { clientId: UNKNOWN_ID },
        user.token,
      ),
      404,
      'oauth.application_not_found',
    );
  });
});

describe('the channel', () => {
  it('lets an OAuth token join, but its socket hears only what its own grant sent', async () => {
    const owner = await createProfile(api);
    const { deviceId, bundle } = await addStorageDevice(api, owner.token, 'Shelf NAS');
    const nas = await startDevice(bundle);
    await awaitStorage(api, owner.token, deviceId, (d) => d.online);
    const { dataToken } = await storeRandom(api, owner.token, 64);
    const app = await registerApp(api, owner.token, { scopes: ['data-token:read'] });
    const pair = await accessToken(api, owner.token, app, ['data-token:read']);

    // Sent before the application joined: buffered for its grant, delivered on join.
    const early = await api.post('/data-token/request-data', { token: dataToken }, pair.token);
    expect(early.status).toBe(202);
    const appChannel = await TestChannel.open(engine.wsUrl);
    expect((await appChannel.join(pair.token)).status).toBe(200);
    const ownerChannel = await TestChannel.open(engine.wsUrl);
    expect((await ownerChannel.join(owner.token)).status).toBe(200);
    const earlyUrl = await appChannel.waitFor(
      (f) => f.data?.type === 'X-DPT-CAB-REQUEST-ID' && f.data.id === commandId(early),
    );
    expect(earlyUrl.data).toMatchObject({ command_status: 2, output_type: 1 });

    // The owner's download: its URL reaches the owner's socket and never the application's.
    const ownerUrl = await requestDownload(api, ownerChannel, owner.token, dataToken);
    // The application's next download comes after it on the same ordered socket.
    const appUrl = await requestDownload(api, appChannel, pair.token, dataToken);
    expect((await download(appUrl)).status).toBe(200);
    const heard = JSON.stringify(appChannel.frames);
    expect(heard).not.toContain(ownerUrl.split('auth=')[1]!);
    expect(appChannel.frames.some((f) => f.data?.type === 'DEVICE-PENDING')).toBe(false);
    appChannel.close();
    ownerChannel.close();
    await nas.stop();
  });
});

describe('at rest', () => {
  it('keeps client secrets, codes, access and refresh tokens only as digests', async () => {
    const owner = await createProfile(api);
    const app = await registerApp(api, owner.token, { scopes: ['profile:read'] });
    const { requestId, nonce } = await consent(api, owner.token, app.clientId, ['profile:read']);
    const code = await retrieveCode(api, app, requestId, nonce);
    const pair = await exchange(api, app, code);
    const rotated = (await refresh(api, pair.token, pair.refreshToken)).body as typeof pair;
    const files = readdirSync(engine.dataDir).filter((name) => name.startsWith('engine.sqlite'));
    const stored = Buffer.concat(files.map((name) => readFileSync(join(engine.dataDir, name))));
    for (const secret of [
      app.clientSecret,
      code,
      pair.token,
      pair.refreshToken,
      rotated.token,
      rotated.refreshToken,
    ]) {
      expect(stored.includes(secret), secret.slice(0, 2)).toBe(false);
      expect(stored.includes(secret.slice(2)), secret.slice(0, 2)).toBe(false);
    }
  });
});

describe('bad input on every OAuth endpoint', () => {
  it('answers 4xx in the error shape, never a 500 or a hang', async () => {
    const owner = await createProfile(api);
    const app = await registerApp(api, owner.token, { scopes: ['profile:read'] });
    const pair = await accessToken(api, owner.token, app, ['profile:read']);
    const credentials: Record<string, Record<string, string>> = {
      token: { 'X-DPT-AUTHORIZATION': owner.token },
      'basic-client': { authorization: basicClient(app) },
      'basic-access-token': { authorization: `Basic ${pair.token}` },
    };
    const bodies: [string, string][] = [
      ['application/json', '{"name": '],
      ['application/json', '[1,2,3]'],
      [
        'application/json',
        '{"name":{"a":1},"redirectUri":[1],"scopes":{"x":"y"},"applicationId":{},"id":[],"nonce":7,"authorization_code":{"c":1},"refresh_token":[null],"clientId":false,"client_id":{}}',
      ],
      ['application/json', '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'],
      [
        'application/x-www-form-urlencoded',
        'name[a][b][c][d][e][f]=1&scopes[][]=x&id[]=1&nonce[]=2',
      ],
      [
        'application/x-www-form-urlencoded',
        `name=${'x'.repeat(5000)}&redirectUri=${'y'.repeat(5000)}&scopes=${'all,'.repeat(400)}`,
      ],
      [
        'application/x-www-form-urlencoded',
        'applicationId=%00%01&clientId=%E2%80%AE&authorization_code=C-%00&refresh_token=R-',
      ],
      ['text/plain', 'hello'],
    ];
    const queries = [
      '?client_id[]=1',
      '?client_id[a]=b',
      '?scope=all&nonce=' + 'n'.repeat(300),
      '?client_id=%00',
    ];
    const failures: string[] = [];
    // Endpoints without parameters ignore unknown fields (contract §1.2): nothing to get wrong.
    for (const e of endpoints.filter((ep) => ep.area === 'oauth' && ep.params.length > 0)) {
      const headers = credentials[e.auth]!;
      const attempts: RequestInit[] =
        e.method === 'POST'
          ? bodies.map(([type, body]) => ({
              method: 'POST',
              headers: { ...headers, 'content-type': type },
              body,
            }))
          : [];
      const paths = e.method === 'GET' ? queries.map((q) => e.path + q) : [e.path];
      for (const path of paths) {
        for (const init of attempts.length > 0 ? attempts : [{ method: 'GET', headers }]) {
          const response = await api.raw(path, init as RequestInit & { token?: string });
          const body = response.body as { status?: number; reason?: string; message?: string };
          const shaped =
            typeof body === 'object' &&
            body !== null &&
            body.status === response.status &&
            typeof body.reason === 'string' &&
            typeof body.message === 'string';
          if (response.status < 400 || response.status >= 500 || !shaped)
            failures.push(
              `${e.method} ${path} ${String(init.body).slice(0, 40)} → ${response.status} ${response.text.slice(0, 120)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

// Last: these move the engine's clock by hours and days, past every profile token above.
describe('lifetimes on the engine clock', () => {
  it('refreshes only with the paired access token, which may have expired', async () => {
    const owner = await createProfile(api);
    const app = await registerApp(api, owner.token, { scopes: ['profile:read'] });
    const a = await accessToken(api, owner.token, app, ['profile:read']);
    const b = await accessToken(api, owner.token, app, ['profile:read']);
    expectError(await refresh(api, b.token, a.refreshToken), 401, 'oauth.invalid_grant');
    expectError(await refresh(api, a.token, 'R-unknown'), 401, 'oauth.invalid_grant');
    expectError(
      await postBasic(api, '/oauth-application/refresh-access-token', undefined, {
        refresh_token: a.refreshToken,
      }),
      401,
      'auth.missing_token',
    );
    expectError(
      await postBasic(api, '/oauth-application/refresh-access-token', `Basic ${a.token}`, {}),
      422,
      'validation.failed',
    );
    clockOffset += 61 * MINUTE;
    expectError(await api.get('/profile/retrieve-profile-id', a.token), 401, 'auth.invalid_token');
    const renewed = await refresh(api, a.token, a.refreshToken);
    expect(renewed.status).toBe(200);
    expect(
      (await api.get('/profile/retrieve-profile-id', (renewed.body as typeof a).token)).status,
    ).toBe(200);
    clockOffset += 30 * 24 * 60 * MINUTE;
    const stale = renewed.body as typeof a;
    expectError(await refresh(api, stale.token, stale.refreshToken), 401, 'oauth.invalid_grant');
  });
});
