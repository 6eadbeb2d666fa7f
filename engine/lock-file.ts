import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Lock files this process holds, by real path: the pid in them cannot tell two holders here apart. */
const heldHere = new Set<string>();

/** Who holds a lock that was refused: another process, or another user in this one. */
export type LockOwner = { pid: number } | 'this process';

/** The refusal of a data folder another engine or host has open. */
export function inUse(dataDir: string, owner: LockOwner): string {
  const who = owner === 'this process' ? 'this process' : `pid ${owner.pid}`;
  return `Another Privicore Vault process (${who}) is using ${dataDir}; stop it or wait for it to finish.`;
}

/**
 * One exclusive lock file, so two runtimes never share an engine database, a host record or a
 * storage device folder. The file holds `{"pid","token"}`. A lock whose process is gone (a crash,
 * SIGKILL) is taken over; so is one naming this process's pid that this process does not hold
 * (a restarted container often reuses the crashed process's pid). `refusal` words the error for
 * a lock in use. Returns the release function, which removes the file only while it is ours.
 */
export function acquireLock(file: string, refusal: (owner: LockOwner) => string): () => void {
  const key = join(realpathSync(dirname(file)), basename(file));
  if (heldHere.has(key)) throw new Error(refusal('this process'));
  const token = randomUUID();
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, token }));
      } finally {
        closeSync(fd);
      }
      heldHere.add(key);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(key);
        if (ownerOf(file)?.token === token) unlink(file);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = ownerOf(file)?.pid;
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) throw new Error(refusal({ pid }));
    // Stale: its process is gone. Whoever removes it first takes it; the next attempt tells.
    unlink(file);
  }
  throw new Error(`Could not take the lock ${file}: another process keeps taking it.`);
}

/** The lock's owner as recorded; lock files of older versions hold only the decimal pid. */
function ownerOf(file: string): { pid?: number; token?: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; token?: unknown };
    return {
      pid:
        Number.isInteger(parsed.pid) && (parsed.pid as number) > 0
          ? (parsed.pid as number)
          : undefined,
      token: typeof parsed.token === 'string' ? parsed.token : undefined,
    };
  } catch {
    return {};
  }
}

function unlink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
