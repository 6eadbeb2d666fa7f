// A process that accepts one register-profile command through the real command runner and
// store, prints its id, and then blocks its own thread for good, so nothing after the 202 can
// run; for test/engine/group-commit-crash.test.ts:
//   node --import tsx test/support/command-accept-child.ts DATA_DIR USERNAME
import type { ChannelHub } from '../../engine/channel/channel-hub.ts';
import { CommandRunner } from '../../engine/commands/command-runner.ts';
import { registerProfileCommand } from '../../engine/domain/profile.ts';
import { createLogger } from '../../engine/log.ts';
import { openSqliteStore } from '../../engine/store/sqlite.ts';

const [dataDir, username] = process.argv.slice(2);
if (!dataDir || !username) throw new Error('usage: command-accept-child.ts DATA_DIR USERNAME');

const store = openSqliteStore(dataDir);
// No sockets here: the outcome's message goes nowhere.
const hub = { publish: () => undefined } as unknown as ChannelHub;
const runner = new CommandRunner(store, hub, createLogger('silent'));
const id = await runner.accept(registerProfileCommand, null, {
  username,
  passwordHash: 'not a real hash: never checked here',
});
// Written synchronously (stdout is a pipe), before the thread stops for good.
process.stdout.write(`${id}\n`);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
