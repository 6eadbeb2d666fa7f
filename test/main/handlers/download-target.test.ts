// Where a download may be written (issue 9): a target the window names must be an absolute path
// and never replaces a file; only the save dialog, which asks first, may replace one.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
let token: string;
const secret = randomBytes(10_000);

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  await a.call('session:signUp', { username: uniqueName('owner'), password: PASSWORD });
  const file = join(a.dir, 'notes.bin');
  await writeFile(file, secret);
  const stored = await a.transferEnded(
    (await a.call('files:upload', { paths: [file], context: '/' })).transfers[0]!.id,
  );
  token = stored.token!;
});

afterAll(async () => {
  await a.close();
  await engine.close();
});

describe('download targets', () => {
  it('refuses a relative target from the window', async () => {
    const reply = await a.reply('files:download', {
      token,
      fileName: 'notes.bin',
      target: 'notes.bin',
    });
    expect(reply).toMatchObject({ ok: false, error: { reason: 'bridge.invalid_input' } });
  });

  it('never replaces an existing file at a target from the window', async () => {
    const target = join(a.dir, 'already-there.bin');
    await writeFile(target, 'keep me');
    const transfer = await a.call('files:download', { token, fileName: 'notes.bin', target });
    const ended = await a.transferEnded(transfer!.id);
    expect(ended).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/There is a file with that name already/),
    });
    expect(await readFile(target, 'utf8')).toBe('keep me');
  });

  it('replaces a file the save dialog chose (the dialog asked)', async () => {
    const target = join(a.dir, 'chosen.bin');
    await writeFile(target, 'old');
    a.platform.nextSaveTarget = target;
    const transfer = await a.call('files:download', { token, fileName: 'notes.bin' });
    expect((await a.transferEnded(transfer!.id)).state).toBe('done');
    expect((await readFile(target)).equals(secret)).toBe(true);
  });
});
