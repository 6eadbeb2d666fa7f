const UNITS = ['KB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Bytes in human units. Powers of 1024 with the familiar KB/MB labels, as Windows Explorer and
 * most file managers people know show them; one decimal below 10 units, none above.
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Round first so 1023.96 KB becomes "1 MB", not "1024 KB".
  if (Number(value.toFixed(value < 10 ? 1 : 0)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  const text = value.toFixed(digits).replace(/\.0$/, '');
  return `${text} ${UNITS[unit]}`;
}

/** "1.2 MB of 4 MB" for a transfer, or just the bytes when the total is unknown. */
export function formatProgress(bytes: number, total: number): string {
  if (total <= 0) return formatSize(bytes);
  return `${formatSize(Math.min(bytes, total))} of ${formatSize(total)}`;
}
