// The program's name, version and the options every command takes. Kept apart from the command
// table so `privicore-vault --version` loads nothing else.

import type { ParseArgsConfig } from 'node:util';

export const PROGRAM = 'privicore-vault';
export const VERSION = '0.1.0';

export const GLOBAL_OPTIONS = {
  engine: { type: 'string' },
  ws: { type: 'string' },
  pin: { type: 'string' },
  'insecure-http': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Global options that take a value: the word after them is no command name. */
export const GLOBAL_VALUE_OPTIONS = new Set(
  Object.entries(GLOBAL_OPTIONS)
    .filter(([, option]) => option.type === 'string')
    .map(([name]) => `--${name}`),
);
