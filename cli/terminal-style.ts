// Colour and control sequences only for a person at a terminal: never into a pipe or a file,
// never with NO_COLOR set to anything (https://no-color.org), never on TERM=dumb.

export interface TerminalStyle {
  /** Red: the one-line error. */
  error(text: string): string;
  /** Bold: table headers. */
  heading(text: string): string;
}

const PLAIN: TerminalStyle = { error: (text) => text, heading: (text) => text };

const COLOURED: TerminalStyle = {
  error: (text) => `\x1b[31m${text}\x1b[39m`,
  heading: (text) => `\x1b[1m${text}\x1b[22m`,
};

/** Whether `stream` is a terminal that can take control sequences (cursor moves, erase line). */
export function isInteractive(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

export function colourEnabled(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return isInteractive(stream, env) && !env['NO_COLOR'];
}

export function terminalStyle(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): TerminalStyle {
  return colourEnabled(stream, env) ? COLOURED : PLAIN;
}
