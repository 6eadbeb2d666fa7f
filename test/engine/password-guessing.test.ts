// Password guessing (issue 9): the sign-in limit must hold under a concurrent burst (attempts
// are reserved before scrypt runs, not counted after), per username and per client address;
// change-password's current-password check counts toward the same limit; register-profile is
// limited per address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, PASSWORD, uniqueName } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

/** Contract §4: 10 failed attempts per username within 15 minutes. */
const USERNAME_LIMIT = 10;

describe('sign-in guessing', () => {
  it('40 concurrent wrong passwords: at most the limit are checked, the rest get 429', async () => {
    const profile = await createProfile(api, { withKey: false });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api.post('/profile/authenticate', {
          username: profile.username,
          password: `wrong guess ${i}`,
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(USERNAME_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - USERNAME_LIMIT);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    for (const limited of answers.filter((a) => a.status === 429)) {
      expect(limited.body).toMatchObject({ status: 429, reason: 'auth.rate_limited' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The right password is refused too while the limit holds.
    expect(
      (await api.post('/profile/authenticate', { username: profile.username, password: PASSWORD }))
        .status,
    ).toBe(429);
  });

  it('a successful sign-in does not use up an attempt', async () => {
    const profile = await createProfile(api, { withKey: false });
    for (let i = 0; i < USERNAME_LIMIT + 5; i++) {
      const ok = await api.post('/profile/authenticate', {
        username: profile.username,
        password: PASSWORD,
      });
      expect(ok.status).toBe(200);
    }
  });

  it('limits one client address across usernames', async () => {
    // Its own engine: the address limit is the engine's whole loopback budget.
    const own = await startTestEngine();
    const ownApi = wire(own.apiUrl);
    try {
      const answers = [];
      // Wrong passwords spread over many usernames, none reaching the per-username limit.
      for (let i = 0; i < 60; i++) {
        answers.push(
          await ownApi.post('/profile/authenticate', {
            username: uniqueName(`spray${i % 12}`),
            password: 'a guessed password',
          }),
        );
      }
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0]!.body).toMatchObject({ reason: 'auth.rate_limited' });
    } finally {
      await own.close();
    }
  });
});

describe('change-password guessing', () => {
  it('counts wrong current passwords toward the sign-in limit and answers 429 with Retry-After', async () => {
    const profile = await createProfile(api);
    const statuses: number[] = [];
    for (let i = 0; i < USERNAME_LIMIT + 3; i++) {
      const response = await api.post(
        '/profile/change-password',
        { currentPassword: `guess ${i}`, newPassword: 'a brand new password' },
        profile.token,
      );
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.body).toMatchObject({ status: 429, reason: 'auth.rate_limited' });
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, USERNAME_LIMIT).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(USERNAME_LIMIT).every((s) => s === 429)).toBe(true);
    // The same limiter: sign-in is locked out for the username too.
    expect(
      (await api.post('/profile/authenticate', { username: profile.username, password: PASSWORD }))
        .status,
    ).toBe(429);
  });
});

describe('register-profile', () => {
  it('is limited per client address', async () => {
    const own = await startTestEngine();
    const ownApi = wire(own.apiUrl);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push(
          (
            await ownApi.post('/profile/register-profile', {
              username: uniqueName('bulk'),
              password: PASSWORD,
            })
          ).status,
        );
      }
      expect(statuses[0]).toBe(202);
      const limited = statuses.filter((s) => s === 429).length;
      expect(limited).toBeGreaterThan(0);
    } finally {
      await own.close();
    }
  });

  it('behind a trusted reverse proxy counts each forwarded client on its own; a forged X-Forwarded-For changes nothing without one', async () => {
    const register = (api: ReturnType<typeof wire>, client: string) =>
      api.post(
        '/profile/register-profile',
        { username: uniqueName('proxied'), password: PASSWORD },
        undefined,
        { 'x-forwarded-for': client },
      );
    const behindProxy = await startTestEngine({ trustProxy: '127.0.0.1' });
    const plain = await startTestEngine();
    try {
      for (const engine of [behindProxy, plain]) {
        const api = wire(engine.apiUrl);
        const statuses: number[] = [];
        for (let i = 0; i < 35; i++) statuses.push((await register(api, '203.0.113.1')).status);
        expect(statuses).toContain(429);
        // Another client behind the proxy has its own budget; a forged header buys nothing.
        expect((await register(api, '203.0.113.2')).status).toBe(engine === plain ? 429 : 202);
      }
    } finally {
      await behindProxy.close();
      await plain.close();
    }
  });
});
