import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createLogger } from '../log.ts';
import { stdoutLineStream } from '../log-stream.ts';
import { stopOnSignals } from '../stop-on-signals.ts';
import { startAuthenticator, type Ballot } from './authenticator.ts';
import { BundleError, parseDeviceBundle, type DeviceBundle } from './device-bundle.ts';

/**
 * The headless authenticator (a server-room approver, or a test):
 *   npm run authenticator -- --config BUNDLE.json [--auto yes|no]
 * BUNDLE.json is the device configuration of an authenticator device. Standard output carries
 * JSON lines only:
 *   {"event":"ready","deviceIdentifier":…}                     once, when first connected
 *   {"event":"ballot","ballotId","poolId","subject","expiresAt"} each ballot, once
 *   {"event":"voted","ballotId","vote"}                         the engine took the vote
 *   {"event":"vote-refused","ballotId","vote","reason"}          it did not (reason key)
 *   {"event":"input-error","line","message"}                     an unreadable stdin line
 * It votes from standard input, one `yes BALLOT_ID` or `no BALLOT_ID` per line, or on every
 * ballot by the rule given with --auto. Logs go to stderr. Exit codes: 0 after SIGTERM/SIGINT,
 * 1 when the engine refuses the device token or its TLS certificate is not the bundle's pinned
 * one (engine.tlsPin; nothing is sent then), 2 for bad arguments or a bad bundle.
 */
const usage = 'usage: npm run authenticator -- --config BUNDLE.json [--auto yes|no]';

function exitWith(code: number, message: string): never {
  process.stderr.write(`authenticator: ${message}\n`);
  process.exit(code);
}

/**
 * One JSON line on stdout, written without blocking (log-stream.ts): a parent that stopped
 * reading, or went away, must neither stall the votes nor keep the process from its signals.
 */
function emit(event: Record<string, unknown>): void {
  stdoutLineStream().write(`${JSON.stringify(event)}\n`);
}

let values: { config?: string; auto?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      config: { type: 'string' },
      auto: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  exitWith(2, `${(error as Error).message} (${usage})`);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!values.config) exitWith(2, `--config is required (${usage})`);
const auto = values.auto;
if (auto !== undefined && auto !== 'yes' && auto !== 'no')
  exitWith(2, `--auto takes yes or no, got "${auto}" (${usage})`);

let bundle: DeviceBundle;
try {
  bundle = parseDeviceBundle(await readFile(values.config, 'utf8'));
} catch (error) {
  if (error instanceof BundleError) exitWith(2, `${values.config}: ${error.message}`);
  exitWith(2, `cannot read the bundle ${values.config}: ${(error as Error).message}`);
}

const log = createLogger();
const authenticator = startAuthenticator({ bundle, log });
/** Ballots already shown: an open ballot is re-sent after every reconnect. */
const seen = new Set<string>();

async function cast(ballotId: string, vote: 'yes' | 'no'): Promise<void> {
  try {
    const result = await authenticator.vote(ballotId, vote);
    if (result.accepted) emit({ event: 'voted', ballotId, vote });
    else emit({ event: 'vote-refused', ballotId, vote, reason: result.reason });
  } catch (error) {
    emit({ event: 'vote-refused', ballotId, vote, reason: 'device.offline' });
    log.warn({ err: error, ballotId }, 'vote not delivered');
  }
}

let announced = false;
authenticator.onReady(() => {
  if (announced) return;
  announced = true;
  emit({ event: 'ready', deviceIdentifier: authenticator.deviceIdentifier });
});

authenticator.onBallot((ballot: Ballot) => {
  if (seen.has(ballot.ballotId)) return;
  seen.add(ballot.ballotId);
  emit({ event: 'ballot', ...ballot });
  if (auto === 'yes' || auto === 'no') void cast(ballot.ballotId, auto);
});

authenticator.onStateChange((state) => {
  if (state === 'unauthorized')
    void authenticator
      .stop()
      .finally(() =>
        exitWith(
          1,
          'the engine refused the device token (revoked, expired or device removed); download a new configuration bundle',
        ),
      );
  else if (state === 'untrusted')
    void authenticator
      .stop()
      .finally(() =>
        exitWith(
          1,
          `${authenticator.pinMismatch?.message ?? 'the engine presented a TLS certificate other than the pinned one'} Check the engine's "tlsPin"; if its certificate was replaced on purpose, download a new configuration bundle`,
        ),
      );
  else if (state === 'replaced')
    void authenticator
      .stop()
      .finally(() =>
        exitWith(1, 'another authenticator process connected with this configuration bundle'),
      );
});

// Standard input: `yes BALLOT_ID` or `no BALLOT_ID`. Its end is not the end of the process.
createInterface({ input: process.stdin }).on('line', (line) => {
  const text = line.trim();
  if (text === '') return;
  const match = /^(yes|no)\s+(\S+)$/i.exec(text);
  if (!match) {
    emit({
      event: 'input-error',
      line: text.slice(0, 200),
      message: 'expected "yes BALLOT_ID" or "no BALLOT_ID"',
    });
    return;
  }
  void cast(match[2]!, match[1]!.toLowerCase() as 'yes' | 'no');
});

stopOnSignals(log, () => authenticator.stop());
