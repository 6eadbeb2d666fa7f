#!/usr/bin/env node
// `npm run build`: compiles every program into out/ with esbuild, so nothing compiles TypeScript
// at run time (DESIGN "Reach"). Two targets, each rebuilt as a whole:
//
//   node  the Node programs and the engine's library entry points:
//           out/cli/main.mjs                 the privicore-vault CLI (bin/privicore-vault.js)
//           out/engine/main.mjs              the standalone engine (npm run engine)
//           out/engine/storage-device.mjs    a storage device (npm run storage-device)
//           out/engine/authenticator.mjs     the headless authenticator (npm run authenticator)
//           out/engine/storage-device-worker.mjs  the embedded engine's storage-device thread
//           out/lib/*.mjs                    engine/server.ts, engine/host.ts, the storage
//                                            device runtime and its thread, for the tests to run
//                                            the build
//         with shared code in out/chunks/ (code splitting: `--version` loads no engine code).
//   app   the desktop app: out/main/ (main process, engine utility process and its storage-device
//         thread), out/preload/ and out/renderer/ (Vite).
//
//   node scripts/build.mjs [node|app …] [--if-stale]
//
// Native modules (better-sqlite3, @napi-rs/keyring) stay external: they load from node_modules
// at run time (electron-builder unpacks them from the asar). Each target records what it was
// built from in out/.build-<target>.json; bin/compiled.js compares those files' mtimes with the
// build time to rebuild a stale target before running it. Files are written through a temporary
// name and renamed, and one build runs at a time (a lock directory), so a program started during
// a build never reads half a file.

import { build as esbuild } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { isStale, ROOT, TARGETS } from '../bin/compiled.js';

const OUT = join(ROOT, 'out');
const LOCK = join(OUT, '.build-lock');
/** A lock this old belongs to a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

// Bundled ESM still meets CommonJS dependencies that call require() for built-ins.
const ESM_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const NATIVE = ['better-sqlite3', '@napi-rs/keyring', 'bufferutil', 'utf-8-validate'];

/**
 * axios touches `fetch` and `FormData` as its modules load, and in Node 20 either getter loads
 * Node's bundled undici (tens of milliseconds on every CLI start). The client names the http
 * adapter (client/http.ts: the pinned agents need it), so the fetch adapter is left out of the
 * build, and utils.js looks FormData up when it is asked about an object, not at load: the same
 * answers. A changed axios fails the build here rather than silently keeping the cost.
 */
