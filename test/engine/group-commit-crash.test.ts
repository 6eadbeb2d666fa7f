// A group-committed batch (engine/store/group-commit.ts) is all or nothing across a SIGKILL.
// The child process writes one batch of command rows through the real store and stops at a
// known point, so where the kill lands is never left to the scheduler: inside the batch (every
// write made, the commit not reached) or right after the acknowledgement.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { newId } from '../../engine/ids.ts';
import { openSqliteStore } from '../../engine/store/sqlite.ts';
import { ROOT } from '../support/compiled.ts';
import { tempDir } from '../support/engine.ts';

const BATCH = 'test/support/group-commit-child.ts';
const ACCEPT = 'test/support/command-accept-child.ts';

/** Runs a child script until it prints its first line, SIGKILLs it there, returns the line. */
async function killAfterFirstLine(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const line = await Promise.race([
    new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    ),
    exited.then((how) => `child ended (${how}) before its line: ${stderr}`),
  ]);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return line;
}

async function rowsLeft(dataDir: string, ids: string[]): Promise<number> {
  const store = openSqliteStore(dataDir);
  try {
    let found = 0;
    for (const id of ids) if (await store.commands.byId(id)) found++;
    return found;
  } finally {
    await store.close();
  }
}

describe('group commit across a SIGKILL', () => {
  it('a batch killed before its commit leaves none of its writes, though all were made', async () => {
    const dataDir = tempDir();
    const ids = Array.from({ length: 12 }, () => newId());
    // Every row was written inside the batch's transaction before the kill...
    expect(await killAfterFirstLine(BATCH, [dataDir, 'hold', ...ids])).toBe(`inside ${ids.length}`);
    // ...and none of them survives it: the earlier sections were not committed on their own.
    expect(await rowsLeft(dataDir, ids)).toBe(0);
  });

  it('a batch killed right after its acknowledgement keeps every write', async () => {
    const dataDir = tempDir();
    const ids = Array.from({ length: 12 }, () => newId());
    expect(await killAfterFirstLine(BATCH, [dataDir, 'ack', ...ids])).toBe('acked');
    expect(await rowsLeft(dataDir, ids)).toBe(ids.length);
  });

  it('a command with no work outside its transaction is done once accepted: its outcome shares the commit', async () => {
    const dataDir = tempDir();
    const username = `gc${newId().slice(0, 8)}`;
    // The child stops its thread as soon as accept() returns: nothing after the 202 runs.
    const id = await killAfterFirstLine(ACCEPT, [dataDir, username]);
    const store = openSqliteStore(dataDir);
    try {
      expect((await store.commands.byId(id))?.status).toBe(2);
      expect((await store.profiles.byUsername(username))?.id).toBe(id);
    } finally {
      await store.close();
    }
  });
});
