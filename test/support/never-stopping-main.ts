// A process whose stop never finishes, for the shutdown tests of engine/stop-on-signals.ts:
//   node --import tsx test/support/never-stopping-main.ts DEADLINE_MS
import { createLogger } from '../../engine/log.ts';
import { stopOnSignals } from '../../engine/stop-on-signals.ts';

const deadlineMs = Number(process.argv[2]);
stopOnSignals(createLogger(), () => new Promise<void>(() => undefined), { deadlineMs });
// Kept alive until a signal ends it.
setInterval(() => undefined, 60_000);
process.stdout.write('{"event":"ready"}\n');
