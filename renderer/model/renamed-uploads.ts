import type { Transfer } from '../../bridge/types.ts';

/**
 * The notice when uploads were kept under new names because their folder had a file of that
 * name already ("report.pdf is kept as report (2).pdf: /tax already has a file of that name.");
 * null when none was.
 */
export function describeRenamed(transfers: readonly Transfer[]): string | null {
  const renamed = transfers.filter((t) => t.renamedFrom !== null);
  if (renamed.length === 0) return null;
  const first = renamed[0]!;
  if (renamed.length === 1) {
    return `${first.renamedFrom} is kept as ${first.name}: ${first.context} already has a file of that name.`;
  }
  return `${renamed.length} files are kept under new names, such as ${first.name}, because their folders already have files of those names.`;
}
