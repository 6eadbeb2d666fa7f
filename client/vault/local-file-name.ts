// A vault file's name as a file name on this computer. The name comes from the engine, which
// may be hostile: "../../.bashrc" must not climb out of the folder the person chose, and a
// name must not hide control characters. Separators and control characters become "_", and
// names that mean a folder (".", "..", nothing) get a plain one.

// eslint-disable-next-line no-control-regex -- control characters are what this replaces
const UNSAFE = /[/\\\u0000-\u001f\u007f]/g;

export function localFileName(name: string): string {
  const safe = name.replace(UNSAFE, '_').trim();
  if (safe === '' || /^\.+$/.test(safe)) return 'file';
  return safe;
}
