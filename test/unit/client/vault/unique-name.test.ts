import { describe, expect, it } from 'vitest';
import { fitBytes, fitFileName } from '../../../../client/vault/fit-name-bytes.ts';
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

describe('names longer than a file system takes', () => {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

  it('shortens a name to 255 bytes before its extension, never splitting a character', () => {
    const long = `${'é'.repeat(200)}.pdf`; // 404 bytes
    const local = localFileName(long);
    expect(bytes(local)).toBeLessThanOrEqual(255);
    expect(local.endsWith('.pdf')).toBe(true);
    expect(local).toBe(`${'é'.repeat(125)}.pdf`);
    // Four-byte characters (an emoji): cut between characters, not inside one.
    const emoji = fitFileName(`${'\u{1F600}'.repeat(70)}.txt`);
    expect(bytes(emoji)).toBeLessThanOrEqual(255);
    expect(emoji).toBe(`${'\u{1F600}'.repeat(62)}.txt`);
    // No extension worth the name: the whole name is cut.
    expect(bytes(fitFileName(`${'x'.repeat(300)}.${'y'.repeat(40)}`))).toBe(255);
    expect(localFileName('short.txt')).toBe('short.txt');
  });

  it('numbers a taken local name within 255 bytes too, keeping the number', () => {
    const local = localFileName(`${'é'.repeat(200)}.pdf`); // 254 bytes once fitted
    const next = uniqueFileName(local, taken(local), { maxBytes: 255 });
    expect(bytes(next)).toBeLessThanOrEqual(255);
    expect(next).toBe(`${'é'.repeat(123)} (2).pdf`);
    // Without a byte bound (names for the engine, which counts characters) it is as before.
    expect(uniqueFileName(local, taken(local))).toBe(`${'é'.repeat(125)} (2).pdf`);
  });

  it('fits a prefix into a byte budget', () => {
    expect(fitBytes('abc', 2)).toBe('ab');
    expect(fitBytes('aé', 2)).toBe('a');
    expect(fitBytes('\u{1F600}', 3)).toBe('');
  });
});