const AXIOS_FORM_DATA = [
  ["const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;", ''],
  [
    'if (FormDataCtor && thing instanceof FormDataCtor) return true;',
    "if (typeof thing === 'object' && typeof G.FormData !== 'undefined' && thing instanceof G.FormData) return true;",
  ],
];
const withoutAxiosFetch = {
  name: 'without-axios-fetch',
  setup(build) {
    build.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      for (const [from, to] of AXIOS_FORM_DATA) {
        if (!contents.includes(from))
          throw new Error(`axios changed: "${from}" is not in ${args.path} (scripts/build.mjs)`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
    build.onResolve({ filter: /^\.\/fetch\.js$/ }, (args) =>
      /[\\/]axios[\\/]lib[\\/]adapters$/.test(args.resolveDir)
        ? { path: 'axios-fetch-adapter', namespace: 'without-axios-fetch' }
        : undefined,
    );
    // form-data (with mime-db, a large table) is what axios builds multipart bodies with, which
    // the client never sends: it loads on the first `new FormData()` instead of on every start.
    build.onLoad(
      { filter: /[\\/]axios[\\/]lib[\\/]platform[\\/]node[\\/]classes[\\/]FormData\.js$/ },
      () => ({
        contents:
          "let FormDataClass; export default function FormData(...args) { FormDataClass ??= require('form-data'); return new FormDataClass(...args); }",
        resolveDir: ROOT,
        loader: 'js',
      }),
    );
    build.onLoad({ filter: /.*/, namespace: 'without-axios-fetch' }, () => ({
      contents: 'export const getFetch = () => false; export default false;',
      loader: 'js',
    }));
  },
};

/**
 * The native modules are CommonJS. Imported from ES modules, Node would translate each of them
 * (and everything they require) through its CommonJS export lexer on every start; required
 * instead, through the `require` of ESM_BANNER, they load as Node loads any CommonJS module.
 */
const requireNative = {
  name: 'require-native',
  setup(build) {
    const names = new RegExp(`^(${NATIVE.map((name) => name.replace('/', '\\/')).join('|')})$`);
    build.onResolve({ filter: names }, (args) =>
      args.namespace === 'require-native'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'require-native' },
    );
    build.onLoad({ filter: /.*/, namespace: 'require-native' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const common = {
  plugins: [withoutAxiosFetch, requireNative],
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: NATIVE,
  logLevel: 'warning',
  absWorkingDir: ROOT,
  metafile: true,
  write: false,
  // Linked source maps: `node --enable-source-maps` (or PRIVICORE_VAULT_DEBUG stacks) map back.
  sourcemap: 'linked',
  // Whitespace and syntax only (names stay, for readable stacks): V8 keeps every loaded
  // module's source in memory, so a smaller bundle is a smaller idle engine (issue 13: < 80 MB).
  minifyWhitespace: true,
  minifySyntax: true,
};

async function buildNode() {
  const result = await esbuild({
    ...common,
    entryPoints: {
      'cli/main': 'cli/main.ts',
      'engine/main': 'engine/main.ts',
      'engine/storage-device': 'engine/devices/storage-device-main.ts',
      'engine/authenticator': 'engine/devices/authenticator-main.ts',
      'engine/storage-device-worker': 'engine/devices/storage-device-worker.ts',
      'lib/engine-server': 'engine/server.ts',
      'lib/engine-host': 'engine/host.ts',
      'lib/storage-device': 'engine/devices/storage-device.ts',
      'lib/storage-device-thread': 'engine/devices/storage-device-thread.ts',
    },
    outdir: 'out',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    splitting: true,
    banner: { js: ESM_BANNER },
  });
  writeOutputs(result.outputFiles);
  return inputsOf(result.metafile);
}

async function buildApp() {
  const { build: vite } = await import('vite');
  await vite({ configFile: join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
  const appCommon = { ...common, external: ['electron', ...NATIVE] };
  const main = await esbuild({
    ...appCommon,
    entryPoints: {
      'main/index': 'main/main.ts',
      'main/engine-process': 'main/engine-process.ts',
      // The engine process's storage-device thread (engine/devices/storage-device-thread.ts).
      'main/storage-device-worker': 'engine/devices/storage-device-worker.ts',
    },
    outdir: 'out',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: ESM_BANNER },
  });
  // A sandboxed preload cannot load ES modules.
  const preload = await esbuild({
    ...appCommon,
    entryPoints: { 'preload/index': 'preload/preload.ts' },
    outdir: 'out',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
  });
  writeOutputs([...main.outputFiles, ...preload.outputFiles]);
  return [
    ...inputsOf(main.metafile),
    ...inputsOf(preload.metafile),
    ...filesUnder('renderer'),
    ...filesUnder('bridge'),
  ];
}

const BUILDERS = { node: buildNode, app: buildApp };

/** Our own source files a bundle was made from (dependencies are covered by package-lock.json). */
function inputsOf(metafile) {
  // A plugin's module (`namespace:path`) is made by this script, not read from a file.
  return Object.keys(metafile.inputs).filter(
    (file) => !file.includes('node_modules/') && !/^[a-z-]+:/.test(file),
  );
}

function filesUnder(folder) {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath ?? entry.path, entry.name)));
}

function writeOutputs(files) {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

function record(target, builtAt, inputs) {
  const file = join(OUT, `.build-${target}.json`);
  const always = ['package.json', 'package-lock.json', 'scripts/build.mjs', 'bin/compiled.js'];
  const unique = [...new Set([...inputs, ...always])].sort();
  writeOutputs([
    { path: file, contents: JSON.stringify({ version: 1, builtAt, inputs: unique }, null, 1) },
  ]);
}

async function withLock(work) {
  mkdirSync(OUT, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds the targets (all by default); with `ifStale`, only those whose sources changed. */
export async function buildTargets(targets = TARGETS, { ifStale = false } = {}) {
  return withLock(async () => {
    const built = [];
    for (const target of targets) {
      // Checked under the lock: another process may have built it while this one waited.
      if (ifStale && !isStale(target)) continue;
      // The time the build started: a source saved during the build makes the next run rebuild.
      const builtAt = Date.now();
      const inputs = await BUILDERS[target]();
      record(target, builtAt, inputs);
      built.push(target);
    }
    return built;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const ifStale = args.includes('--if-stale');
  const named = args.filter((arg) => !arg.startsWith('--'));
  const unknown = named.filter((name) => !TARGETS.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`build: unknown target ${unknown.join(', ')} (${TARGETS.join(', ')})\n`);
    process.exit(2);
  }
  const started = Date.now();
  const built = await buildTargets(named.length > 0 ? named : TARGETS, { ifStale });
  if (built.length > 0)
    process.stderr.write(
      `Built ${built.join(' and ')} into out/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
}
