// The `privicore-vault` process (bin/privicore-vault.js loads it through tsx).

import { runCli } from './run-cli.ts';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  // The first Ctrl-C cancels cleanly (partial downloads are removed); a second one does not wait.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

const code = await runCli(process.argv.slice(2), controller.signal);
process.exitCode = code;
// Everything is closed by now; a handle someone forgot must not keep the CLI from exiting.
setTimeout(() => process.exit(code), 3_000).unref();
