import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An exclusive lock file for a data folder, so two processes never share one engine database
 * or host record. A lock whose process is gone (a crash, SIGKILL) is taken over.
 * Returns the release function.
 */
export function acquireLock(file: string): () => void {
  const token = randomUUID();
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, token }));
      closeSync(fd);
      return () => {
        try {
          const held = JSON.parse(readFileSync(file, 'utf8')) as { token?: string };
          if (held.token === token) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let pid: number | undefined;
      try {
        pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid;
      } catch {
        pid = undefined;
      }
      if (pid !== undefined && isAlive(pid)) {
        throw new Error(
          `Another Privicore Vault process (pid ${pid}) is using ${dirname(file)}; stop it or wait for it to finish.`,
        );
      }
      try {
        unlinkSync(file);
      } catch {
        // Someone else took it over first; the next attempt tells.
      }
    }
  }
  throw new Error(`Could not take the lock ${file}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
