import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { TestChannel } from '../support/channel.ts';
import {
  PASSWORD,
  awaitStatus,
  commandId,
  createProfile,
  uniqueName,
} from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOKEN = /^T-[A-Za-z0-9_-]{43}$/;

describe('register-profile', () => {
  it('answers 202 with the command id in body and header, then succeeds with the profile id', async () => {
    const username = uniqueName();
    const response = await api.post('/profile/register-profile', { username, password: PASSWORD });
    expect(response.status).toBe(202);
    const id = commandId(response);
    expect(id).toMatch(UUID7);
    expect(response.body).toEqual([id]);
    expect(await awaitStatus(api, id)).toBe('succeeded');
    const status = await api.get(`/request-status/${id}`);
    expect(status.headers.get('x-dpt-command-status')).toBe('2');
    expect(status.headers.get('content-type')).toContain('application/json');
    expect(status.text).toBe('"succeeded"');
    const posted = await api.post(`/request-status/${id}`, { ignored: 'yes' });
    expect(posted.body).toBe('succeeded');
  });

  it('rejects a taken username case-insensitively with profile.username_taken', async () => {
    const username = uniqueName('Taken');
    expect(
      await awaitStatus(
        api,
        commandId(await api.post('/profile/register-profile', { username, password: PASSWORD })),
      ),
    ).toBe('succeeded');
    const again = await api.post('/profile/register-profile', {
      username: username.toUpperCase(),
      password: PASSWORD,
    });
    expect(again.status).toBe(202);
    const id = commandId(again);
    expect(await awaitStatus(api, id)).toBe('rejected');
    const status = await api.get(`/request-status/${id}`);
    expect(status.headers.get('x-dpt-command-status')).toBe('3');
    expect(status.headers.get('x-dpt-cab-reason')).toBe('profile.username_taken');
  });

  it('validates username and password synchronously and creates no command', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ password: PASSWORD }, 'username'],
      [{ username: 'ab', password: PASSWORD }, 'username'],
      [{ username: 'x'.repeat(255), password: PASSWORD }, 'username'],
      [{ username: 'bad\u0007name', password: PASSWORD }, 'username'],
      [{ username: uniqueName() }, 'password'],
      [{ username: uniqueName(), password: 'short' }, 'password'],
      [{ username: uniqueName(), password: 'p'.repeat(1025) }, 'password'],
    ];
    for (const [fields, field] of cases) {
      const response = await api.post('/profile/register-profile', fields);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(response.body).toMatchObject({
        status: 422,
        reason: 'validation.failed',
        errors: { [field]: [expect.any(String)] },
      });
      expect(response.headers.get('x-dpt-cab-id')).toBeNull();
    }
  });

  it('accepts JSON and multipart bodies with the same fields', async () => {
    const json = await api.postJson('/profile/register-profile', {
      username: uniqueName(),
      password: PASSWORD,
    });
    expect(json.status).toBe(202);
    const form = new FormData();
    form.set('username', uniqueName());
    form.set('password', PASSWORD);
    const multipart = await api.raw('/profile/register-profile', { method: 'POST', body: form });
    expect(multipart.status).toBe(202);
    expect(await awaitStatus(api, commandId(multipart))).toBe('succeeded');
  });

  it('sends the outcome to request-status only (the caller has no token); unknown ids are 404', async () => {
    const missing = await api.get('/request-status/01900000-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'command.not_found' });
    expect((await api.get('/request-status/not-an-id')).body).toMatchObject({
      reason: 'command.not_found',
    });
  });
});

