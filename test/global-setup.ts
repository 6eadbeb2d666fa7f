import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds the desktop app into out/ once before any test runs: the e2e tests load the built
 * renderer and the packaging check packs main, preload and renderer.
 */
export default function buildApp(): void {
  const root = join(import.meta.dirname, '..');
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build-app.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error('building the desktop app (scripts/build-app.mjs) failed');
}
