import { describe, expect, it } from 'vitest';
import {
  foldFileName,
  fullFileName,
  naturalNameKey,
} from '../../../../engine/store/file-name-keys.ts';

describe('file-name keys', () => {
  it('folds composed and decomposed forms and case alike', () => {
    expect(foldFileName('CAFE\u0301')).toBe(foldFileName('caf\u00e9'));
    expect(fullFileName('report', 'pdf')).toBe('report.pdf');
    expect(fullFileName('notes', null)).toBe('notes');
  });

  it('orders digit runs by value, and the name before the extension', () => {
    const names: [string, string | null][] = [
      ['file10', 'txt'],
      ['File2', 'txt'],
      ['file1', 'txt'],
      ['file', null],
      ['report-draft', 'docx'],
      ['report', 'pdf'],
      ['v1.10', null],
      ['v1.9', null],
    ];
    const sorted = names
      .map(([name, ext]) => ({ name: fullFileName(name, ext), key: naturalNameKey(name, ext) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((entry) => entry.name);
    expect(sorted).toEqual([
      'file',
      'file1.txt',
      'File2.txt',
      'file10.txt',
      'report.pdf',
      'report-draft.docx',
      'v1.9',
      'v1.10',
    ]);
    // Leading zeros do not change a number's place.
    expect(naturalNameKey('file002', 'txt')).toBe(naturalNameKey('file2', 'txt'));
  });
});
