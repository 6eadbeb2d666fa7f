import { errorWords, FIELD_WORDS } from '../../bridge/error-words.ts';

/** An error as the interface shows it: a sentence with what to do next, and per-field notes. */
export interface PlainError {
  message: string;
  reason: string | null;
  fields?: Record<string, string>;
  /** Facts main sent along (a certificate fingerprint to confirm). */
  details?: Record<string, string>;
}

export interface ErrorSituation {
  /** The engine address in use, to name it when it can't be reached. */
  engineUrl?: string | null;
}

const UNREACHABLE_REASONS = new Set([
  'client.network',
  'engine.unreachable',
  'network.unreachable',
  'network.error',
]);
const UNREACHABLE_WORDS =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN|unreachable|can[’']t reach|network error/i;

function field<T>(error: unknown, key: string): T | undefined {
  return typeof error === 'object' && error !== null && key in error
    ? ((error as Record<string, unknown>)[key] as T)
    : undefined;
}

/**
 * Turns whatever a bridge call rejected with into plain words. Main already words its errors
 * for people (client/describe-client-error.ts), so its message wins; the one exception is an
 * unreachable engine, named here by the address the person just typed, which main may not
 * know yet. `reason` and `fields` are read when present but never relied on: an Error that
 * crossed Electron's context bridge keeps only its message.
 */
export function describeError(error: unknown, situation: ErrorSituation = {}): PlainError {
  const reason = field<string | null>(error, 'reason') ?? null;
  const raw = field<unknown>(error, 'message');
  const message = typeof raw === 'string' ? raw.trim() : '';

  if ((reason && UNREACHABLE_REASONS.has(reason)) || (!reason && UNREACHABLE_WORDS.test(message))) {
    const url = situation.engineUrl;
    return {
      reason,
      message: url
        ? `Can't reach the engine at ${url}. Check the address and that it is running.`
        : "Can't reach the engine. Check that it is running, then try again.",
    };
  }

  const rawFields = field<Record<string, string[]>>(error, 'fields');
  const fields = rawFields
    ? Object.fromEntries(
        Object.entries(rawFields).map(([key, notes]) => [
          key,
          // The bridge's schema checks in words (zod's own words are for developers).
          FIELD_WORDS[key] ?? notes[0] ?? 'Check this field.',
        ]),
      )
    : undefined;

  const details = field<Record<string, string>>(error, 'details');
  if (details && reason === 'client.tls_untrusted') return { reason, message, details };

  if (fields && Object.keys(fields).length > 0) {
    const generic = !message || reason === 'bridge.invalid_input';
    return { reason, message: generic ? 'Some fields need a second look.' : message, fields };
  }
  if (message) return { reason, message };
  return {
    reason,
    // Main normally words its errors itself; these are for a reason that came without words.
    message: (reason && errorWords(reason, 'app')) || 'Something went wrong. Try again.',
  };
}
