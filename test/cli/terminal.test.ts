// What a person at a terminal sees and a script does not: colour and a progress bar on a
// terminal (a real pseudo-terminal from util-linux `script`), none of either in a pipe, no colour
// with NO_COLOR, no bar with --quiet. Run under scripts/with-keyring.sh.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { CLI, runCli, type CliEnvironment } from '../support/cli-runner.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

const run = promisify(execFile);
const ESC = String.fromCharCode(0x1b);
/** Select Graphic Rendition: colour and weight. */
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`);
const ERASE_LINE = '\r\x1b[2K';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with stdin, stdout and stderr on one pseudo-terminal; returns what it showed. */
async function onTerminal(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  try {
    const { stdout } = await run('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: env.cwd,
      env: {
        ...process.env,
        SHELL: '/bin/sh',
        TERM: 'xterm',
        PRIVICORE_VAULT_CONFIG_DIR: env.configDir,
        PRIVICORE_VAULT_DATA_DIR: env.dataDir,
        PRIVICORE_VAULT_KEYCHAIN_SERVICE: env.keychainService,
        NO_COLOR: '',
        ...extraEnv,
      },
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, screen: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, screen: failed.stdout ?? '' };
  }
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'terminal');
  await writeFile(join(env.cwd, 'eight.bin'), randomBytes(8 * 1024 * 1024));
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

describe('on a terminal', () => {
  it('colours the error line, unless NO_COLOR is set', async () => {
    const coloured = await onTerminal(['ls', '--sort', 'bogus']);
    expect(coloured.code).toBe(2);
    expect(coloured.screen).toContain('\x1b[31mls: --sort must be name, size or created');
    const plain = await onTerminal(['ls', '--sort', 'bogus'], { NO_COLOR: '1' });
    expect(plain.code).toBe(2);
    expect(plain.screen).toContain('ls: --sort must be name, size or created');
    expect(plain.screen).not.toMatch(SGR);
  }, 120_000);

  it('draws a progress bar, unless --quiet', async () => {
    const shown = await onTerminal(['put', 'eight.bin', '--context', '/tty']);
    expect(shown.code).toBe(0);
    expect(shown.screen).toContain(`${ERASE_LINE}eight.bin [`);
    expect(shown.screen).toMatch(/100% 8\.00 MiB/);
    const quiet = await onTerminal(['-q', 'put', 'eight.bin', '--context', '/tty']);
    expect(quiet.code).toBe(0);
    expect(quiet.screen).not.toContain('\x1b');
    expect(quiet.screen.trim()).toMatch(/^D-[A-Za-z0-9_-]{43}$/);
  }, 120_000);

  it('sets table headers in bold, unless NO_COLOR is set', async () => {
    const bold = await onTerminal(['ls', '--context', '/tty']);
    expect(bold.code).toBe(0);
    expect(bold.screen).toMatch(new RegExp(`${ESC}\\[1mTOKEN\\s+NAME`));
    const plain = await onTerminal(['ls', '--context', '/tty'], { NO_COLOR: 'yes' });
    expect(plain.screen).toMatch(/^TOKEN\s+NAME/m);
    expect(plain.screen).not.toMatch(SGR);
  }, 120_000);
});

describe('in a pipe', () => {
  it('prints no control characters at all: no colour, no progress bar', async () => {
    const failed = await runCli(env, ['ls', '--sort', 'bogus']);
    expect(failed.code).toBe(2);
    const stored = await runCli(env, ['put', 'eight.bin', '--context', '/pipe']);
    expect(stored.code).toBe(0);
    const listed = await runCli(env, ['ls']);
    for (const output of [failed, stored, listed])
      expect(output.stdout + output.stderr).not.toMatch(new RegExp(`[${ESC}\r]`));
  }, 120_000);
});
