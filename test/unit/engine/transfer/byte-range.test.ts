import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../../engine/transfer/byte-range.ts';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=5-', { kind: 'partial', start: 5, end: 99 }],
    ['bytes=-10', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-1000', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=90-1000', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=99-99', { kind: 'partial', start: 99, end: 99 }],
    ['Bytes = 1-2', { kind: 'partial', start: 1, end: 2 }],
  ] as const)('%s of 100 bytes is a single range', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });

  it.each(['bytes=100-', 'bytes=100-200', 'bytes=-0'])(
    '%s of 100 bytes is unsatisfiable',
    (header) => {
      expect(parseRange(header, 100)).toEqual({ kind: 'unsatisfiable' });
    },
  );

  it.each([
    undefined,
    '',
    'bytes=0-1,5-6',
    'bytes=5-1',
    'bytes=-',
    'bytes=a-b',
    'items=0-1',
    'bytes 0-1',
    'bytes=0-1-2',
  ])('%s selects the whole body', (header) => {
    expect(parseRange(header, 100)).toEqual({ kind: 'full' });
  });
});
