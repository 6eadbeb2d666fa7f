/** Percentile over a sorted copy (nearest-rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** [lowest, highest], rounded. */
export function spread(values: readonly number[], digits = 2): [number, number] {
  return [round(Math.min(...values), digits), round(Math.max(...values), digits)];
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** `--samples N`: at least three, so a median means something. */
export function sampleCount(value: string | undefined): number {
  const samples = Number(value ?? 3);
  if (!Number.isInteger(samples) || samples < 3)
    throw new Error(`--samples must be a whole number ≥ 3, got ${value}`);
  return samples;
}
