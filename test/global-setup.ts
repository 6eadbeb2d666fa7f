import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds every program into out/ once before any test runs (only what changed since the last
 * build): the CLI and engine tests run the compiled programs and the engine's compiled library
 * entry points (test/support/compiled.ts), the e2e tests load the built renderer, and the
 * packaging check packs main, preload and renderer. The build is what is tested.
 */
export default function buildAll(): void {
  const root = join(import.meta.dirname, '..');
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the programs (scripts/build.mjs) failed');
}
