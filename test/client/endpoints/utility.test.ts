import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollCommand } from '../../../client/await-command.ts';
import { changePassword, registerProfile } from '../../../client/endpoints/profile.ts';
import { health, requestStatus } from '../../../client/endpoints/utility.ts';
import { HttpClient } from '../../../client/http.ts';
import { startTestEngine } from '../../support/engine.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { signUpVaultUser, type VaultUser } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let http: HttpClient;
let user: VaultUser;

beforeAll(async () => {
  engine = await startTestEngine();
  http = new HttpClient({ apiUrl: engine.apiUrl });
  user = await signUpVaultUser(engine, { storage: false });
});

afterAll(async () => {
  user.session.close();
  http.close();
  await engine.close();
});

describe('utility endpoints', () => {
  it('health', async () => {
    expect(await health(http)).toEqual({ status: 'ok', version: '1.0.0' });
  });

  it('request-status: succeeded, and rejected with its reason', async () => {
    const accepted = await registerProfile(http, { username: uniqueName(), password: PASSWORD });
    await pollCommand(http, accepted, { timeoutMs: 10_000 });
    expect(await requestStatus(http, accepted.commandId)).toEqual({ status: 2, word: 'succeeded' });

    const session = user.session;
    const rejected = await changePassword(session.http, {
      currentPassword: 'not the password',
      newPassword: 'a new long password',
    });
    await expect(pollCommand(http, rejected, { timeoutMs: 10_000 })).rejects.toMatchObject({
      reason: 'auth.invalid_credentials',
      commandId: rejected.commandId,
    });
    expect(await requestStatus(http, rejected.commandId)).toEqual({
      status: 3,
      word: 'rejected',
      reason: 'auth.invalid_credentials',
    });
  });

  it('request-status of an unknown command is command.not_found', async () => {
    await expect(requestStatus(http, randomUUID())).rejects.toMatchObject({
      status: 404,
      reason: 'command.not_found',
    });
  });
});
