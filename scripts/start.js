#!/usr/bin/env node
// `npm start`: until the desktop app is built, start the engine instead.
// Usage: npm start [-- ENGINE_ARGS...]   e.g. npm start -- --port 0
// Data directory: $PRIVICORE_DATA_DIR, else the platform's per-user data folder.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function defaultDataDir() {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Privicore Vault', 'engine');
    case 'win32':
      return path.join(
        process.env.APPDATA || path.join(home, 'AppData', 'Roaming'),
        'Privicore Vault',
        'engine',
      );
    default:
      return path.join(
        process.env.XDG_DATA_HOME || path.join(home, '.local', 'share'),
        'privicore-vault',
        'engine',
      );
  }
}

const dataDir = path.resolve(process.env.PRIVICORE_DATA_DIR || defaultDataDir());
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

process.stderr.write(
  `Privicore Vault desktop app is not built yet; starting the engine instead (data in ${dataDir}).\n`,
);

const args = ['tsx', 'engine/main.ts', '--data-dir', dataDir, ...process.argv.slice(2)];
// Windows runs npx.cmd only through a shell, which splits on spaces: quote every argument there.
const windows = process.platform === 'win32';
const child = windows
  ? spawn(
      'npx.cmd',
      args.map((a) => `"${a.replace(/"/g, '""')}"`),
      {
        cwd: repoRoot,
        stdio: 'inherit',
        shell: true,
      },
    )
  : spawn('npx', args, { cwd: repoRoot, stdio: 'inherit' });

const SIGNALS = ['SIGINT', 'SIGTERM'];
for (const signal of SIGNALS) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (err) => {
  process.stderr.write(`Could not start the engine: ${err.message}\n`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (code !== null) process.exit(code);
  // The child died from a signal: exit the conventional way (128 + signal number).
  process.exit(128 + (os.constants.signals[signal] ?? 1));
});
