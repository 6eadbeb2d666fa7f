import { describe, expect, it } from 'vitest';
import { displayName, nameForRename } from '../../../../renderer/model/display-name.ts';

describe('displayName', () => {
  it('puts the separately kept extension back on the name', () => {
    expect(displayName({ fileName: 'report', extension: 'pdf' })).toBe('report.pdf');
    expect(displayName({ fileName: 'README', extension: null })).toBe('README');
    expect(displayName({ fileName: 'photo.JPG', extension: 'jpg' })).toBe('photo.JPG');
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
