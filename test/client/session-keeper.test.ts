import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionKeeper, type SessionEnd } from '../../client/session-keeper.ts';
import { VaultSession } from '../../client/session.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

async function openSession(token: string): Promise<VaultSession> {
  return VaultSession.open({
    apiUrl: engine.apiUrl,
    authorizationToken: token,
    channel: { reconnectMinDelayMs: 20, reconnectMaxDelayMs: 100 },
  });
}

function ended(): { promise: Promise<SessionEnd>; resolve(why: SessionEnd): void } {
  let resolve!: (why: SessionEnd) => void;
  const promise = new Promise<SessionEnd>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SessionKeeper', () => {
  it('schedules renewal before expiry and renews with a fresh token the session then uses', async () => {
    const profile = await createProfile(api);
    const session = await openSession(profile.token);
    const expiry = Date.now() + 8 * 3600_000;
    const renewed: [string, number][] = [];
    const keeper = new SessionKeeper({
      session,
      expiresAt: expiry,
      onRenewed: (token, at) => void renewed.push([token, at]),
      onEnded: () => undefined,
    });
    const due = keeper.renewalDueAt();
    expect(due).toBeLessThan(expiry);
    expect(due).toBeGreaterThan(Date.now());
    expect(await keeper.renew()).toBe(true);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]![0]).not.toBe(profile.token);
    expect(session.authorizationToken).toBe(renewed[0]![0]);
    expect((await api.get('/profile/retrieve-profile-id', renewed[0]![0])).status).toBe(200);
    keeper.stop();
    session.close();
  });

  it('renews at once when little time is left', async () => {
    const profile = await createProfile(api);
    const session = await openSession(profile.token);
    const renewedAt = ended();
    const keeper = new SessionKeeper({
      session,
      expiresAt: Date.now() + 30_000,
      onRenewed: () => renewedAt.resolve('expired'),
      onEnded: () => undefined,
    });
    await renewedAt.promise;
    expect(keeper.expiresAt - Date.now()).toBeGreaterThan(3600_000);
    keeper.stop();
    session.close();
  });

  it('reports an expired session instead of renewing', async () => {
    const profile = await createProfile(api);
    const session = await openSession(profile.token);
    const end = ended();
    const keeper = new SessionKeeper({
      session,
      expiresAt: Date.now() - 1,
      onRenewed: () => undefined,
      onEnded: end.resolve,
    });
    expect(await end.promise).toBe('expired');
    expect(await keeper.renew()).toBe(false);
    session.close();
  });

  it('reports a session revoked elsewhere', async () => {
    const profile = await createProfile(api);
    const session = await openSession(profile.token);
    const end = ended();
    const keeper = new SessionKeeper({
      session,
      expiresAt: Date.now() + 3600_000,
      onRenewed: () => undefined,
      onEnded: end.resolve,
    });
    expect((await api.post('/profile/revoke-authorization-token', {}, profile.token)).status).toBe(
      200,
    );
    expect(await end.promise).toBe('revoked');
    keeper.stop();
    session.close();
  });
});
