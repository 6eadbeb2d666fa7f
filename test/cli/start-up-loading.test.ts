// What the compiled CLI loads before a command talks to an engine. In Node 20 the first touch of
// the globals fetch, FormData, Headers, Request or Response loads Node's bundled undici, which the
// CLI never uses (its HTTP goes through axios's http adapter and pinned agents): the build keeps
// axios from touching them as it loads (scripts/build.mjs). Not a timing test: it records which
// of those globals are read at all.

import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OUT } from '../support/compiled.ts';
import { tempDir } from '../support/engine.ts';

const root = tempDir('privicore-start-up-loading-');

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Reports on stderr each undici-backed global read, with where it was read from. */
const PROBE = `
for (const name of ['fetch', 'FormData', 'Headers', 'Request', 'Response']) {
  const original = Object.getOwnPropertyDescriptor(globalThis, name);
  if (!original) continue;
  Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: original.enumerable,
    get() {
      process.stderr.write('undici global read: ' + name + '\\n');
      return original.get ? original.get.call(this) : original.value;
    },
  });
}
`;

describe('the compiled CLI at start', () => {
  it('loads every command and the client library without touching the undici globals', async () => {
    const probe = join(root, 'probe.mjs');
    await writeFile(probe, PROBE);
    // `ls` with no profile loads the command list (every command, the client library) and the
    // session's modules, then stops at "not logged in" before any engine starts.
    const result = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(probe).href, join(OUT, 'cli', 'main.mjs'), 'ls'],
      {
        env: {
          ...process.env,
          PRIVICORE_VAULT_CONFIG_DIR: join(root, 'config'),
          PRIVICORE_VAULT_DATA_DIR: join(root, 'data'),
          NO_COLOR: '1',
        },
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toContain('not logged in');
    expect(result.stderr).not.toContain('undici global read');
  });
});
