// One folder never holds two files of the same name: people could not tell them apart. A new
// file whose name is taken is kept as "name (2).ext" (the next free number), as file managers
// do. Names compare the way the engine's search folds them: Unicode NFC and case-insensitive,
// so "Report.pdf" and a decomposed "Repo\u0301rt.pdf" count as taken by their twins.

import { splitFileName } from './file-name.ts';
import { fitBytes } from './fit-name-bytes.ts';

/** Longest name the contract keeps (fileName 1–255, extension apart). */
const MAX_NAME = 255;

/** The form two names are compared in. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * `name` if free, else "base (n).ext" with the lowest free n ≥ 2 (continuing "base (4)"). The
 * base is shortened to keep the whole within 255 characters, or within `maxBytes` of UTF-8 for
 * a name on this computer's disk (fit-name-bytes.ts).
 */
export function uniqueFileName(
  name: string,
  taken: ReadonlySet<string>,
  options: { maxBytes?: number } = {},
): string {
  if (!taken.has(nameKey(name))) return name;
  const { fileName, extension } = splitFileName(name);
  const numbered = /^(.*) \((\d+)\)$/.exec(fileName);
  const base = numbered ? numbered[1]! : fileName;
  const suffix = extension ? `.${extension}` : '';
  for (let n = numbered ? Number(numbered[2]) + 1 : 2; ; n += 1) {
    const counter = ` (${n})`;
    const shortened = options.maxBytes
      ? fitBytes(base, options.maxBytes - Buffer.byteLength(counter + suffix, 'utf8'))
      : base.slice(0, MAX_NAME - counter.length);
    const candidate = `${shortened}${counter}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}
