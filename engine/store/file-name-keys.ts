// How the engine compares file names for list-data-tokens: search (`q`) and the `fileName` sort.
// People search for the name the app shows, extension included ("report.pdf", ".pdf"), and type
// names in composed form while macOS file systems hand out decomposed ones (NFD), so both sides
// are folded alike: Unicode NFC, then lower case in every script (SQLite's own lower() folds
// ASCII only). The sort key orders runs of digits by their value, the way the app's folder tree
// and file managers do ("2" before "10").

/** The name as shown: `fileName` plus `.extension` when there is one. */
export function fullFileName(fileName: string, extension: string | null): string {
  return extension ? `${fileName}.${extension}` : fileName;
}

/** NFC and lower case: what a search compares. */
export function foldFileName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Digit runs longer than this compare as text beyond it; no file name needs more. */
const MAX_DIGITS = 999;

/**
 * A key whose plain (binary) order is natural order: the name, then the extension after a
 * separator below every printable character (so "report.pdf" comes before "report-draft.docx",
 * as in file managers), each digit run losing its leading zeros and getting its length in front,
 * zero-padded to three digits: "file2" → "file0012" sorts before "file10" → "file00210".
 * Leading zeros break no ties here ("2" and "02" key alike); the id order the query adds does.
 */
export function naturalNameKey(fileName: string, extension: string | null): string {
  const part = (text: string) =>
    foldFileName(text).replace(/\d+/g, (run) => {
      const value = run.replace(/^0+(?=\d)/, '').slice(0, MAX_DIGITS);
      return `${String(value.length).padStart(3, '0')}${value}`;
    });
  return extension ? `${part(fileName)}\u0001${part(extension)}` : part(fileName);
}
