import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI } from '../support/cli-runner.ts';
import { ENGINE_MAIN } from '../support/compiled.ts';
import { tempDir } from '../support/engine.ts';
import { round } from './bench-stats.ts';

/**
 * npm run bench:startup -- [--runs 9]   (under scripts/with-keyring.sh: `ls` reads the keychain)
 * How fast the compiled programs start, against `node -e 0` measured in the same run:
 *   - `privicore-vault --version`, run as a shell runs it (the file, its #! line);
 *   - `privicore-vault ls` on the embedded engine (engine, three local storage devices, a
 *     session from the keychain, one list, shutdown), signed in with one file stored;
 *   - the standalone engine's resident memory once idle (`node out/engine/main.mjs`, and with
 *     --tls self-signed).
 * Medians of --runs runs, each program run alternately with the baseline so both see the same
 * machine. Targets (issue 13): --version within 3×, ls within 6×, idle engine under 80 MB.
 */
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);

const root = tempDir('privicore-bench-startup-');
const env = {
  ...process.env,
  PRIVICORE_VAULT_CONFIG_DIR: join(root, 'config'),
  PRIVICORE_VAULT_DATA_DIR: join(root, 'data'),
  PRIVICORE_VAULT_KEYCHAIN_SERVICE: `privicore-vault-bench-${process.pid}`,
  // `#!/usr/bin/env -S node …` finds node on the PATH: the one running this.
  PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`,
  NO_COLOR: '1',
};

/** Runs a command to its end; resolves with the wall time in milliseconds. */
function timed(command: string, args: readonly string[], input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians of the program and of `node -e 0`, run in turn. */
async function against(args: readonly string[]): Promise<{ ms: number; baselineMs: number }> {
  const program: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    baseline.push(await timed(process.execPath, ['-e', '0']));
    program.push(await timed(CLI, args));
  }
  return { ms: median(program), baselineMs: median(baseline) };
}

/** The standalone engine's RSS once it has been idle for a while after its ready line. */
async function idleEngineRss(extra: readonly string[]): Promise<number> {
  const dataDir = join(root, `engine-${extra.join('-') || 'plain'}`);
  const child = spawn(
    process.execPath,
    [ENGINE_MAIN, '--data-dir', dataDir, '--port', '0', ...extra],
    {
      env: { ...env, PRIVICORE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the engine exited (${code}) before ready`)));
    });
    // Idle means idle: whatever start-up garbage there is gets its chance to be collected.
    let rss = 0;
    for (let i = 0; i < 6; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    }
    return rss;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

try {
  await mkdir(join(root, 'work'), { recursive: true });
  // One profile with one stored file on the embedded engine, made before anything is timed.
  await timed(CLI, ['signup', `bench${process.pid}`, '--password-stdin'], 'a long enough password');
  const file = join(root, 'work', 'note.txt');
  await writeFile(file, 'a small file to list\n');
  await timed(CLI, ['put', file]);

  const version = await against(['--version']);
  const ls = await against(['ls']);
  const rss = await idleEngineRss([]);
  const rssTls = await idleEngineRss(['--tls', 'self-signed']);

  const report = {
    bench: 'startup',
    runs,
    nodeMs: round(version.baselineMs, 1),
    versionMs: round(version.ms, 1),
    versionRatio: round(version.ms / version.baselineMs),
    lsNodeMs: round(ls.baselineMs, 1),
    lsMs: round(ls.ms, 1),
    lsRatio: round(ls.ms / ls.baselineMs),
    engineIdleRssMb: round(rss / 1e6, 1),
    engineIdleRssTlsMb: round(rssTls / 1e6, 1),
  };
  console.log(`node -e 0                    ${report.nodeMs} ms (median of ${runs})`);
  console.log(
    `privicore-vault --version    ${report.versionMs} ms  ×${report.versionRatio} (target ≤ 3)`,
  );
  console.log(`privicore-vault ls           ${report.lsMs} ms  ×${report.lsRatio} (target ≤ 6)`);
  console.log(`idle engine RSS              ${report.engineIdleRssMb} MB (target < 80)`);
  console.log(`idle engine RSS, TLS         ${report.engineIdleRssTlsMb} MB`);
  console.log(JSON.stringify(report));
} finally {
  await rm(root, { recursive: true, force: true });
}
