// Secrets typed by a person (hidden, on the terminal) or piped by a script (--password-stdin).

import { createInterface } from 'node:readline';
import { printable } from '../bridge/printable.ts';
import { UsageError } from './usage-error.ts';

/** All of stdin, without one trailing newline. */
export async function readStdinSecret(what: string): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError(
      `--${what}-stdin needs the ${what} piped in, e.g. printf '%s' "$SECRET" | privicore-vault …`,
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`--${what}-stdin got nothing on stdin.`);
  return text;
}

/** Asks on the terminal without echoing what is typed. */
export async function promptHidden(question: string, what: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    throw new UsageError(`No terminal to ask for the ${what}: pipe it in with --${what}-stdin.`);
  }
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (text: string) => {
        for (const char of text) {
          if (char === '\r' || char === '\n') {
            input.off('data', onData);
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (char === '\u0003') {
            input.off('data', onData);
            process.stderr.write('\n');
            reject(new Error('Cancelled.'));
            return;
          }
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else if (char >= ' ') typed += char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}

/** From stdin when asked to, else prompted (twice when `confirm`, to catch typos). */
export async function readSecret(options: {
  what: 'password' | 'passphrase';
  fromStdin: boolean;
  confirm: boolean;
}): Promise<string> {
  if (options.fromStdin) return readStdinSecret(options.what);
  const label = options.what === 'password' ? 'Password' : 'Passphrase';
  const first = await promptHidden(`${label}: `, options.what);
  if (!options.confirm) return first;
  const second = await promptHidden(`Repeat the ${options.what}: `, options.what);
  if (first !== second) throw new UsageError(`The two ${options.what}s differ.`);
  return first;
}

/**
 * Asks for one line, typed at a terminal or piped in by a script; null when stdin ends (or the
 * run is cancelled) before a line comes. Visible, unlike promptHidden: it is for codes to compare.
 */
export async function promptLine(question: string, signal?: AbortSignal): Promise<string | null> {
  // Questions name devices and applications: shown, never acted on (printable.ts).
  process.stderr.write(printable(question));
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    return await new Promise<string | null>((resolve) => {
      lines.once('line', (line) => resolve(line));
      lines.once('close', () => resolve(null));
      signal?.addEventListener('abort', () => resolve(null), { once: true });
    });
  } finally {
    lines.close();
    process.stdin.pause();
  }
}

/** Whether a typed code is the expected one: digits compared, spaces and dashes ignored. */
export function sameCode(typed: string, expected: string): boolean {
  const digits = (text: string) => text.replace(/[\s-]/g, '');
  return digits(typed) !== '' && digits(typed) === digits(expected);
}
