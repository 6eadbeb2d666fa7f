// Peer benchmark: `privicore-vault put` and `get` (the compiled CLI on its embedded engine, three
// local storage devices) side by side with rclone's `crypt` onto a union of three local folders
// (every file written to all three), same machine, same run, same input file.
//
//   npm run bench:peer -- [--mib 256] [--samples 3] [--dir DIR]
//
// (the npm script runs it under scripts/with-keyring.sh: the CLI keeps its keys in the keychain)
//
// rclone comes from the OS packages (Debian/Ubuntu: `apt-get install -y rclone`, 1.60). It is
// the bar, not a like-for-like baseline: rclone neither fsyncs nor checks what it wrote, and
// reads back from the page cache; the vault's ack means three fsynced copies, and `get` verifies
// the GCM tag before the output file is moved into place. Rounds are interleaved (vault, then
// rclone) so a machine that slows down mid-run slows both sides alike.
//
// Output: human lines, then one JSON line
//   {"bench":"peer","mib","samples","putMiBs","getMiBs","rcloneUpMiBs","rcloneDownMiBs",
//    "putRatio","getRatio","roundTripRatio","cliPeakRssMb","rcloneVersion"}
// Ratios are vault / rclone (1.0: as fast as rclone), each the median of the rounds' own ratios.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CLI } from '../support/cli-runner.ts';
import { writeRandomFile } from './random-file.ts';
import { median, round, sampleCount } from './bench-stats.ts';

const MiB = 1024 * 1024;

const { values } = parseArgs({
  options: { mib: { type: 'string' }, samples: { type: 'string' }, dir: { type: 'string' } },
  strict: true,
});
const mib = Number(values.mib ?? 256);
if (!Number.isInteger(mib) || mib < 1) {
  console.error(`bench:peer: --mib must be a whole number ≥ 1, got ${values.mib}`);
  process.exit(2);
}
const samples = sampleCount(values.samples);

const rcloneVersion = findRclone();

