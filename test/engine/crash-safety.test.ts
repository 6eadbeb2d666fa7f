import { describe, expect, it } from 'vitest';
import { openTestStore } from '../support/backend.ts';
import { spawnEngine, tempDir } from '../support/engine.ts';
import { wire } from '../support/http.ts';
import { PASSWORD, awaitStatus, commandId, uniqueName } from '../support/profiles.ts';

describe('crash safety', () => {
  // crash-resume.test.ts proves the restart rules on rows left at status 1 deterministically;
  // this is the same path through a real SIGKILL. Where the kill lands is up to the scheduler,
  // so each round reads the database after the kill and checks what that state must lead to.
  it('a register-profile accepted right before SIGKILL succeeds after the restart, run again if the kill came first', async () => {
    const dataDir = tempDir();
    for (let round = 0; round < 4; round++) {
      const engine = await spawnEngine(dataDir);
      const api = wire(engine.apiUrl);
      const username = uniqueName('crash');
      const response = await api.post('/profile/register-profile', {
        username,
        password: PASSWORD,
      });
      expect(response.status).toBe(202);
      const id = commandId(response);
      // Kill at once, before the command is likely to have run.
      engine.child.kill('SIGKILL');
      await engine.exited;

      // Accepted means recorded: the row is there, at status 1 (the kill came first) or 2.
      const store = await openTestStore(dataDir);
      const record = await store.commands.byId(id);
      await store.close();
      expect(record?.kind).toBe('profile.register-profile');
      expect([1, 2]).toContain(record!.status);

      const restarted = await spawnEngine(dataDir);
      const after = wire(restarted.apiUrl);
      // register-profile is run again after a crash, so it always ends succeeded.
      expect(await awaitStatus(after, id)).toBe('succeeded');
      const auth = await after.post('/profile/authenticate', { username, password: PASSWORD });
      expect(auth.status).toBe(200);
      const token = (auth.body as { authorizationToken: string }).authorizationToken;
      expect((await after.get('/profile/retrieve-profile-id', token)).body).toEqual({
        profileId: id,
      });
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
  });

  it('shuts down gracefully on SIGTERM and keeps completed work', async () => {
    const dataDir = tempDir();
    const engine = await spawnEngine(dataDir);
    const api = wire(engine.apiUrl);
    const username = uniqueName('term');
    const id = commandId(
      await api.post('/profile/register-profile', { username, password: PASSWORD }),
    );
    expect(await awaitStatus(api, id)).toBe('succeeded');
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    const again = await spawnEngine(dataDir);
    expect(
      (await wire(again.apiUrl).post('/profile/authenticate', { username, password: PASSWORD }))
        .status,
    ).toBe(200);
    again.child.kill('SIGTERM');
    await again.exited;
  });
});
