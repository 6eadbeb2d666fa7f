import { formatDate } from './format-date.ts';

/**
 * "Just now", "5 minutes ago", "3 hours ago", then the date: how recently a device was seen.
 * Null means the engine never saw it.
 */
export function describeLastSeen(iso: string | null, now: number, locale?: string): string {
  if (!iso) return 'Never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  // A clock a little ahead of the engine's still reads as "just now", not "in 2 seconds".
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return 'Just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} ${hours === 1 ? 'hour' : 'hours'} ago`;
  return formatDate(iso, { ...(locale ? { locale } : {}) });
}
