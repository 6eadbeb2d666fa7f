import { describe, expect, it } from 'vitest';
import { resolveFolderPath } from '../../../../renderer/model/folder-path.ts';

describe('resolveFolderPath', () => {
  it('puts a plain name inside the open folder', () => {
    expect(resolveFolderPath('2026', '/finance')).toEqual({ ok: true, context: '/finance/2026' });
    expect(resolveFolderPath(' taxes/2026/ ', '/finance')).toEqual({
      ok: true,
      context: '/finance/taxes/2026',
    });
    expect(resolveFolderPath('photos', null)).toEqual({ ok: true, context: '/photos' });
  });

  it('starts from the top when the path starts with "/"', () => {
    expect(resolveFolderPath('/legal', '/finance')).toEqual({ ok: true, context: '/legal' });
    expect(resolveFolderPath('/', '/finance')).toEqual({ ok: true, context: '/' });
  });

  it.each([
    ['', 'Enter a folder name.'],
    ['a//b', 'empty'],
    ['a/ b', 'space'],
    ['../up', '"."'],
    ['a:b', 'contain'],
    ['tab\there', 'contain'],
  ])('rejects %j with a sentence about it', (input, words) => {
    const result = resolveFolderPath(input, '/x');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(words);
  });

  it('keeps within the bridge length limit', () => {
    expect(resolveFolderPath('a'.repeat(1023), null).ok).toBe(true);
    expect(resolveFolderPath('a'.repeat(1024), null).ok).toBe(false);
  });
});
