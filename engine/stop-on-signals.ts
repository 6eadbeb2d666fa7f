import { openStreams, type LogStream } from './log-stream.ts';
import type { Logger } from './log.ts';

/** A stop that takes longer than this is cut short, so the process always ends. */
const STOP_DEADLINE_MS = 5_000;
/** How long the last log lines may take to leave; a reader that stopped reading gets no more. */
const FINAL_FLUSH_MS = 1_000;

export interface StopOptions {
  deadlineMs?: number;
  logs?: LogStream;
}

/**
 * For the engine's processes: on SIGTERM or SIGINT run `stop` once, flush the logs and any
 * stdout line stream (bounded, in parallel),
 * then exit 0, or 1 when stopping failed or took longer than the deadline. A second signal exits
 * at once with 1: whoever sends it has stopped waiting.
 */
export function stopOnSignals(
  log: Logger,
  stop: () => Promise<void>,
  options: StopOptions = {},
): void {
  let stopping = false;
  const exit = (code: number) => {
    // Read at exit: a stream first written to after the signal is flushed too.
    const streams = options.logs ? [options.logs] : openStreams();
    void Promise.all(streams.map((stream) => stream.flush(FINAL_FLUSH_MS))).finally(() =>
      process.exit(code),
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ deadlineMs: options.deadlineMs ?? STOP_DEADLINE_MS }, 'shutdown took too long');
      exit(1);
    }, options.deadlineMs ?? STOP_DEADLINE_MS);
    stop().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
