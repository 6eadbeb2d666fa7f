import { describe, expect, it } from 'vitest';
import { formatProgress, formatSize } from '../../../../renderer/model/format-size.ts';

describe('formatSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [1024 * 1024 - 1, '1 MB'],
    [5.25 * 1024 * 1024, '5.3 MB'],
    [123.4 * 1024 ** 3, '123 GB'],
    [2 * 1024 ** 4, '2 TB'],
    [3 * 1024 ** 6, '3072 PB'],
  ])('%d bytes reads as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it('shows a dash for nonsense', () => {
    expect(formatSize(-1)).toBe('—');
    expect(formatSize(Number.NaN)).toBe('—');
  });
});

describe('formatProgress', () => {
  it('reads bytes of total and never passes the total', () => {
    expect(formatProgress(512 * 1024, 2 * 1024 * 1024)).toBe('512 KB of 2 MB');
    expect(formatProgress(3000, 2048)).toBe('2 KB of 2 KB');
    expect(formatProgress(100, 0)).toBe('100 bytes');
  });
});
