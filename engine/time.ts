// Contract §1.3: timestamps are ISO-8601 UTC, whole seconds, offset `+00:00`.
export function isoSeconds(at: Date | number): string {
  const date = typeof at === 'number' ? new Date(at) : at;
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
