import type { BulkOutcome } from '../store/files.ts';

const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;

/**
 * "Moved 3 files." or "Moved 2 files; 1 couldn't be moved. report.pdf: There is already…":
 * what an action over several files did, naming the first file it could not do and why.
 */
export function describeBulk(outcome: BulkOutcome, verb: string): string {
  const capital = `${verb[0]!.toUpperCase()}${verb.slice(1)}`;
  if (outcome.failed.length === 0) return `${capital} ${files(outcome.done)}.`;
  const first = outcome.failed[0]!;
  const more = outcome.failed.length > 1 ? ` (and ${outcome.failed.length - 1} more)` : '';
  const head =
    outcome.done === 0
      ? `No file could be ${verb}.`
      : `${capital} ${files(outcome.done)}; ${outcome.failed.length} couldn't be ${verb}.`;
  return `${head} ${first.name}: ${first.message}${more}`;
}
