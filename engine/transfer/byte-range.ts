/**
 * The Range request header as contract §7 download takes it (RFC 9110 §14.1.2): one range
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` selects part of the representation; several ranges, a
 * syntactically invalid header or another unit select all of it (a server may ignore a Range
 * it does not serve); a valid single range that starts at or past the end is unsatisfiable.
 */
export type ByteRange =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SPEC = /^(\d*)-(\d*)$/;

export function parseRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'full' };
  const match = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!match) return { kind: 'full' };
  const specs = match[1]!.split(',').map((spec) => spec.trim());
  if (specs.length !== 1) return { kind: 'full' };
  const parts = SPEC.exec(specs[0]!);
  if (!parts || (parts[1] === '' && parts[2] === '')) return { kind: 'full' };
  const [first, last] = [parts[1]!, parts[2]!];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