describe('authenticate', () => {
  it('issues an 8 h profile token, also before a public key exists', async () => {
    const profile = await createProfile(api, { withKey: false });
    const response = await api.post('/profile/authenticate', {
      username: profile.username,
      password: PASSWORD,
    });
    expect(response.status).toBe(200);
    const body = response.body as { authorizationToken: string; expiresAt: string };
    expect(body.authorizationToken).toMatch(TOKEN);
    expect(body.expiresAt).toMatch(ISO);
    const hours = (Date.parse(body.expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(7.9);
    expect(hours).toBeLessThanOrEqual(8);
  });

  it('refuses a wrong password or unknown user with auth.invalid_credentials', async () => {
    const profile = await createProfile(api, { withKey: false });
    const wrong = await api.post('/profile/authenticate', {
      username: profile.username,
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ status: 401, reason: 'auth.invalid_credentials' });
    const unknown = await api.post('/profile/authenticate', {
      username: uniqueName(),
      password: PASSWORD,
    });
    expect(unknown.body).toMatchObject({ status: 401, reason: 'auth.invalid_credentials' });
  });

  it('rate-limits a username after 10 failures in 15 minutes, even with the right password', async () => {
    const profile = await createProfile(api, { withKey: false });
    for (let i = 0; i < 10; i++) {
      const response = await api.post('/profile/authenticate', {
        username: profile.username,
        password: `wrong password ${i}`,
      });
      expect(response.status).toBe(401);
    }
    const limited = await api.post('/profile/authenticate', {
      username: profile.username,
      password: PASSWORD,
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429, reason: 'auth.rate_limited' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Another username is not affected.
    const other = await createProfile(api, { withKey: false });
    expect(
      (await api.post('/profile/authenticate', { username: other.username, password: PASSWORD }))
        .status,
    ).toBe(200);
  });
});

describe('token endpoints', () => {
  it('rejects missing and invalid tokens with 401', async () => {
    const missing = await api.get('/profile/retrieve-profile-id');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ reason: 'auth.missing_token' });
    const invalid = await api.get('/profile/retrieve-profile-id', 'T-' + 'A'.repeat(43));
    expect(invalid.body).toMatchObject({ status: 401, reason: 'auth.invalid_token' });
  });

  it('checks credentials before the body is parsed or validated', async () => {
    const response = await api.raw('/profile/change-password', {
      method: 'POST',
      body: '{bad json',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ reason: 'auth.missing_token' });
  });

  it('retrieve-profile-id returns the profile id', async () => {
    const profile = await createProfile(api);
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).body).toEqual({
      profileId: profile.profileId,
    });
  });

  it('reports the token expiry on the POST route and its GET alias', async () => {
    const profile = await createProfile(api);
    const post = await api.post('/profile/authorization-token/expiry', {}, profile.token);
    const get = await api.get('/profile/retrieve-token-expiry', profile.token);
    expect(post.status).toBe(200);
    expect((post.body as { expiresAt: string }).expiresAt).toMatch(ISO);
    expect(get.body).toEqual(post.body);
  });

  it('gates token endpoints on a registered public key, except the documented ones', async () => {
    const profile = await createProfile(api, { withKey: false });
    const gated = await api.post('/profile/generate-token-qr', {}, profile.token);
    expect(gated.status).toBe(403);
    expect(gated.body).toMatchObject({ reason: 'profile.public_key_required' });
    expect((await api.get('/public-key/retrieve-public-key', profile.token)).status).toBe(403);
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).status).toBe(200);
    expect((await api.get('/profile/retrieve-token-expiry', profile.token)).status).toBe(200);
    const key = await api.post(
      '/public-key/register-public-key',
      { publicKey: profile.keys.public },
      profile.token,
    );
    expect(key.status).toBe(202);
    expect(await awaitStatus(api, commandId(key))).toBe('succeeded');
    expect((await api.post('/profile/generate-token-qr', {}, profile.token)).status).toBe(200);
  });
});

