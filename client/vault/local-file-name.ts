// A vault file's name as a file name on this computer. The name comes from the engine, which
// may be hostile: "../../.bashrc" must not climb out of the folder the person chose, and a
// name must not hide control characters. Separators and control characters become "_", and
// names that mean a folder (".", "..", nothing) get a plain one. A name longer than a file
// system takes (255 bytes) is shortened before its extension.

import { fitFileName } from './fit-name-bytes.ts';

// eslint-disable-next-line no-control-regex -- control characters are what this replaces
const UNSAFE = /[/\\\u0000-\u001f\u007f]/g;

export function localFileName(name: string): string {
  const safe = fitFileName(name.replace(UNSAFE, '_').trim());
  if (safe === '' || /^\.+$/.test(safe)) return 'file';
  return safe;
}
