import type { Writable } from 'node:stream';

/**
 * Beyond this much waiting for a slow reader, new lines are dropped (and counted) rather than
 * buffered: a parent that stopped reading must cost neither unbounded memory nor a stall.
 */
const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * Where the engine's processes log: stderr, written so that logging never blocks the process.
 * pino's own destination flushes synchronously at exit and, on a full non-blocking pipe,
 * retries for ever with Atomics.wait, so a parent that stopped reading left the process unable
 * to exit or even run its signal handlers. Here lines go through the Node.js stream (libuv
 * queues them while the pipe is full), a dead stream (EPIPE) stops logging, and the final flush
 * is asynchronous and bounded.
 */
export class LogStream {
  private dead = false;
  private dropped = 0;

  constructor(private readonly target: Writable) {
    // A reader that went away (EPIPE) or a closed descriptor: logging ends, the process does not.
    target.on('error', () => {
      this.dead = true;
    });
  }

  /** pino's destination interface: one serialized line. */
  write(line: string): boolean {
    if (this.dead || this.target.destroyed) return true;
    if (this.target.writableLength > MAX_PENDING_BYTES) {
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
      this.target.write(`${JSON.stringify(note)}\n`);
    }
    this.target.write(line);
    return true;
  }

  /**
   * Resolves once every line written so far has left the process, the stream has died, or
   * `timeoutMs` has passed, whichever comes first; never rejects.
   */
  flush(timeoutMs: number): Promise<void> {
    if (this.dead || this.target.destroyed || this.target.writableLength === 0)
      return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      // An empty write's callback runs after the writes queued before it (or with their error).
      this.target.write('', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

let stderrStream: LogStream | undefined;

/** The one LogStream over process.stderr, shared by every logger of the process. */
export function stderrLogStream(): LogStream {
  return (stderrStream ??= new LogStream(process.stderr));
}
