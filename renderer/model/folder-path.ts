import { LIMITS } from '../../bridge/field-rules.ts';

const MAX_CONTEXT_LENGTH = LIMITS.contextMax;

export type FolderPathResult = { ok: true; context: string } | { ok: false; error: string };

// Characters the operating systems reject in file names, and control characters.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const FORBIDDEN = /[\u0000-\u001f\u007f\\:*?"<>|]/;

/**
 * Turns what a person typed into a folder context. A name without a leading "/" goes inside
 * `parent` ("2026" in "/finance" → "/finance/2026"); a leading "/" starts from the top.
 * Errors are sentences that say what to change.
 */
export function resolveFolderPath(input: string, parent: string | null): FolderPathResult {
  const typed = input.trim();
  if (typed.length === 0) return { ok: false, error: 'Enter a folder name.' };
  if (typed === '/') return { ok: true, context: '/' };
  const absolute = typed.startsWith('/');
  const segments = typed.split('/');
  if (absolute) segments.shift();
  if (segments.at(-1) === '') segments.pop();
  if (segments.some((segment) => segment.trim() === '')) {
    return { ok: false, error: `Folder names can't be empty. Remove the extra "/".` };
  }
  if (segments.some((segment) => segment !== segment.trim())) {
    return { ok: false, error: "Folder names can't start or end with a space." };
  }
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return { ok: false, error: 'Use a real folder name, not "." or "..".' };
  }
  if (segments.some((segment) => FORBIDDEN.test(segment))) {
    return {
      ok: false,
      error: `Folder names can't contain \\ : * ? " < > | or control characters.`,
    };
  }
  const base = absolute || !parent || parent === '/' ? '' : parent;
  const context = `${base}/${segments.join('/')}`;
  if (context.length > MAX_CONTEXT_LENGTH) {
    return {
      ok: false,
      error: `That path is too long. Keep it under ${MAX_CONTEXT_LENGTH} characters.`,
    };
  }
  return { ok: true, context };
}
