// The CLI's dispatcher: global flags, one command, its own flags; exit code 0 on success, 1 on
// failure, 2 on a command line it cannot run. Every failure prints exactly one line on stderr.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PrivicoreError } from '../client/privicore-error.ts';
import { CliContext, type GlobalFlags } from './cli-context.ts';
import { cliPaths } from './cli-paths.ts';
import type { CommandSpec } from './command-spec.ts';
import { loginCommand, logoutCommand, signupCommand, whoamiCommand } from './commands/account.ts';
import { devicesCommand } from './commands/devices.ts';
import {
  classifyCommand,
  getCommand,
  lsCommand,
  mvCommand,
  putCommand,
  rmCommand,
} from './commands/files.ts';
import { pairCommand, qrCommand } from './commands/pairing.ts';
import { recoveryCommand } from './commands/recovery.ts';
import { storageCommand } from './commands/storage.ts';
import { authenticatorsCommand, voteCommand, votesCommand } from './commands/authenticators.ts';
import { policiesCommand } from './commands/policies.ts';
import { votingCommand } from './commands/voting.ts';
import { describeError } from './describe-error.ts';
import { Output } from './output.ts';
import { UsageError } from './usage-error.ts';

const PROGRAM = 'privicore-vault';
const VERSION = '0.1.0';

const COMMANDS: readonly CommandSpec[] = [
  signupCommand,
  loginCommand,
  logoutCommand,
  whoamiCommand,
  putCommand,
  getCommand,
  lsCommand,
  mvCommand,
  classifyCommand,
  rmCommand,
  devicesCommand,
  storageCommand,
  qrCommand,
  pairCommand,
  recoveryCommand,
  authenticatorsCommand,
  votingCommand,
  policiesCommand,
  votesCommand,
  voteCommand,
];

const GLOBAL_OPTIONS = {
  engine: { type: 'string' },
  ws: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export async function runCli(argv: readonly string[], signal: AbortSignal): Promise<number> {
  try {
    const name = commandName(argv);
    const command = name === undefined ? undefined : COMMANDS.find((spec) => spec.name === name);
    if (name !== undefined && !command) {
      throw new UsageError(`unknown command "${name}".`);
    }
    const options = { ...GLOBAL_OPTIONS, ...command?.options };
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(
        `${command ? `${command.name}: ` : ''}${(error as Error).message.replace(/\. To specify.*$/s, '.')}`,
        command?.name,
      );
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const json = values['json'] === true;
    if (values['version'] === true && !command) {
      process.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    if (values['help'] === true || !command) {
      process.stdout.write(command ? commandHelp(command) : generalHelp());
      return command || values['help'] === true ? EXIT_OK : EXIT_USAGE;
    }
    const flags: GlobalFlags = {
      json,
      ...(typeof values['engine'] === 'string' ? { engine: values['engine'] } : {}),
      ...(typeof values['ws'] === 'string' ? { ws: values['ws'] } : {}),
    };
    const out = new Output(json);
    const ctx = await CliContext.create(out, cliPaths(), flags, signal);
    try {
      await command.run(ctx, { positionals: parsed.positionals.slice(1), values });
    } finally {
      await ctx.close();
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command ? `${PROGRAM} ${error.command} --help` : `${PROGRAM} --help`;
      process.stderr.write(`${PROGRAM}: ${error.message} (see ${help})\n`);
      return EXIT_USAGE;
    }
    if (error instanceof PrivicoreError && error.reason === 'client.cancelled') {
      process.stderr.write(`${PROGRAM}: cancelled.\n`);
      return EXIT_FAILURE;
    }
    process.stderr.write(`${PROGRAM}: ${describeError(error).replace(/\s*\n\s*/g, ' ')}\n`);
    if (process.env['PRIVICORE_VAULT_DEBUG'] && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}

/** The first argument that is neither an option nor the value of a global option. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (arg === '--engine' || arg === '--ws') {
      i += 1;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') return arg;
  }
  return undefined;
}

function synopses(command: CommandSpec): readonly string[] {
  return typeof command.synopsis === 'string' ? [command.synopsis] : command.synopsis;
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} [--engine URL] [--ws URL] [--json] <command> [arguments]`,
    '',
    'Files are encrypted on this machine before they leave it; the token, the private key and the',
    'data key live in the OS keychain. Without --engine the embedded engine runs for each command,',
    'with its data and three local storage devices under the user data folder.',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Global options:',
    '  --engine URL   the engine API (saved at signup/login; "embedded" for the embedded one)',
    '  --ws URL       the WebSocket channel, when not API URL + /ws',
    '  --json         one JSON document on stdout instead of text',
    '  -h, --help     help for the program or a command',
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
    '',
  ].join('\n');
}

function commandHelp(command: CommandSpec): string {
  return [
    ...synopses(command).map((line, i) => `${i === 0 ? 'Usage:' : '      '} ${PROGRAM} ${line}`),
    '',
    command.summary,
    '',
  ].join('\n');
}
