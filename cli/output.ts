// Everything the CLI prints to stdout goes through here: human text by default, exactly one JSON
// document with --json, only tokens (one a line) or nothing with --quiet. Diagnostics and
// progress go to stderr.

import { printable } from '../bridge/printable.ts';
import { displayWidth, padToWidth } from './display-width.ts';
import { PROGRAM } from './global-options.ts';
import { terminalStyle, type TerminalStyle } from './terminal-style.ts';

export interface OutputMode {
  /** --quiet: a command prints the tokens it made or listed, else nothing; no notes. */
  quiet?: boolean;
  /** How stdout is styled (plain unless it is a terminal that takes colour). */
  style?: TerminalStyle;
}

/** Text this program drew itself (a QR code's picture): printed as it is, colour codes and all. */
export class Drawn {
  constructor(readonly text: string) {}
}

export class Output {
  readonly quiet: boolean;
  readonly style: TerminalStyle;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
    mode: OutputMode = {},
  ) {
    this.quiet = mode.quiet === true;
    this.style = mode.style ?? terminalStyle(stdout as { isTTY?: boolean });
  }

  /**
   * The command's result: `human` lines, or `data` as one JSON document, or with --quiet only
   * `tokens`. Human lines and tokens go out printable (printable.ts); `heading` styles the first
   * line as a table's header.
   */
  result(
    human: string | readonly (string | Drawn)[],
    data: unknown,
    tokens: readonly string[] = [],
    options: { heading?: boolean } = {},
  ): void {
    if (this.json) this.stdout.write(`${JSON.stringify(data)}\n`);
    else if (this.quiet) {
      if (tokens.length > 0) this.stdout.write(`${tokens.map(printable).join('\n')}\n`);
    } else {
      const lines = (typeof human === 'string' ? [human] : human).map((line) =>
        line instanceof Drawn ? line.text : printable(line),
      );
      if (options.heading && lines.length > 0) lines[0] = this.style.heading(lines[0]!);
      if (lines.length > 0) this.stdout.write(`${lines.join('\n')}\n`);
    }
  }

  /** A note for people (never in --json output, not with --quiet): hints, warnings. */
  note(line: string): void {
    if (!this.quiet) this.stderr.write(`${printable(line)}\n`);
  }

  /**
   * One item of a batch failed and the batch goes on: said on stderr as the program's own
   * failures are, also with --quiet (a script must be able to see what was not done).
   */
  problem(line: string): void {
    const style = terminalStyle(this.stderr as { isTTY?: boolean });
    this.stderr.write(`${PROGRAM}: ${style.error(printable(line))}\n`);
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0
    ? `${value} B`
    : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}

/**
 * Left-aligned columns separated by two spaces, lined up by the columns a terminal draws (wide
 * and combining characters included); a header row first; cells printable.
 */
export function formatTable(
  header: readonly string[],
  given: readonly (readonly string[])[],
): string[] {
  const rows = given.map((row) => row.map(printable));
  const widths = header.map((title, column) =>
    Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : padToWidth(cell, widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `2026-11-26T21:40:00+00:00` → `2026-11-26 21:40`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').slice(0, 16);
}
