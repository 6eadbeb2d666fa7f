// Text the CLI did not write — a file's name, an OAuth application's name — printed for a person:
// control and bidirectional-formatting characters come out as escapes (cli/printable.ts), so a
// name cannot retitle the terminal, write over a line, erase the scopes above a consent question
// or read backwards; --json keeps the exact name. A remote engine with local storage devices; run
// under scripts/with-keyring.sh.

import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { runCli, type CliEnvironment, ok } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { TamperProxy } from '../support/tamper-proxy.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

/** Sets the window title, returns to the line's start, breaks the line, then reads backwards. */
const HOSTILE = 'report\x1b]0;pwned\x07\r\nfake line\u202etxt.exe';
const HOSTILE_SHOWN = 'report\\e]0;pwned\\x07\\r\\nfake line\\u202etxt.exe';
/** Cursor up one line and erase it, three times: enough to hide the scope list. */
const ERASE_ABOVE = '\x1b[1A\x1b[2K'.repeat(3);
/** Anything a terminal acts on, other than the line breaks between the CLI's own lines. */
const ACTED_ON =
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
const cli = (args: readonly string[], input?: string) =>
  runCli(env, args, input === undefined ? {} : { input });

function expectInert(text: string): void {
  for (const line of text.split('\n')) expect(line).not.toMatch(ACTED_ON);
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'hostile');
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

describe('names from elsewhere, printed', () => {
  let token: string;

  it('put, ls and find show a file name’s control characters as escapes', async () => {
    await writeFile(join(env.cwd, HOSTILE), 'x');
    const put = ok(await cli(['put', HOSTILE]));
    expectInert(put.stdout);
    expectInert(put.stderr);
    expect(put.stdout).toContain(HOSTILE_SHOWN);
    token = put.stdout.split(/\s+/)[0]!;

    for (const args of [['ls'], ['find', 'fake']]) {
      const listed = ok(await cli(args));
      expectInert(listed.stdout);
      // One row for the one file: the name's line break did not start another.
      expect(listed.stdout.trim().split('\n')).toHaveLength(2);
      expect(listed.stdout).toContain(HOSTILE_SHOWN);
    }

    const { items } = JSON.parse(ok(await cli(['--json', 'ls'])).stdout) as {
      items: { fileName: string; extension: string }[];
    };
    expect(`${items[0]!.fileName}.${items[0]!.extension}`).toBe(HOSTILE);
  }, 60_000);

  it('a rename echoes the new name as escapes', async () => {
    const renamed = ok(await cli(['mv', token, '--name', `${ERASE_ABOVE}quiet.txt`]));
    expectInert(renamed.stdout);
    expect(renamed.stdout).toContain('\\e[1A\\e[2K\\e[1A\\e[2K\\e[1A\\e[2Kquiet.txt');
  }, 30_000);

  it('an error that repeats what was typed repeats it as escapes', async () => {
    const refused = await cli(['ls', '--sort', '\x1b[2Jname']);
    expect(refused.code).toBe(2);
    expectInert(refused.stderr);
    expect(refused.stderr).toContain('\\e[2Jname');
  }, 30_000);

  it('an application’s name from a hostile engine cannot erase the scope list above the consent question', async () => {
    // The engine refuses such a name at registration; a hostile engine can still send one.
    const proxy = await TamperProxy.start(engine.apiUrl);
    const base = join(engine.dir, 'through-proxy');
    const viaProxy: CliEnvironment = {
      configDir: join(base, 'config'),
      dataDir: join(base, 'data'),
      cwd: join(base, 'work'),
      keychainService: `privicore-vault-test-hostile-${randomBytes(4).toString('hex')}`,
    };
    await mkdir(viaProxy.cwd, { recursive: true });
    const run = (args: readonly string[], input?: string) =>
      runCli(viaProxy, args, input === undefined ? {} : { input });
    try {
      ok(
        await run(
          ['--engine', proxy.url, 'signup', uniqueName('hostile'), '--password-stdin'],
          PASSWORD,
        ),
      );
      const app = JSON.parse(
        ok(
          await run([
            '--json',
            'apps',
            'register',
            'Notes-app',
            '--redirect-uri',
            'http://127.0.0.1:8999/cb',
            '--scope',
            'profile:read',
          ]),
        ).stdout,
      ) as { clientId: string };
      const hostile = JSON.stringify(`Notes${ERASE_ABOVE}`).slice(1, -1);
      proxy.editJson = (body) => body.replaceAll('Notes-app', hostile);
      const declined = await run(
        ['authorize', app.clientId, '--nonce', 'n-hostile-1', '--scope', 'profile:read'],
        'n\n',
      );
      expect(declined.code).toBe(1);
      expectInert(declined.stderr);
      expect(declined.stderr).toContain('See your account id and its public key');
      expect(declined.stderr).toContain('“Notes\\e[1A\\e[2K');
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
