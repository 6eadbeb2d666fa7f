import { printable } from '../../bridge/printable.ts';
import type { FileItem } from '../../bridge/types.ts';

/**
 * The name people see: the engine keeps the extension apart from the name ("report" + "pdf"),
 * so it is put back here. A name that already ends with its extension is left alone.
 */
export function displayName(file: Pick<FileItem, 'fileName' | 'extension'>): string {
  const { fileName, extension } = file;
  if (!extension) return fileName;
  const suffix = `.${extension}`;
  return fileName.toLowerCase().endsWith(suffix.toLowerCase()) ? fileName : `${fileName}${suffix}`;
}

/**
 * The name as shown on screen: displayName with its control and text-direction characters as
 * escapes (bridge/printable.ts), so "photo\u202Egnp.exe" cannot pass for a picture. Fields,
 * comparisons and suggested download names keep displayName.
 */
export function shownName(file: Pick<FileItem, 'fileName' | 'extension'>): string {
  return printable(displayName(file));
}

/**
 * What a rename sends as `fileName`: the typed name without the extension the file keeps
 * (people often type "notes.txt" when the extension is "txt").
 */
export function nameForRename(typed: string, extension: string | null): string {
  const name = typed.trim();
  if (!extension) return name;
  const suffix = `.${extension}`;
  return name.length > suffix.length && name.toLowerCase().endsWith(suffix.toLowerCase())
    ? name.slice(0, -suffix.length)
    : name;
}
