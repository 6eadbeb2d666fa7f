import { describe, expect, it } from 'vitest';
import { joinFileName, splitFileName } from '../../../../client/vault/file-name.ts';

describe('splitFileName', () => {
  it.each([
    ['report.pdf', { fileName: 'report', extension: 'pdf' }],
    ['archive.tar.gz', { fileName: 'archive.tar', extension: 'gz' }],
    ['README', { fileName: 'README' }],
    ['.bashrc', { fileName: '.bashrc' }],
    ['trailing.', { fileName: 'trailing.' }],
    [`x.${'e'.repeat(33)}`, { fileName: `x.${'e'.repeat(33)}` }],
  ])('%s', (name, expected) => {
    expect(splitFileName(name)).toEqual(expected);
    expect(joinFileName(expected.fileName, (expected as { extension?: string }).extension)).toBe(
      name,
    );
  });
});
