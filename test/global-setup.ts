import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds every program into out/ once before any test runs (only what changed since the last
 * build): the CLI and engine tests run the compiled programs and the engine's compiled library
 * entry points (test/support/compiled.ts), the e2e tests load the built renderer, and the
 * packaging check packs main, preload and renderer. The build is what is tested.
 *
 * Every temporary folder the run makes (os.tmpdir(), in the tests and in the programs they
 * start) goes under one folder of this run's, removed when the run ends: a whole suite makes
 * some 1 700 of them, and a developer's /tmp must not keep them.
 */
export default function setup(): () => void {
  const root = join(import.meta.dirname, '..');
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the programs (scripts/build.mjs) failed');
  // Each project runs this setup; the first one's folder serves the whole run.
  if (process.env['PRIVICORE_TEST_TMPDIR']) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'privicore-tests-'));
  process.env['TMPDIR'] = dir;
  process.env['PRIVICORE_TEST_TMPDIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
