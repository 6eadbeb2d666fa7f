// Text with a NUL character (U+0000) is refused at the door, whatever the endpoint: PostgreSQL
// cannot store it in a text column (the query fails, which would surface as a 500), SQLite and
// file names cut it short, and no contract field has a use for it. Checked on
// the query and the parsed body (form or JSON, every string and key at any depth).

const NUL = '\u0000';
/** Deeper than any field the contract has; a body nested further is not walked. */
const MAX_DEPTH = 32;

/** The first field holding a NUL in a key or a string (`a.b[2]`, a NUL shown as `\0`), or undefined. */
export function fieldWithNul(value: unknown, field = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? field || 'body' : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = fieldWithNul(item, `${field}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  // Parsed forms and JSON only: an upload's body is a stream, whose object graph (its socket,
  // the server, every connection) is no input to walk.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const name = field ? `${field}.${key}` : key;
    if (key.includes(NUL)) return name.replaceAll(NUL, '\\0');
    const found = fieldWithNul(item, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}
