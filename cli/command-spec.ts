import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './cli-context.ts';
import { UsageError } from './usage-error.ts';

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandArgs {
  positionals: string[];
  values: OptionValues;
}

/** One CLI command: its usage line, its own options, and what it does. */
export interface CommandSpec {
  name: string;
  /** After the program name, e.g. `put <files...> [--context C] [--path P]`. */
  synopsis: string | readonly string[];
  summary: string;
  /** More lines for `<command> --help`: what the options mean, what to expect. */
  details?: readonly string[];
  options?: NonNullable<ParseArgsConfig['options']>;
  /**
   * Reads only the engine's index (no file content moves, no key is used): the embedded engine
   * starts without its local storage devices, and the session holds only the token
   * (cli-context.ts ContextOptions).
   */
  indexOnly?: boolean;
  run(ctx: CliContext, args: CommandArgs): Promise<void>;
}

/** Checks the number of positional arguments of a command or subcommand. */
export function expectArgs(
  args: readonly string[],
  min: number,
  max: number,
  command: string,
  what: string,
): void {
  if (args.length < min) throw new UsageError(`${command}: missing ${what}.`, command);
  if (args.length > max)
    throw new UsageError(`${command}: unexpected argument "${args[max]}".`, command);
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number ≥ min from an option, or a usage error. */
export function integerOption(
  values: OptionValues,
  name: string,
  command: string,
  min: number,
  max: number,
): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${command}: --${name} must be a whole number from ${min} to ${max}, got "${text}".`,
      command,
    );
  }
  return value;
}
