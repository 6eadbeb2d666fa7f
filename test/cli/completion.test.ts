// `privicore-vault completion bash|zsh|fish`: each script loads in its shell with the program on
// the PATH, as the README says to load it, and offers the right words. bash and zsh run the
// completion function on a given command line; fish answers `complete -C` itself.
// Needs bash, zsh and fish (.ci/run installs them).

import { execFile } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli-runner.ts';
import { tempDir } from '../support/engine.ts';

const run = promisify(execFile);

const COMMANDS = [
  'signup',
  'login',
  'logout',
  'whoami',
  'put',
  'get',
  'cat',
  'ls',
  'find',
  'mv',
  'classify',
  'rm',
  'devices',
  'storage',
  'qr',
  'pair',
  'recovery',
  'apps',
  'authorize',
  'authenticators',
  'voting',
  'policies',
  'votes',
  'vote',
  'org',
  'completion',
];

let root: string;
let shellEnv: NodeJS.ProcessEnv;
/** Each script, printed once: the loading tests run the program, the rest source these. */
const scripts: Record<string, string> = {};

beforeAll(async () => {
  root = tempDir('privicore-completion-');
  const bin = join(root, 'bin');
  await mkdir(bin);
  await symlink(CLI, join(bin, 'privicore-vault'));
  shellEnv = {
    ...process.env,
    PATH: [bin, dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
    PRIVICORE_VAULT_CONFIG_DIR: join(root, 'config'),
    PRIVICORE_VAULT_DATA_DIR: join(root, 'data'),
    HOME: root,
    XDG_CONFIG_HOME: join(root, 'xdg'),
  };
  for (const name of ['bash', 'zsh', 'fish']) {
    scripts[name] = join(root, `completion.${name}`);
    const { stdout } = await shell(process.execPath, [CLI, 'completion', name]);
    await writeFile(scripts[name], stdout);
  }
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function shell(
  program: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  const completion = scripts[program];
  return run(program, args, {
    env: { ...shellEnv, ...(completion ? { COMPLETION: completion } : {}) },
    cwd: root,
    timeout: 60_000,
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('bash', () => {
  /** The words bash would offer for `line` (the last word is the one being completed). */
  async function complete(line: readonly string[]): Promise<string[]> {
    const { stdout, stderr } = await shell('bash', [
      '-c',
      'source "$COMPLETION" || exit 9; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _privicore_vault; printf "%s\\n" "${COMPREPLY[@]}"',
      'bash',
      'privicore-vault',
      ...line,
    ]);
    expect(stderr).toBe('');
    return lines(stdout);
  }

  it('loads with source <(privicore-vault completion bash) and registers itself', async () => {
    const { stdout, stderr } = await shell('bash', [
      '-c',
      'source <(privicore-vault completion bash) && complete -p privicore-vault',
    ]);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('complete -o default -F _privicore_vault privicore-vault');
  });

  it('completes commands, options, their values and actions', async () => {
    expect(await complete(['de'])).toEqual(['devices']);
    expect(await complete(['c'])).toEqual(['cat', 'classify', 'completion']);
    expect(await complete([''])).toEqual(COMMANDS);
    expect(await complete(['--engine', 'http://127.0.0.1:9009', 'st'])).toEqual(['storage']);
    expect(await complete(['--q'])).toEqual(['--quiet']);
    expect(await complete(['ls', '--so'])).toEqual(['--sort']);
    expect(await complete(['ls', '--sort', ''])).toEqual(['name', 'size', 'created']);
    expect(await complete(['find', 'x', '--order', 'd'])).toEqual(['desc']);
    expect(await complete(['devices', ''])).toEqual([
      'list',
      'approve',
      'reject',
      'rename',
      'remove',
    ]);
    expect(await complete(['storage', 'a'])).toEqual(['add-local', 'add-remote']);
    // A command added to the table completes with no change to the scripts (org, issue 12).
    expect(await complete(['org', 'a'])).toEqual([
      'add-user',
      'accept',
      'add-device',
      'add-storage',
    ]);
    expect(await complete(['org', 'invite', 'bob', '--role', ''])).toEqual(['member', 'admin']);
    expect(await complete(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    // Where nothing more specific applies, bash completes file names (complete -o default).
    expect(await complete(['devices', 'approve', ''])).toEqual([]);
    expect(await complete(['get', 'D-x', '-o', ''])).toEqual([]);
    expect(await complete(['put', ''])).toEqual([]);
  });
});

describe('zsh', () => {
  it('loads after compinit and registers itself for privicore-vault', async () => {
    const { stdout, stderr } = await shell('zsh', [
      '-fc',
      'autoload -Uz compinit && compinit -u -d "$HOME/zcompdump" && source <(privicore-vault completion zsh) && print -r -- $_comps[privicore-vault]',
    ]);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('_privicore_vault');
  });

  /**
   * The candidates the completion function hands to zsh for `line`: compadd, _describe and _files
   * are replaced by functions that print what they were given (zsh filters by prefix itself).
   */
  async function candidates(line: readonly string[]): Promise<string[]> {
    const { stdout } = await shell('zsh', [
      '-fc',
      [
        'source "$COMPLETION" 2>/dev/null',
        'compadd() { print -rl -- "${@[${@[(i)--]}+1,-1]}" }',
        '_describe() { local name=${@[-1]}; print -rl -- ${${(P)name}%%:*} }',
        '_files() { print -r -- "<files>" }',
        'words=(privicore-vault "$@"); CURRENT=${#words}',
        '_privicore_vault',
      ].join('\n'),
      'zsh',
      ...line,
    ]);
    return lines(stdout);
  }

  it('offers commands, options, their values and actions', async () => {
    expect(await candidates([''])).toEqual(COMMANDS);
    expect(await candidates(['--engine', 'http://127.0.0.1:9009', ''])).toEqual(COMMANDS);
    expect(await candidates(['-'])).toEqual([
      '--engine',
      '--ws',
      '--pin',
      '--insecure-http',
      '--json',
      '--quiet',
      '-q',
      '--help',
      '-h',
      '--version',
    ]);
    expect(await candidates(['ls', '--sort', ''])).toEqual(['name', 'size', 'created']);
    expect(await candidates(['devices', ''])).toEqual([
      'list',
      'approve',
      'reject',
      'rename',
      'remove',
    ]);
    expect(await candidates(['ls', '--'])).toContain('--search');
    expect(await candidates(['put', ''])).toEqual(['<files>']);
    expect(await candidates(['devices', 'approve', ''])).toEqual(['<files>']);
  });
});

describe('fish', () => {
  async function complete(line: string): Promise<string[]> {
    const { stdout, stderr } = await shell('fish', [
      '--no-config',
      '-c',
      `source "$COMPLETION"; complete -C ${JSON.stringify(line)}`,
    ]);
    expect(stderr).toBe('');
    return lines(stdout).map((entry) => entry.split('\t')[0]!);
  }

  it('loads with `privicore-vault completion fish | source`', async () => {
    const { stdout, stderr } = await shell('fish', [
      '--no-config',
      '-c',
      'privicore-vault completion fish | source; and complete -C "privicore-vault de"',
    ]);
    expect(stderr).toBe('');
    expect(stdout.split('\t')[0]).toBe('devices');
  });

  it('completes commands, options, their values and actions', async () => {
    expect(await complete('privicore-vault de')).toEqual(['devices']);
    expect(await complete('privicore-vault --engine http://127.0.0.1:9009 st')).toEqual([
      'storage',
    ]);
    expect(await complete('privicore-vault ls --sort ')).toEqual(['created', 'name', 'size']);
    expect(await complete('privicore-vault ls --sea')).toEqual(['--search']);
    expect(await complete('privicore-vault devices ')).toEqual(
      expect.arrayContaining(['list', 'approve', 'reject', 'rename', 'remove']),
    );
    expect(await complete('privicore-vault completion ')).toEqual(
      expect.arrayContaining(['bash', 'zsh', 'fish']),
    );
    expect(await complete('privicore-vault devices approve ')).not.toContain('approve');
  });
});
