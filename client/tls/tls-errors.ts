// TLS failures as the client's one error type: a certificate that is not the pinned one
// (`client.tls_pin_mismatch`, naming both fingerprints) and one no trusted authority vouches for
// while no pin is set (`client.tls_untrusted`). Neither ever falls back to anything: the request
// was not sent.

import { PrivicoreError } from '../privicore-error.ts';
import { PinMismatchError } from './pinned-agent.ts';

/** OpenSSL's and Node's codes for a certificate chain or name that does not verify. */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS failure inside an error (or its causes), as a PrivicoreError; undefined for any other. */
export function tlsError(error: unknown, apiUrl: string): PrivicoreError | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; depth += 1) {
    if (cause instanceof PinMismatchError) return pinMismatch(cause);
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED_CODES.has(code))
      return new PrivicoreError({
        status: 0,
        reason: 'client.tls_untrusted',
        message: `The engine at ${apiUrl} has a TLS certificate this computer cannot verify (${code}), and no pin was given for it. Nothing was sent.`,
        details: { engineUrl: apiUrl, problem: code },
        cause: error,
      });
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

export function pinMismatch(error: PinMismatchError): PrivicoreError {
  return new PrivicoreError({
    status: 0,
    reason: 'client.tls_pin_mismatch',
    message: error.message,
    details: { host: error.host, expected: error.expected, actual: error.actual },
    cause: error,
  });
}
