import { describe, expect, it } from 'vitest';
import { localFileName } from '../../../../client/vault/local-file-name.ts';
import { nameKey, uniqueFileName } from '../../../../client/vault/unique-name.ts';

const taken = (...names: string[]) => new Set(names.map(nameKey));

describe('uniqueFileName', () => {
  it('keeps a free name, numbers a taken one from 2, and keeps the extension', () => {
    expect(uniqueFileName('report.pdf', taken())).toBe('report.pdf');
    expect(uniqueFileName('report.pdf', taken('report.pdf'))).toBe('report (2).pdf');
    expect(uniqueFileName('report.pdf', taken('report.pdf', 'report (2).pdf'))).toBe(
      'report (3).pdf',
    );
    expect(uniqueFileName('notes', taken('notes'))).toBe('notes (2)');
    expect(uniqueFileName('.bashrc', taken('.bashrc'))).toBe('.bashrc (2)');
  });

  it('continues a number already there rather than adding a second one', () => {
    expect(uniqueFileName('report (2).pdf', taken('report (2).pdf'))).toBe('report (3).pdf');
  });

  it('compares names as people read them: case and composition aside', () => {
    expect(uniqueFileName('REPORT.PDF', taken('report.pdf'))).toBe('REPORT (2).PDF');
    expect(uniqueFileName('Cafe\u0301.txt', taken('Caf\u00e9.txt'))).toBe('Cafe\u0301 (2).txt');
  });

  it('stays within 255 characters', () => {
    const long = `${'a'.repeat(255)}`;
    const next = uniqueFileName(long, taken(long));
    expect(next.length).toBeLessThanOrEqual(255);
    expect(next.endsWith(' (2)')).toBe(true);
  });
});

describe('localFileName', () => {
  it('never lets a name climb out of its folder or hide control characters', () => {
    expect(localFileName('../../.bashrc')).toBe('.._.._.bashrc');
    expect(localFileName('a/b\\c')).toBe('a_b_c');
    expect(localFileName('bell\u0007.txt')).toBe('bell_.txt');
    expect(localFileName('..')).toBe('file');
    expect(localFileName('  ')).toBe('file');
    expect(localFileName('report.pdf')).toBe('report.pdf');
  });
});
