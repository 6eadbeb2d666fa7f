import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';

/**
 * Beyond this much waiting for a slow reader, new lines are dropped (and counted) rather than
 * queued: a parent that stopped reading must cost neither unbounded memory nor a stall.
 */
const MAX_PENDING_BYTES = 1024 * 1024;
/** A full pipe is tried again after this long, on a timer, never by spinning or sleeping. */
const RETRY_MS = 20;

/**
 * Where the engine's processes log: stderr, written so that logging never blocks the process.
 *
 * pino's own destination flushes synchronously at exit and, on a full non-blocking pipe, retries
 * for ever sleeping in Atomics.wait, so a parent that stopped reading left the process unable to
 * exit or even run its signal handlers. Making the writes asynchronous is not enough either: a
 * pipe's O_NONBLOCK flag belongs to its open file description, which every process holding it
 * shares, and any child spawned with our stderr (tsx's esbuild, for one) clears it; a write on
 * the thread pool then blocks a pool thread for good, and exit waits for that thread.
 *
 * So when stderr is a pipe this writes through a description of its own, opened non-blocking
 * through /proc/self/fd/2 (Linux), which nobody else can switch: a write either goes through or
 * fails with EAGAIN at once, and the rest waits for a timer. A reader that went away (EPIPE) ends
 * logging; the final flush is bounded. Elsewhere (a file, a terminal, no /proc) it writes to the
 * descriptor as it is.
 */
export class LogStream {
  private readonly fd: number;
  private readonly ownFd: boolean;
  private queue: Buffer[] = [];
  private queued = 0;
  private retry: NodeJS.Timeout | undefined;
  private dead = false;
  private dropped = 0;
  private readonly idle = new Set<() => void>();

  constructor(fd: number) {
    const own = nonBlockingPipe(fd);
    this.fd = own ?? fd;
    this.ownFd = own !== undefined;
  }

  /** True once the reader went away: lines are dropped from then on. */
  get gaveUp(): boolean {
    return this.dead;
  }

  /** pino's destination interface: one serialized line. */
  write(line: string): boolean {
    if (this.dead) return true;
    if (this.queued > MAX_PENDING_BYTES) {
      this.dropped++;
      return true;
    }
    if (this.dropped > 0) {
      const note = {
        level: 40,
        time: Date.now(),
        msg: `${this.dropped} log lines dropped: nobody was reading`,
      };
      this.dropped = 0;
      this.enqueue(`${JSON.stringify(note)}\n`);
    }
    this.enqueue(line);
    if (!this.retry) this.pump();
    return true;
  }

  /**
   * Resolves once every line written so far has left the process, the reader has gone, or
   * `timeoutMs` has passed, whichever comes first; never rejects.
   */
  flush(timeoutMs: number): Promise<void> {
    if (this.dead || this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idle.add(done);
    });
  }

  /** Stops logging and closes the descriptor of its own, if it opened one. */
  close(): void {
    clearTimeout(this.retry);
    this.giveUp();
    if (this.ownFd) closeSync(this.fd);
  }

  private enqueue(line: string): void {
    const bytes = Buffer.from(line);
    this.queue.push(bytes);
    this.queued += bytes.length;
  }

  /** Writes what it can now; a full pipe gets the rest after a timer. */
  private pump(): void {
    this.retry = undefined;
    while (this.queued > 0 && !this.dead) {
      const first = this.queue[0]!;
      let written: number;
      try {
        written = writeSync(this.fd, first);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          // Unref'd: a process with nothing else to do exits rather than wait for its reader.
          this.retry = setTimeout(() => this.pump(), RETRY_MS);
          this.retry.unref();
          return;
        }
        // EPIPE, EBADF and the like: nobody will read any more of it.
        this.giveUp();
        return;
      }
      this.queued -= written;
      if (written === first.length) this.queue.shift();
      else this.queue[0] = first.subarray(written);
    }
    for (const done of [...this.idle]) done();
  }

  private giveUp(): void {
    this.dead = true;
    this.queue = [];
    this.queued = 0;
    for (const done of [...this.idle]) done();
  }
}

/** A non-blocking write description of the pipe `fd` is, or undefined when it is no pipe. */
function nonBlockingPipe(fd: number): number | undefined {
  try {
    if (!fstatSync(fd).isFIFO()) return undefined;
    return openSync(`/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
}

let stderrStream: LogStream | undefined;
let stdoutStream: LogStream | undefined;

/** The one LogStream over stderr, shared by every logger of the process. */
export function stderrLogStream(): LogStream {
  return (stderrStream ??= new LogStream(2));
}

/**
 * The one LogStream over stdout, for a process that keeps printing lines for its parent (the
 * headless authenticator's events): a parent that stopped reading must not stop it either.
 */
export function stdoutLineStream(): LogStream {
  return (stdoutStream ??= new LogStream(1));
}

/** The process's streams opened so far, for the final flush. */
export function openStreams(): LogStream[] {
  return [stderrStream, stdoutStream].filter((stream) => stream !== undefined);
}
