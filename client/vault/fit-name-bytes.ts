// File names on Linux, macOS and Windows file systems are at most 255 bytes (ext4, APFS, NTFS in
// UTF-16 units, which this bound also keeps). A vault file's name has no such limit, and a name
// that fits leaves no room for the hidden temporary name written beside it. These shorten a name
// to a number of UTF-8 bytes without splitting a character, keeping its extension.

/** Most bytes in one file name. */
export const NAME_MAX_BYTES = 255;
/** An extension longer than this is treated as part of the name when shortening. */
const EXTENSION_MAX = 16;

/** The longest start of `text` that is at most `maxBytes` bytes in UTF-8 (whole characters). */
export function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > maxBytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** `name` shortened to `maxBytes` (default 255), cutting the part before its extension. */
export function fitFileName(name: string, maxBytes = NAME_MAX_BYTES): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= EXTENSION_MAX ? name.slice(dot) : '';
  const stem = name.slice(0, name.length - extension.length);
  return fitBytes(stem, maxBytes - Buffer.byteLength(extension, 'utf8')) + extension;
}
