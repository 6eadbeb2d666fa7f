import { describe, expect, it } from 'vitest';
import { spawnEngine, tempDir } from '../support/engine.ts';
import { wire } from '../support/http.ts';
import { PASSWORD, awaitStatus, commandId, uniqueName } from '../support/profiles.ts';

describe('crash safety', () => {
  it('a register-profile accepted right before SIGKILL is either complete or rejected after restart — never half-written', async () => {
    const dataDir = tempDir();
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round++) {
      const engine = await spawnEngine(dataDir);
      const api = wire(engine.apiUrl);
      const username = uniqueName('crash');
      const response = await api.post('/profile/register-profile', {
        username,
        password: PASSWORD,
      });
      expect(response.status).toBe(202);
      // Kill at once, before the command is likely to have run.
      engine.child.kill('SIGKILL');
      await engine.exited;

      const restarted = await spawnEngine(dataDir);
      const after = wire(restarted.apiUrl);
      const status = await awaitStatus(after, commandId(response));
      const auth = await after.post('/profile/authenticate', { username, password: PASSWORD });
      if (status === 'succeeded') {
        expect(auth.status).toBe(200);
      } else {
        expect(auth.status).toBe(401);
        // A rejected registration leaves the username free.
        const retry = await after.post('/profile/register-profile', {
          username,
          password: PASSWORD,
        });
        expect(await awaitStatus(after, commandId(retry))).toBe('succeeded');
      }
      outcomes.push(status);
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
    expect(outcomes).toHaveLength(4);
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
