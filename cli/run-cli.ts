// The CLI's dispatcher: global flags, one command, its own flags; exit code 0 on success and one
// code per class of failure (exit-codes.ts). Every failure prints exactly one line on stderr.

import { parseArgs } from 'node:util';
import { PrivicoreError } from '../client/privicore-error.ts';
import type { GlobalFlags } from './cli-context.ts';
import type { CommandSpec } from './command-spec.ts';
import { EXIT_CODE_MEANINGS, EXIT_OK, exitCode, exitCodeFor } from './exit-codes.ts';
import { GLOBAL_OPTIONS, GLOBAL_VALUE_OPTIONS, PROGRAM, VERSION } from './global-options.ts';
import { printable } from '../bridge/printable.ts';
import { terminalStyle } from './terminal-style.ts';
import { UsageError } from './usage-error.ts';

// The command table, the client library and the engine load only when a command needs them, so
// `--version` starts as fast as Node does.

export async function runCli(argv: readonly string[], signal: AbortSignal): Promise<number> {
  try {
    const name = commandName(argv);
    if (name === undefined && argv.includes('--version') && globalsParse(argv)) {
      process.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    const { COMMANDS } = await import('./command-list.ts');
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
    const quiet = values['quiet'] === true;
    if (values['version'] === true && !command) {
      process.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    if (values['help'] === true || !command) {
      process.stdout.write(command ? commandHelp(command) : generalHelp(COMMANDS));
      return command || values['help'] === true ? EXIT_OK : exitCode('usage');
    }
    if (json && quiet)
      throw new UsageError('--json and --quiet do not go together; choose one.', command.name);
    const flags: GlobalFlags = {
      json,
      insecureHttp: values['insecure-http'] === true,
      ...(typeof values['engine'] === 'string' ? { engine: values['engine'] } : {}),
      ...(typeof values['pin'] === 'string' ? { pin: values['pin'] } : {}),
      ...(typeof values['ws'] === 'string' ? { ws: values['ws'] } : {}),
    };
    const [{ Output }, { CliContext }, { cliPaths }] = await Promise.all([
      import('./output.ts'),
      import('./cli-context.ts'),
      import('./cli-paths.ts'),
    ]);
    const out = new Output(json, process.stdout, process.stderr, { quiet });
    const ctx = await CliContext.create(out, cliPaths(), flags, signal, {
      indexOnly: command.indexOnly === true,
    });
    try {
      await command.run(ctx, { positionals: parsed.positionals.slice(1), values });
    } finally {
      await ctx.close();
    }
    return EXIT_OK;
  } catch (error) {
    // The reader of standard output went away (`… | head`): what it read is what it wanted.
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return EXIT_OK;
    const style = terminalStyle(process.stderr);
    const fail = (line: string) =>
      process.stderr.write(`${PROGRAM}: ${style.error(printable(line))}\n`);
    if (error instanceof UsageError) {
      const help = error.command ? `${PROGRAM} ${error.command} --help` : `${PROGRAM} --help`;
      fail(`${error.message} (see ${help})`);
    } else if (error instanceof PrivicoreError && error.reason === 'client.cancelled') {
      fail('cancelled.');
    } else {
      const { describeError } = await import('./describe-error.ts');
      fail(describeError(error).replace(/\s*\n\s*/g, ' '));
      if (process.env['PRIVICORE_VAULT_DEBUG'] && error instanceof Error && error.stack)
        process.stderr.write(`${error.stack}\n`);
    }
    return exitCodeFor(error);
  }
}

/** Whether the arguments are global options only (a bad one is reported the usual way). */
function globalsParse(argv: readonly string[]): boolean {
  try {
    parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, strict: true });
    return true;
  } catch {
    return false;
  }
}

/** The first argument that is neither an option nor the value of a global option. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (GLOBAL_VALUE_OPTIONS.has(arg)) {
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

function generalHelp(COMMANDS: readonly CommandSpec[]): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} [--engine URL] [--pin sha256:…] [--ws URL] [--insecure-http] [--json | --quiet] <command> [arguments]`,
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
    '  --pin sha256:… the key fingerprint of the engine\'s TLS certificate (its "tlsPin"); saved',
    '                 per engine, so later runs check it without the option',
    '  --ws URL       the WebSocket channel, when not API URL + /ws',
    '  --insecure-http  allow a plain-http engine on another machine (a LAN test setup only:',
    '                 the password and tokens cross the network unencrypted)',
    '  --json         one JSON document on stdout instead of text',
    '  -q, --quiet    only the tokens a command made or listed, one a line (or nothing); no notes',
    '  -h, --help     help for the program or a command',
    '',
    'Progress bars and colour appear only on a terminal; NO_COLOR=1 turns colour off.',
    '',
    'Exit codes:',
    ...EXIT_CODE_MEANINGS.map(
      ([failure, meaning]) => `  ${String(exitCode(failure)).padStart(3)}  ${meaning}`,
    ),
    '',
  ].join('\n');
}

function commandHelp(command: CommandSpec): string {
  return [
    ...synopses(command).map((line, i) => `${i === 0 ? 'Usage:' : '      '} ${PROGRAM} ${line}`),
    '',
    command.summary,
    ...(command.details && command.details.length > 0 ? ['', ...command.details] : []),
    '',
  ].join('\n');
}
