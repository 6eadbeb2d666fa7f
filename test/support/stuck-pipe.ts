import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './engine.ts';

/**
 * A pipe for a child's stdout or stderr whose reader the test controls: it reads until the child
 * is ready, then stops reading and fills the pipe to capacity (a parent that stopped reading), or
 * closes its end (a parent that died, so the child's writes fail with EPIPE).
 *
 * It is a named pipe so the test can open write ends of its own, which is how it fills the pipe.
 * The read end is non-blocking and read with plain read(2) calls, so nothing reads behind the
 * test's back once it stops.
 */
export class StuckPipe {
  private text = '';
  private readerOpen = true;

  private constructor(
    private readonly path: string,
    /** Give this to spawn's stdio. */
    readonly childFd: number,
    private readonly readFd: number,
  ) {}

  static open(): StuckPipe {
    const path = join(tempDir('privicore-pipe-'), 'fifo');
    execFileSync('mkfifo', ['-m', '600', path]);
    // The read end first: opening a FIFO for writing waits for a reader. The child's end is in
    // blocking mode, as a spawn leaves a child's stdio (and as it stays unless the child's own
    // Node.js switches it): a write to the full pipe then waits in the kernel.
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(path, constants.O_WRONLY);
    return new StuckPipe(path, writeFd, readFd);
  }

  /** Reads whatever the pipe holds now and returns everything read so far. */
  output(): string {
    const buffer = Buffer.alloc(65536);
    while (this.readerOpen) {
      let got: number;
      try {
        got = readSync(this.readFd, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw error;
      }
      if (got === 0) break;
      this.text += buffer.subarray(0, got).toString();
    }
    return this.text;
  }

  /** Reads until a line matches `pattern` (polling the pipe) and returns that line. */
  async line(pattern: RegExp, what: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.output()
        .split('\n')
        .find((line) => pattern.test(line));
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} line; read so far:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** From now on nothing reads; fills the pipe until a write would block. */
  stopReadingAndFill(): void {
    // Through a write end of its own: the child's may have been switched to blocking mode (a
    // spawn clears O_NONBLOCK on the child's stdio, and the flag is shared with that end).
    const filler = openSync(this.path, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      // Pages first, then single bytes into the room the last page has left.
      for (const junk of [Buffer.alloc(4096, 0x2e), Buffer.alloc(1, 0x2e)]) {
        for (;;) {
          try {
            writeSync(filler, junk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
            throw error;
          }
        }
      }
    } finally {
      closeSync(filler);
    }
  }

  /** Closes the only read end: the child's writes fail with EPIPE from now on. */
  killReader(): void {
    if (!this.readerOpen) return;
    this.readerOpen = false;
    closeSync(this.readFd);
  }

  /** Closes both of the test's ends (the child holds its own copy of the write end). */
  close(): void {
    this.killReader();
    try {
      closeSync(this.childFd);
    } catch {
      // Already closed.
    }
  }
}
