import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, type LockOwner } from '../../../engine/lock-file.ts';
import { tempDir } from '../../support/engine.ts';

/** Above Linux's default pid_max: no process has it. */
const DEAD_PID = 2 ** 22 + 1;
const refusal = (owner: LockOwner) =>
  owner === 'this process' ? 'held in this process' : `held by pid ${owner.pid}`;

describe('acquireLock', () => {
  it('takes a free lock, refuses it to a second taker here, and frees it on release', () => {
    const file = join(tempDir(), 'x.lock');
    const release = acquireLock(file, refusal);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => acquireLock(file, refusal)).toThrow('held in this process');
    release();
    expect(existsSync(file)).toBe(false);
    acquireLock(file, refusal)();
  });

  it('refuses a lock a live process holds, naming it', () => {
    const file = join(tempDir(), 'x.lock');
    writeFileSync(file, JSON.stringify({ pid: process.ppid, token: 'theirs' }));
    expect(() => acquireLock(file, refusal)).toThrow(`held by pid ${process.ppid}`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ pid: process.ppid, token: 'theirs' });
  });

  it.each([
    ['a dead process', JSON.stringify({ pid: DEAD_PID, token: 'gone' })],
    ['an older version (bare pid)', String(DEAD_PID)],
    ['this pid, not held here (a reused pid)', JSON.stringify({ pid: process.pid, token: 'old' })],
    ['unreadable text', 'garbage'],
  ])('takes over a lock left by %s', (_what, content) => {
    const file = join(tempDir(), 'x.lock');
    writeFileSync(file, content);
    const release = acquireLock(file, refusal);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });

  it('leaves a lock someone else took over since alone when released', () => {
    const file = join(tempDir(), 'x.lock');
    const release = acquireLock(file, refusal);
    writeFileSync(file, JSON.stringify({ pid: process.ppid, token: 'theirs' }));
    release();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ token: 'theirs' });
  });
});