describe('change-password', () => {
  it('changes the password; existing tokens stay valid', async () => {
    const profile = await createProfile(api);
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(profile.token);
    const response = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'a brand new password' },
      profile.token,
    );
    expect(response.status).toBe(202);
    const outcome = await channel.commandOutcome(commandId(response));
    expect(outcome.data).toMatchObject({
      type: 'X-DPT-CAB-ID',
      command_status: 2,
      body: 'succeeded',
    });
    channel.close();
    expect(
      (await api.post('/profile/authenticate', { username: profile.username, password: PASSWORD }))
        .status,
    ).toBe(401);
    expect(
      (
        await api.post('/profile/authenticate', {
          username: profile.username,
          password: 'a brand new password',
        })
      ).status,
    ).toBe(200);
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).status).toBe(200);
  });

  it('rejects a wrong current password asynchronously with auth.invalid_credentials', async () => {
    const profile = await createProfile(api);
    const channel = await TestChannel.open(engine.wsUrl);
    await channel.join(profile.token);
    const response = await api.post(
      '/profile/change-password',
      { currentPassword: 'not my password', newPassword: 'another new password' },
      profile.token,
    );
    expect(response.status).toBe(202);
    const outcome = await channel.commandOutcome(commandId(response));
    expect(outcome.data).toMatchObject({ command_status: 3, body: 'auth.invalid_credentials' });
    channel.close();
    expect(
      (await api.post('/profile/authenticate', { username: profile.username, password: PASSWORD }))
        .status,
    ).toBe(200);
  });

  it('validates the new password length', async () => {
    const profile = await createProfile(api);
    const response = await api.post(
      '/profile/change-password',
      { currentPassword: PASSWORD, newPassword: 'short' },
      profile.token,
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ errors: { newPassword: [expect.any(String)] } });
  });
});

describe('generate-token-qr', () => {
  it('makes a single-use 5-minute QR token with the documented payload, on both routes', async () => {
    const profile = await createProfile(api);
    for (const path of [
      '/profile/generate-token-qr',
      '/profile/generate-qr-token-for-authorization',
    ]) {
      const response = await api.post(path, {}, profile.token);
      expect(response.status).toBe(200);
      const body = response.body as { qrToken: string; expiresAt: string; qrPayload: string };
      expect(body.qrToken).toMatch(/^Q-[A-Za-z0-9_-]{43}$/);
      const minutes = (Date.parse(body.expiresAt) - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(4.9);
      expect(minutes).toBeLessThanOrEqual(5);
      expect(body.qrPayload).toBe(
        `privicore://authorize?token=${body.qrToken}&engine=${encodeURIComponent(engine.apiUrl)}`,
      );
    }
  });
});

describe('reauthorize and revoke', () => {
  it('issues a new token of the same kind and lets the old one live at most 60 s', async () => {
    const profile = await createProfile(api);
    const response = await api.post(
      '/profile/reauthorize-authorization-token',
      { ttl: 3600 },
      profile.token,
    );
    expect(response.status).toBe(200);
    const body = response.body as { authorizationToken: string; expiresAt: string };
    expect(body.authorizationToken).toMatch(TOKEN);
    expect(body.authorizationToken).not.toBe(profile.token);
    const minutes = (Date.parse(body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(59);
    expect(minutes).toBeLessThanOrEqual(60);
    const oldExpiry = (await api.get('/profile/retrieve-token-expiry', profile.token)).body as {
      expiresAt: string;
    };
    expect(Date.parse(oldExpiry.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect((await api.get('/profile/retrieve-profile-id', body.authorizationToken)).status).toBe(
      200,
    );
  });

  it('defaults to 8 h and validates ttl', async () => {
    const profile = await createProfile(api);
    const response = await api.post('/profile/reauthorize-authorization-token', {}, profile.token);
    const hours =
      (Date.parse((response.body as { expiresAt: string }).expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(7.9);
    for (const ttl of ['59', '2592001', 'abc', '1.5']) {
      const bad = await api.post(
        '/profile/reauthorize-authorization-token',
        { ttl },
        profile.token,
      );
      expect(bad.status, ttl).toBe(422);
      expect(bad.body).toMatchObject({ errors: { ttl: [expect.any(String)] } });
    }
  });

  it('revokes the token at once and closes its sockets with 4401', async () => {
    const profile = await createProfile(api);
    const channel = await TestChannel.open(engine.wsUrl);
    expect((await channel.join(profile.token)).status).toBe(200);
    const response = await api.post('/profile/revoke-authorization-token', {}, profile.token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ revoked: true });
    expect(await channel.closed).toBe(4401);
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).body).toMatchObject({
      reason: 'auth.invalid_token',
    });
  });
});
