#!/usr/bin/env -S node --max-semi-space-size=1
// The privicore-vault executable: runs the compiled CLI (out/cli/main.mjs), building it first when
// it is missing or its sources changed (bin/compiled.js).
//
// --max-semi-space-size=1 (MiB) keeps V8's young generation small. A transfer allocates a
// short-lived buffer wrapper per chunk; with the default the young generation grows to tens of MiB
// of them between collections, which is most of the CLI's peak memory in `put -` and `cat`
// (measured: ~158 MB peak RSS for 200 MiB, ~125 MB with the flag, same speed). npm's Windows
// shims read the same line (env -S is understood there too).
import { compiledPath, ensureBuilt } from './compiled.js';

ensureBuilt('node');
await import(compiledPath('cli/main.mjs'));
