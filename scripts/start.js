#!/usr/bin/env node
// `npm start`: builds the desktop app (when its sources changed) and launches it with Electron, on
// the embedded engine.
//
// npm never downloads Electron's binary at install time (package.json `allowScripts` denies
// its postinstall), so `npm ci` also works offline and in CI. The binary is fetched here, on
// first start. Where it cannot be had (no network, no display), the engine starts on its own
// instead and this says so; `npm start -- ENGINE_ARGS` passes arguments to it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(repoRoot, 'node_modules', 'electron');

function dataRoot() {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Privicore Vault');
    case 'win32':
      return path.join(
        process.env.APPDATA || path.join(home, 'AppData', 'Roaming'),
        'Privicore Vault',
      );
    default:
      return path.join(
        process.env.XDG_DATA_HOME || path.join(home, '.local', 'share'),
        'privicore-vault',
      );
  }
}

/** The Electron executable, fetching it once if it is missing; null when it cannot be had. */
function electronBinary() {
  const located = () => {
    try {
      const relative = readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
      const binary = path.join(electronDir, 'dist', relative);
      return existsSync(binary) ? binary : null;
    } catch {
      return null;
    }
  };
  if (located()) return located();
  if (!existsSync(path.join(electronDir, 'install.js'))) return null;
  process.stderr.write('Fetching the Electron runtime (first start only)…\n');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const fetched = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  return fetched.status === 0 ? located() : null;
}

function hasDisplay() {
  return (
    process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
  );
}

function run(command, args, options = {}) {
  const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', ...options });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    process.stderr.write(`Could not start ${path.basename(command)}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) =>
    process.exit(code ?? 128 + (os.constants.signals[signal] ?? 1)),
  );
}

const binary = electronBinary();
if (binary && hasDisplay()) {
  const built = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'scripts', 'build.mjs'), 'app', '--if-stale'],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (built.status !== 0) process.exit(built.status ?? 1);
  run(binary, [repoRoot, ...process.argv.slice(2)]);
} else {
  // Not the CLI's embedded engine folder (<dataRoot>/engine): that one is locked by whichever CLI
  // command runs, and two engines must never share a database.
  const dataDir = path.resolve(
    process.env.PRIVICORE_DATA_DIR || path.join(dataRoot(), 'standalone-engine'),
  );
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const why = binary
    ? 'there is no display to show a window on'
    : "Electron's runtime could not be downloaded here";
  process.stderr.write(
    `The desktop app cannot open (${why}); starting the engine on its own instead (data in ${dataDir}).\n` +
      'Use it with the CLI (npx privicore-vault --engine <apiUrl> …) or point a desktop app elsewhere at it.\n',
  );
  // A direct child (no npm wrapper) so forwarded signals reach the engine itself; the launcher
  // builds the compiled engine first when it is missing or stale.
  run(process.execPath, [
    path.join(repoRoot, 'bin', 'launch.js'),
    'engine',
    '--data-dir',
    dataDir,
    ...process.argv.slice(2),
  ]);
}
