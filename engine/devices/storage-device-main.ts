import { mkdir, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../log.ts';
import { printReadyLine } from '../ready-line.ts';
import { BundleError, parseDeviceBundle, type DeviceBundle } from './device-bundle.ts';
import { startStorageDevice, type RunningStorageDevice } from './storage-device.ts';
import { stopOnSignals } from '../stop-on-signals.ts';

/**
 * The standalone storage device process:
 *   npm run storage-device -- --config BUNDLE.json --dir FOLDER
 * Prints exactly one JSON line on stdout once first connected; logs go to stderr. Exit codes:
 * 0 after SIGTERM/SIGINT, 1 when the device cannot run (token refused, folder unusable, the
 * engine's certificate is not the bundle's pinned one), 2 for bad arguments or a bad bundle.
 */
const usage = 'usage: npm run storage-device -- --config BUNDLE.json --dir FOLDER';

function exitWith(code: number, message: string): never {
  process.stderr.write(`storage-device: ${message}\n`);
  process.exit(code);
}

let values: { config?: string; dir?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      config: { type: 'string' },
      dir: { type: 'string' },
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
if (!values.dir) exitWith(2, `--dir is required (${usage})`);
const dir = values.dir;

let bundle: DeviceBundle;
try {
  bundle = parseDeviceBundle(await readFile(values.config, 'utf8'));
} catch (error) {
  if (error instanceof BundleError) exitWith(2, `${values.config}: ${error.message}`);
  exitWith(2, `cannot read the bundle ${values.config}: ${(error as Error).message}`);
}
try {
  await mkdir(dir, { recursive: true, mode: 0o700 });
} catch (error) {
  exitWith(2, `cannot create the device folder ${dir}: ${(error as Error).message}`);
}

const log = createLogger();
let device: RunningStorageDevice;
try {
  device = await startStorageDevice({ bundle, dir, log });
} catch (error) {
  log.error({ err: error }, 'storage device failed to start');
  exitWith(1, `the storage device could not start: ${(error as Error).message}`);
}

let announced = false;
device.onReady(() => {
  if (announced) return;
  announced = true;
  printReadyLine({ deviceIdentifier: device.deviceIdentifier });
});

device.onStateChange((state) => {
  if (state === 'unauthorized') {
    void device
      .stop()
      .finally(() =>
        exitWith(
          1,
          'the engine refused the device token (revoked, expired or device removed); download a new configuration bundle',
        ),
      );
  } else if (state === 'untrusted') {
    const mismatch = device.pinMismatch;
    void device
      .stop()
      .finally(() =>
        exitWith(
          1,
          `${mismatch?.message ?? 'the engine presented a TLS certificate other than the pinned one'} Check the engine's "tlsPin"; if its certificate was replaced on purpose, download a new configuration bundle`,
        ),
      );
  } else if (state === 'replaced') {
    void device
      .stop()
      .finally(() =>
        exitWith(1, 'another storage device process connected with this configuration bundle'),
      );
  }
});

stopOnSignals(log, () => device.stop());
