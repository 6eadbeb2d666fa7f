// One folder never holds two files of the same name: people could not tell them apart. A new
// file whose name is taken is kept as "name (2).ext" (the next free number), as file managers
// do. Names compare the way the engine's search folds them: Unicode NFC and case-insensitive,
// so "Report.pdf" and a decomposed "Repo\u0301rt.pdf" count as taken by their twins.

import { splitFileName } from './file-name.ts';

/** Longest name the contract keeps (fileName 1–255, extension apart). */
const MAX_NAME = 255;

/** The form two names are compared in. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** `name` if free, else "base (n).ext" with the lowest free n ≥ 2 (continuing "base (4)"). */
export function uniqueFileName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(nameKey(name))) return name;
  const { fileName, extension } = splitFileName(name);
  const numbered = /^(.*) \((\d+)\)$/.exec(fileName);
  const base = numbered ? numbered[1]! : fileName;
  const suffix = extension ? `.${extension}` : '';
  for (let n = numbered ? Number(numbered[2]) + 1 : 2; ; n += 1) {
    const counter = ` (${n})`;
    const candidate = `${base.slice(0, MAX_NAME - counter.length)}${counter}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}
