/**
 * Prints the one stdout line an engine process writes once it is ready. The line is for whoever
 * started the process; when that parent has gone away (EPIPE) the process carries on rather than
 * die of an unhandled stream error.
 */
export function printReadyLine(fields: Record<string, unknown>): void {
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', () => undefined);
  process.stdout.write(`${JSON.stringify({ event: 'ready', ...fields })}\n`);
}
