import { parseArgs } from 'node:util';
import { createLogger } from './log.ts';
import { printReadyLine } from './ready-line.ts';
import { startEngine } from './server.ts';
import { stopOnSignals } from './stop-on-signals.ts';

/**
 * The standalone engine process:
 *   npm run engine -- --data-dir DIR [--host 127.0.0.1] [--port 9009] [--public-url URL]
 * Prints exactly one JSON line on stdout when ready; logs go to stderr.
 */
const usage =
  'usage: npm run engine -- --data-dir DIR [--host 127.0.0.1] [--port 9009] [--public-url URL]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: {
  'data-dir'?: string;
  host?: string;
  port?: string;
  'public-url'?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'public-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!values['data-dir']) fail('--data-dir is required');
const port = values.port === undefined ? 9009 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0–65535, got "${values.port}"`);

const log = createLogger();
try {
  const engine = await startEngine({
    dataDir: values['data-dir'],
    host: values.host ?? '127.0.0.1',
    port,
    publicUrl: values['public-url'],
    log,
  });
  printReadyLine({ apiUrl: engine.apiUrl, wsUrl: engine.wsUrl });
  stopOnSignals(log, () => engine.close());
} catch (error) {
  log.error({ err: error }, 'engine failed to start');
  process.stderr.write(`The engine could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
