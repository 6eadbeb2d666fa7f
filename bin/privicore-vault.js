#!/usr/bin/env -S node --max-semi-space-size=1
// Runs the TypeScript CLI without a build step: tsx compiles cli/ and client/ as they load.
//
// --max-semi-space-size=1 (MiB) keeps V8's young generation small. A transfer allocates a
// short-lived buffer wrapper per chunk; with the default the young generation grows to tens of MiB
// of them between collections, which is most of the CLI's peak memory in `put -` and `cat`
// (measured: ~158 MB peak RSS for 200 MiB, ~125 MB with the flag, same speed). npm's Windows
// shims read the same line (env -S is understood there too).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
