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

/** Words for when main sent a reason but no message; main normally words its errors itself. */
const BY_REASON: Record<string, string> = {
  'auth.invalid_credentials': "That username and password don't match. Check them and try again.",
  'profile.username_taken': "That username is taken. Choose another, or sign in if it's yours.",
  'auth.rate_limited': 'Too many attempts in a row. Wait a minute, then try again.',
  'auth.invalid_token': 'Your session has ended. Sign in again to continue.',
  'auth.missing_token': 'Your session has ended. Sign in again to continue.',
  'data_token.not_found':
    "That file is no longer in the vault. Refresh the list to see what's there.",
  'data_token.too_large': 'That file is larger than this engine accepts.',
  'storage.unavailable':
    'No storage device holding this file is online. Bring one online, then try again.',
  'storage.no_intact_copy':
    'No storage device has an intact copy of this file right now. Try again once more devices are online.',
  'storage.device_offline': 'A storage device is offline. Bring it online, then try again.',
  'storage.none_registered': "This vault has no storage devices yet, so files can't be stored.",
  'request.too_large':
    'That is more than the engine accepts in one go. Try fewer or smaller files.',
};

const UNREACHABLE_REASONS = new Set([
  'client.network',
  'engine.unreachable',
  'network.unreachable',
  'network.error',
]);
const UNREACHABLE_WORDS =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN|unreachable|can[’']t reach|network error/i;

/** Field notes from the bridge's schema checks, in words (zod's own words are for developers). */
const FIELD_WORDS: Record<string, string> = {
  username: 'Use 3 to 254 characters.',
  password: 'Use at least 10 characters.',
  apiUrl: 'Enter a full address starting with http:// or https://.',
  fileName: 'Use 1 to 255 characters.',
  context: 'Folder paths start with "/" and have at most 1024 characters.',
};

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
  return { reason, message: (reason && BY_REASON[reason]) || 'Something went wrong. Try again.' };
}
