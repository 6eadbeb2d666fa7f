// What a restarted engine does with commands a crash left at status 1 (contract §1.6: every
// command ends with one final outcome). The rows are written into the database directly, so
// the crash is exactly "accepted, never finished", with no race against a kill.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../engine/commands/command-runner.ts';
import { hashPassword } from '../../engine/crypto/password.ts';
import { newId } from '../../engine/ids.ts';
import { commandSpecs } from '../../engine/server.ts';
import { openTestStore } from '../support/backend.ts';
import { startTestEngine, tempDir } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import {
  awaitStatus,
  createProfile,
  PASSWORD,
  uniqueName,
  type TestProfile,
} from '../support/profiles.ts';

const NEW_PASSWORD = 'a brand new passphrase';

const dataDir = tempDir();
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let profile: TestProfile;
let rejectKinds: { kind: string; reason: string }[];
const rows = {
  registerProfile: { id: newId(), username: uniqueName('resumed') },
  changePassword: { id: newId() },
  usernameTaken: { id: newId() },
  unknownKind: { id: newId() },
  rejected: [] as { id: string; kind: string; reason: string }[],
};

beforeAll(async () => {
  // A first run makes a profile; then it stops, as if it had crashed.
  const first = await startTestEngine({ dataDir });
  profile = await createProfile(wire(first.apiUrl));
  rejectKinds = (commandSpecs(first.ctx) as CommandSpec<unknown, unknown>[]).flatMap((spec) =>
    spec.restart === 'rerun' ? [] : [{ kind: spec.kind, reason: spec.restart.reject }],
  );
  await first.close();

  const store = await openTestStore(dataDir);
  const started = (id: string, kind: string, profileId: string | null, payload: unknown) =>
    store.commands.insert({
      id,
      kind,
      profileId,
      status: 1,
      reason: null,
      payload,
      createdAt: Date.now(),
      completedAt: null,
    });
  await started(rows.registerProfile.id, 'profile.register-profile', null, {
    username: rows.registerProfile.username,
    passwordHash: await hashPassword(PASSWORD),
  });
  await started(rows.changePassword.id, 'profile.change-password', profile.profileId, {
    currentPasswordValid: true,
    newPasswordHash: await hashPassword(NEW_PASSWORD),
  });
  // Run again, a command still meets its business rules: this username is taken by now.
  await started(rows.usernameTaken.id, 'profile.register-profile', null, {
    username: profile.username,
    passwordHash: await hashPassword(PASSWORD),
  });
  await started(rows.unknownKind.id, 'no-such.command', profile.profileId, {});
  for (const { kind, reason } of rejectKinds) {
    const id = newId();
    rows.rejected.push({ id, kind, reason });
    // Never run, so the payload is never read.
    await started(id, kind, profile.profileId, {});
  }
  await store.close();

  engine = await startTestEngine({ dataDir });
  api = wire(engine.apiUrl);
});
afterAll(() => engine?.close());

async function outcome(id: string): Promise<{ word: string; reason: string | null }> {
  const word = await awaitStatus(api, id);
  const response = await api.get(`/request-status/${id}`);
  return { word, reason: response.headers.get('x-dpt-cab-reason') };
}

describe('commands a crash left at status 1', () => {
  it('has kinds that are rejected rather than run again', () => {
    // Store commands: their bytes lived only in the crashed process.
    expect(rejectKinds.map((k) => k.kind).sort()).toEqual([
      'data-token.exchange-data-for-token',
      'data-token.upstream',
    ]);
  });

  it('runs register-profile again: status 2, and the profile signs in', async () => {
    expect(await outcome(rows.registerProfile.id)).toEqual({ word: 'succeeded', reason: null });
    const auth = await api.post('/profile/authenticate', {
      username: rows.registerProfile.username,
      password: PASSWORD,
    });
    expect(auth.status).toBe(200);
    const token = (auth.body as { authorizationToken: string }).authorizationToken;
    expect((await api.get('/profile/retrieve-profile-id', token)).body).toEqual({
      profileId: rows.registerProfile.id,
    });
  });

  it('runs change-password again: the new password is the one that works', async () => {
    expect(await outcome(rows.changePassword.id)).toEqual({ word: 'succeeded', reason: null });
    const login = (password: string) =>
      api.post('/profile/authenticate', { username: profile.username, password });
    expect((await login(NEW_PASSWORD)).status).toBe(200);
    expect((await login(PASSWORD)).status).toBe(401);
  });

  it('applies the business rules when it runs one again (a taken username: status 3)', async () => {
    expect(await outcome(rows.usernameTaken.id)).toEqual({
      word: 'rejected',
      reason: 'profile.username_taken',
    });
  });

  it('rejects each kind that is not run again with its own reason', async () => {
    expect(rows.rejected.length).toBeGreaterThan(0);
    for (const { id, reason } of rows.rejected)
      expect(await outcome(id)).toEqual({ word: 'rejected', reason });
  });

  it('rejects a kind it does not know with server.error', async () => {
    expect(await outcome(rows.unknownKind.id)).toEqual({
      word: 'rejected',
      reason: 'server.error',
    });
  });
});
