// The `privicore-vault` process: bin/privicore-vault.js runs its compiled form (out/cli/main.mjs).

import { setMaxListeners } from 'node:events';
import { runCli } from './run-cli.ts';

/** After a signal the CLI cancels cleanly, but never takes longer than this to exit. */
const SIGNAL_DEADLINE_MS = 5_000;

const controller = new AbortController();
// `put` keeps up to 16 files on their way (put-batch.ts), each listening for the cancel in a few
// places: more than Node's default of 10 listeners, and no leak.
setMaxListeners(128, controller.signal);
let interrupted = false;
const interrupt = (code: number) => () => {
  // The first signal cancels cleanly (partial downloads and spools are removed); a second one does
  // not wait (what is left of a spool goes with the process: plaintext-spool.ts).
  if (interrupted) process.exit(code);
  interrupted = true;
  controller.abort();
  setTimeout(() => process.exit(code), SIGNAL_DEADLINE_MS).unref();
};
process.on('SIGINT', interrupt(130));
process.on('SIGTERM', interrupt(143));

// A reader that stops reading (`privicore-vault ls | head -1`) closes the pipe: later writes fail
// with EPIPE, which is no failure of ours. Any other stdout error ends the run as a failure.
let stdoutError: NodeJS.ErrnoException | undefined;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // After Ctrl-C the command tears its output down itself; that is no write failure.
  if (error.code === 'EPIPE' || interrupted || error.name === 'AbortError') return;
  stdoutError ??= error;
  controller.abort();
});

let code = await runCli(process.argv.slice(2), controller.signal);
if (stdoutError) {
  process.stderr.write(`privicore-vault: cannot write to standard output (${stdoutError.code}).\n`);
  code = 1;
}
process.exitCode = code;
// Everything is closed by now; a handle someone forgot, or output a parent stopped reading, must
// not keep the CLI from exiting.
setTimeout(() => process.exit(code), 3_000).unref();
