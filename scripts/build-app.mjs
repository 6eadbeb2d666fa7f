// Builds the desktop app into out/: the renderer with Vite, the main process, the engine's
// utility process and the preload with esbuild. Native modules stay external (loaded from
// node_modules at run time; electron-builder unpacks them from the asar).
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const external = ['electron', 'better-sqlite3', '@napi-rs/keyring', 'bufferutil', 'utf-8-validate'];
// Bundled ESM still meets CommonJS dependencies that call require() for built-ins.
const esmBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

await vite({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  absWorkingDir: root,
};
await esbuild({
  ...common,
  entryPoints: { 'main/index': 'main/main.ts', 'main/engine-process': 'main/engine-process.ts' },
  outdir: 'out',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  banner: { js: esmBanner },
});
// A sandboxed preload cannot load ES modules.
await esbuild({
  ...common,
  entryPoints: { 'preload/index': 'preload/preload.ts' },
  outdir: 'out',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
});
process.stderr.write('Built the desktop app into out/\n');
