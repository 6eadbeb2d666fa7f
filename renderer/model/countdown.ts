/** Whole seconds from `now` until `iso`, never below zero; zero when the time is not a date. */
export function secondsUntil(iso: string, now: number): number {
  const end = Date.parse(iso);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** "4:05" — minutes and seconds, as a countdown reads. */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return `${minutes}:${String(rest).padStart(2, '0')}`;
}

/** The countdown in words for a screen reader, which reads "4:05" poorly. */
export function describeCountdown(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole === 0) return 'Expired';
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  const parts: string[] = [];
  if (minutes > 0) parts.push(`${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`);
  if (rest > 0) parts.push(`${rest} ${rest === 1 ? 'second' : 'seconds'}`);
  return `Expires in ${parts.join(' ')}`;
}
