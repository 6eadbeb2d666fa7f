// A one-line transfer progress bar on stderr, redrawn at most ten times a second, and only when
// stderr is a terminal that takes control sequences (pipes, CI logs and TERM=dumb get none).

import { formatBytes } from './output.ts';
import { printable } from '../bridge/printable.ts';
import { isInteractive } from './terminal-style.ts';

const WIDTH = 24;
const REDRAW_MS = 100;

export interface ProgressBar {
  update(bytes: number, total: number | undefined): void;
  /** Clears the line. */
  finish(): void;
}

const SILENT: ProgressBar = { update: () => undefined, finish: () => undefined };

export function createProgressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  options: { quiet?: boolean; env?: NodeJS.ProcessEnv } = {},
): ProgressBar {
  if (options.quiet || !isInteractive(stream, options.env)) return SILENT;
  const started = Date.now();
  let drawn = 0;
  let shown = false;
  const safe = printable(label);
  const name = safe.length > 30 ? `…${safe.slice(-29)}` : safe;
  return {
    update(bytes, total) {
      const now = Date.now();
      if (now - drawn < REDRAW_MS && bytes !== total) return;
      drawn = now;
      const fraction = total ? Math.min(1, bytes / total) : 0;
      const filled = Math.round(fraction * WIDTH);
      const rate = bytes / Math.max(0.001, (now - started) / 1000);
      const bar =
        total === undefined
          ? ' '.repeat(WIDTH)
          : `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
      const percent =
        total === undefined ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}% `;
      stream.write(
        `\r\x1b[2K${name} [${bar}] ${percent}${formatBytes(bytes)} ${formatBytes(rate)}/s`,
      );
      shown = true;
    },
    finish() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
