// The `privicore-vault` process (bin/privicore-vault.js loads it through tsx).

import { runCli } from './run-cli.ts';

/** After a signal the CLI cancels cleanly, but never takes longer than this to exit. */
const SIGNAL_DEADLINE_MS = 5_000;

const controller = new AbortController();
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  // The first signal cancels cleanly (partial downloads are removed); a second one does not wait.
  const code = signal === 'SIGINT' ? 130 : 143;
  if (interrupted) process.exit(code);
  interrupted = true;
  controller.abort();
  setTimeout(() => process.exit(code), SIGNAL_DEADLINE_MS).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), controller.signal);
process.exitCode = code;
// Everything is closed by now; a handle someone forgot, or output a parent stopped reading, must
// not keep the CLI from exiting.
setTimeout(() => process.exit(code), 3_000).unref();