const root = join(values.dir ?? tmpdir(), `privicore-peer-bench-${process.pid}`);
const log = (line: string) => process.stdout.write(`${line}\n`);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PRIVICORE_VAULT_CONFIG_DIR: join(root, 'config'),
  PRIVICORE_VAULT_DATA_DIR: join(root, 'data'),
  PRIVICORE_VAULT_KEYCHAIN_SERVICE: `privicore-vault-peer-bench-${process.pid}`,
  // `#!/usr/bin/env -S node …` finds node on the PATH: the one running this.
  PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`,
  RCLONE_CONFIG: join(root, 'rclone.conf'),
  NO_COLOR: '1',
};

try {
  await mkdir(join(root, 'work'), { recursive: true });
  const source = join(root, 'work', 'source.bin');
  const sourceHash = await writeRandomFile(source, mib * MiB);
  log(`peer bench: ${mib} MiB, ${samples} rounds, ${rcloneVersion}, files in ${root}`);

  await run(CLI, ['signup', `peer${process.pid}`, '--password-stdin'], 'a long enough password');
  await configureRclone();

  const rounds: { put: number; get: number; up: number; down: number; rss: number }[] = [];
  for (let n = 1; n <= samples; n++) {
    const output = join(root, 'work', 'output.bin');
    const put = await run(CLI, ['--quiet', 'put', source]);
    const token = put.stdout.trim();
    const get = await run(CLI, ['get', token, '-o', output]);
    await expectSame(output, sourceHash, 'privicore-vault get');
    await rm(output);
    await run(CLI, ['rm', token]);

    const up = await run('rclone', ['copyto', source, 'peer-crypt:source.bin']);
    const down = await run('rclone', ['copyto', 'peer-crypt:source.bin', output]);
    await expectSame(output, sourceHash, 'rclone copyto');
    await rm(output);
    await run('rclone', ['purge', 'peer-crypt:']);

    rounds.push({
      put: mib / put.seconds,
      get: mib / get.seconds,
      up: mib / up.seconds,
      down: mib / down.seconds,
      rss: Math.max(put.peakRssMb, get.peakRssMb),
    });
    log(
      `round ${n}: put ${(mib / put.seconds).toFixed(1)}, get ${(mib / get.seconds).toFixed(1)}, ` +
        `rclone up ${(mib / up.seconds).toFixed(1)}, down ${(mib / down.seconds).toFixed(1)} MiB/s`,
    );
  }

  const med = (key: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[key]));
  const putRatio = median(rounds.map((r) => r.put / r.up));
  const getRatio = median(rounds.map((r) => r.get / r.down));
  // Round trip: the time for one up and one down, rclone's over the vault's.
  const roundTripRatio = median(
    rounds.map((r) => (mib / r.up + mib / r.down) / (mib / r.put + mib / r.get)),
  );
  const cliPeakRssMb = Math.max(...rounds.map((r) => r.rss));
  log(`put (CLI, embedded engine)   ${med('put').toFixed(1)} MiB/s  ×${putRatio.toFixed(3)}`);
  log(`get (CLI, embedded engine)   ${med('get').toFixed(1)} MiB/s  ×${getRatio.toFixed(3)}`);
  log(`rclone crypt → 3× union up   ${med('up').toFixed(1)} MiB/s (no fsync)`);
  log(`rclone crypt ← union down    ${med('down').toFixed(1)} MiB/s (page cache)`);
  log(`round trip                   ×${roundTripRatio.toFixed(3)} (target ≥ 0.5)`);
  log(`CLI peak RSS                 ${cliPeakRssMb.toFixed(1)} MB (engine included: embedded)`);
  log(
    JSON.stringify({
      bench: 'peer',
      mib,
      samples,
      putMiBs: round(med('put'), 1),
      getMiBs: round(med('get'), 1),
      rcloneUpMiBs: round(med('up'), 1),
      rcloneDownMiBs: round(med('down'), 1),
      putRatio: round(putRatio, 3),
      getRatio: round(getRatio, 3),
      roundTripRatio: round(roundTripRatio, 3),
      cliPeakRssMb: round(cliPeakRssMb, 1),
      rcloneVersion,
    }),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}

/** rclone's version line, or a clear message and a non-zero exit when it is not installed. */
function findRclone(): string {
  const probe = spawnSync('rclone', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.error(
      'bench:peer: rclone was not found (or `rclone version` failed), and the benchmark compares ' +
        'against it.\n' +
        'Install it from the OS packages, then run the benchmark again:\n' +
        '  sudo apt-get install -y rclone        (Debian/Ubuntu; rclone 1.60)',
    );
    process.exit(3);
  }
  return probe.stdout.split('\n')[0]!.trim();
}

/** A union of three local folders (every file written to all three) with crypt on top. */
async function configureRclone(): Promise<void> {
  const folders = [0, 1, 2].map((n) => join(root, `rclone-${n}`));
  await Promise.all(folders.map((folder) => mkdir(folder)));
  await writeFile(env['RCLONE_CONFIG']!, '', { mode: 0o600 });
  const obscured = (
    await run('rclone', ['obscure', `peer bench password ${process.pid}`])
  ).stdout.trim();
  await writeFile(
    env['RCLONE_CONFIG']!,
    [
      '[peer-union]',
      'type = union',
      `upstreams = ${folders.join(' ')}`,
      'action_policy = all',
      'create_policy = all',
      'search_policy = ff',
      '',
      '[peer-crypt]',
      'type = crypt',
      'remote = peer-union:vault',
      `password = ${obscured}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

interface Ran {
  stdout: string;
  seconds: number;
  /** The process's peak resident memory (VmHWM), sampled until it exits. */
  peakRssMb: number;
}

/** Runs a program to its end (non-zero exit: an error with its stderr). */
function run(command: string, args: readonly string[], input?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const sample = async () => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
      } catch {
        // Gone already: the last sample stands.
      }
    };
    const timer = setInterval(() => void sample(), 25);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ stdout, seconds, peakRssMb: peak });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

async function expectSame(path: string, hash: string, what: string): Promise<void> {
  const digest = createHash('sha256');
  await pipeline(createReadStream(path), digest);
  if (digest.digest('hex') !== hash) throw new Error(`${what}: the output differs from the source`);
}
