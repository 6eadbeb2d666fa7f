// The CLI's exit codes, one per class of failure, so a script can tell "try again later" from
// "log in" from "that token does not exist" without parsing messages. The classes are data keyed
// by the contract's reason keys (and the client's `client.*` ones); the wording of each failure
// lives elsewhere (describe-error.ts). The README's table lists the same codes.

import { PrivicoreError } from '../client/privicore-error.ts';
import { IncompleteBatch } from './incomplete-batch.ts';
import { UsageError } from './usage-error.ts';

export type FailureClass =
  'failure' | 'usage' | 'notFound' | 'auth' | 'network' | 'integrity' | 'untrusted' | 'cancelled';

export const EXIT_OK = 0;

export const EXIT_CODES: Readonly<Record<FailureClass, number>> = {
  failure: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  network: 5,
  integrity: 6,
  // Not "try again later" (5): the same engine will present the same certificate.
  untrusted: 7,
  // As a shell reports a command ended by Ctrl-C (128 + SIGINT).
  cancelled: 130,
};

/** What each code means, in the order --help and the README list them. */
export const EXIT_CODE_MEANINGS: readonly (readonly [FailureClass | 'ok', string])[] = [
  ['ok', 'success'],
  ['failure', 'any other failure'],
  ['usage', 'the command line (or input the engine validated) is wrong'],
  ['notFound', 'no such token, device or local file'],
  ['auth', 'not logged in, session expired or revoked, wrong password, or no data key here'],
  ['network', 'the engine or its storage devices could not be reached; try again later'],
  ['integrity', 'the data failed its integrity check (altered or corrupt); nothing was released'],
  [
    'untrusted',
    "the engine's TLS certificate is not the pinned one, or not trusted; nothing was sent",
  ],
  ['cancelled', 'interrupted (Ctrl-C or SIGTERM)'],
];

/** Reason keys with a class of their own; every other key falls to the patterns below. */
const CLASS_BY_REASON: Readonly<Record<string, FailureClass>> = {
  'validation.failed': 'usage',
  'request.malformed': 'usage',
  'client.no_data_key': 'auth',
  'account.wrong_current_password': 'auth',
  'directory.forbidden': 'auth',
  'oauth.scope_denied': 'auth',
  'client.network': 'network',
  // The engine answered, then the download stopped short: try again later, like the network.
  'client.download_interrupted': 'network',
  'client.file_missing': 'notFound',
  'client.target_folder_missing': 'notFound',
  'client.target_not_file': 'usage',
  'client.target_is_folder': 'usage',
  'client.timeout': 'network',
  'client.closed': 'network',
  'server.error': 'network',
  'storage.unavailable': 'network',
  'storage.device_offline': 'network',
  'client.integrity': 'integrity',
  'client.tls_pin_mismatch': 'untrusted',
  'client.tls_untrusted': 'untrusted',
  'storage.no_intact_copy': 'integrity',
  'client.cancelled': 'cancelled',
  // The passphrase typed is too short: input to correct, as a bad command line is.
  'recovery.passphrase_short': 'usage',
  // An engine without the route is not a missing token.
  'route.not_found': 'failure',
};

const CLASS_BY_PATTERN: readonly (readonly [RegExp, FailureClass])[] = [
  [/^auth\./, 'auth'],
  [/[._]not_found$/, 'notFound'],
];

/** Local file errors (errno codes). */
const CLASS_BY_ERRNO: Readonly<Record<string, FailureClass>> = { ENOENT: 'notFound' };

export function failureClass(error: unknown): FailureClass {
  if (error instanceof UsageError) return 'usage';
  if (error instanceof IncompleteBatch) return error.failure;
  if (error instanceof PrivicoreError) {
    const exact = CLASS_BY_REASON[error.reason];
    if (exact) return exact;
    for (const [pattern, failure] of CLASS_BY_PATTERN)
      if (pattern.test(error.reason)) return failure;
    return 'failure';
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && CLASS_BY_ERRNO[code]) || 'failure';
}

export function exitCodeFor(error: unknown): number {
  return EXIT_CODES[failureClass(error)];
}

export function exitCode(failure: FailureClass | 'ok'): number {
  return failure === 'ok' ? EXIT_OK : EXIT_CODES[failure];
}
