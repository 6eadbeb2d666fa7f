// `get -o -` and `cat`: a stored file's plaintext on standard output, released only once the
// whole file has passed its GCM tag check. Until then it waits in a private spool
// (plaintext-spool.ts); a tampered or truncated download prints nothing at all.

import { pipeline } from 'node:stream/promises';
import { PrivicoreError } from '../client/privicore-error.ts';
import type { VaultSession } from '../client/session.ts';
import { PlaintextSpool } from './plaintext-spool.ts';
import { printable } from '../bridge/printable.ts';
import { createProgressBar } from './progress-bar.ts';

/** What --help says about it, for both commands. */
export const VERIFIED_STDOUT_HELP = [
  'Nothing reaches standard output until the whole file has been downloaded and its GCM tag has',
  'verified: the decrypted bytes wait in a private temporary file first (a folder of its own under',
  '$TMPDIR, mode 0700; the file 0600, sealed under a one-time key kept only in memory, removed',
  'afterwards, also on failure or Ctrl-C). $TMPDIR needs room for the whole file. A file that',
  'fails its check prints nothing and exits with code 6.',
];

export async function writeVerifiedToStdout(
  session: VaultSession,
  token: string,
  options: { signal: AbortSignal; quiet: boolean; stdout?: NodeJS.WritableStream },
): Promise<{ size: number }> {
  const stdout = options.stdout ?? process.stdout;
  const spool = await PlaintextSpool.create();
  try {
    const bar = createProgressBar(token, process.stderr, { quiet: options.quiet });
    let size: number;
    try {
      ({ size } = await session.retrieveInto(token, spool.writable(), {
        signal: options.signal,
        onProgress: (progress) => {
          // Contract §11: a policy may hold the request for a vote; say so rather than look stuck.
          if (progress.phase === 'held') {
            if (progress.hold && !options.quiet)
              process.stderr.write(
                `${printable(`${token.slice(0, 12)}…: awaiting approval by your authenticators (pool ${progress.hold.poolId}); waiting for the vote…`)}\n`,
              );
            return;
          }
          bar.update(progress.bytes, progress.total);
        },
      }));
    } finally {
      bar.finish();
    }
    await pipeline(spool.readable(), stdout, { signal: options.signal });
    return { size };
  } catch (error) {
    if (options.signal.aborted && !(error instanceof PrivicoreError))
      throw PrivicoreError.cancelled('Writing the file out');
    throw error;
  } finally {
    await spool.dispose();
  }
}
