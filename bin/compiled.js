// Finds the compiled programs in out/ and rebuilds a target first when it is missing or stale
// (scripts/build.mjs). Every launcher loads this before anything else, so it uses nothing but
// node:fs and stays cheap: a stale check reads one small JSON file and stats the sources the
// target was built from (a few hundred stat calls, about a millisecond), never reads them.
//
// Stale means: a source file (or package.json, package-lock.json, the build script) changed
// after the build started, or one is gone. An installation without the sources (a packaged
// copy) runs what out/ holds.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TARGETS = ['node', 'app'];

const BUILD_SCRIPT = join(ROOT, 'scripts', 'build.mjs');

/** Whether a target must be built before it runs. */
export function isStale(target) {
  let info;
  try {
    info = JSON.parse(readFileSync(join(ROOT, 'out', `.build-${target}.json`), 'utf8'));
  } catch {
    return true;
  }
  if (info?.version !== 1 || !Array.isArray(info.inputs)) return true;
  for (const input of info.inputs) {
    const stat = statSync(join(ROOT, input), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > info.builtAt) return true;
  }
  return false;
}

/**
 * Builds the target when it is stale and this is a checkout with the build script; the build's
 * messages go to stderr so a program's stdout stays its own.
 */
export function ensureBuilt(target) {
  if (!existsSync(BUILD_SCRIPT) || !isStale(target)) return;
  // Loaded only to build: every run of a program comes through here, and most build nothing.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process');
  const result = spawnSync(process.execPath, [BUILD_SCRIPT, target, '--if-stale'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write(
      `Building ${target} (node scripts/build.mjs ${target}) failed; see the messages above.\n`,
    );
    process.exit(result.status ?? 1);
  }
}

/** The absolute path of a compiled entry point, e.g. `cli/main.mjs`. */
export function compiledPath(entry) {
  return join(ROOT, 'out', entry);
}
