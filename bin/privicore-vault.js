#!/usr/bin/env node
// Runs the TypeScript CLI without a build step: tsx compiles cli/ and client/ as they load.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
