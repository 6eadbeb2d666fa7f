import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../../../renderer/model/device-words.ts';
import { displayName, nameForRename, shownName } from '../../../../renderer/model/display-name.ts';

describe('displayName', () => {
  it('puts the separately kept extension back on the name', () => {
    expect(displayName({ fileName: 'report', extension: 'pdf' })).toBe('report.pdf');
    expect(displayName({ fileName: 'README', extension: null })).toBe('README');
    expect(displayName({ fileName: 'photo.JPG', extension: 'jpg' })).toBe('photo.JPG');
  });
});

describe('names shown on screen', () => {
  it('show text-direction and control characters as escapes, so a name cannot pass for another', () => {
    const spoof = { fileName: 'photo\u202egnp', extension: 'exe' };
    expect(shownName(spoof)).toBe('photo\\u202egnp.exe');
    // The name itself, for fields and suggested download names, is left as it is.
    expect(displayName(spoof)).toBe('photo\u202egnp.exe');
    expect(shownName({ fileName: 'Résumé 履歴書', extension: 'pdf' })).toBe('Résumé 履歴書.pdf');
    expect(deviceLabel('Office PC\u202e\r\n')).toBe('Office PC\\u202e');
    expect(deviceLabel('Alice\u2066 laptop\u2069')).toBe('Alice\\u2066 laptop\\u2069');
    expect(deviceLabel('  ')).toBe('Unnamed device');
  });
});

describe('nameForRename', () => {
  it('drops the extension the file keeps, and nothing else', () => {
    expect(nameForRename(' final.pdf ', 'pdf')).toBe('final');
    expect(nameForRename('final', 'pdf')).toBe('final');
    expect(nameForRename('v1.2 draft', 'pdf')).toBe('v1.2 draft');
    expect(nameForRename('.pdf', 'pdf')).toBe('.pdf');
    expect(nameForRename('notes.txt', null)).toBe('notes.txt');
  });
});
