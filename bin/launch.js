// Runs one of the compiled Node programs, building it first when it is missing or stale:
//   node bin/launch.js engine|storage-device|authenticator [ARGS...]
// (`npm run engine`, `npm run storage-device`, `npm run authenticator`). The program runs in this process, so signals
// sent to it reach it directly.
import process from 'node:process';
import { compiledPath, ensureBuilt } from './compiled.js';

const PROGRAMS = {
  engine: 'engine/main.mjs',
  'storage-device': 'engine/storage-device.mjs',
  authenticator: 'engine/authenticator.mjs',
};

const name = process.argv[2];
const entry = PROGRAMS[name];
if (!entry) {
  process.stderr.write(`usage: node bin/launch.js ${Object.keys(PROGRAMS).join('|')} [ARGS...]\n`);
  process.exit(2);
}
ensureBuilt('node');
// The program reads its own arguments from process.argv.slice(2).
process.argv.splice(2, 1);
await import(compiledPath(entry));
