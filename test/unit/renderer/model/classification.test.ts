import { describe, expect, it } from 'vitest';
import {
  buildClassifyFields,
  classificationLabel,
  classificationToForm,
} from '../../../../renderer/model/classification.ts';

describe('classification', () => {
  it('labels a file by its level, else its first field', () => {
    expect(classificationLabel({ classification: 'restricted', owner: 'hr' })).toBe('restricted');
    expect(classificationLabel({ owner: 'hr' })).toBe('owner: hr');
    expect(classificationLabel(null)).toBeNull();
    expect(classificationLabel({})).toBeNull();
  });

  it('splits stored fields into the form and defaults unknown levels to internal', () => {
    expect(classificationToForm({ classification: 'public', owner: 'hr' })).toEqual({
      level: 'public',
      extra: [{ key: 'owner', value: 'hr' }],
    });
    expect(classificationToForm({ classification: 'secret' }).level).toBe('internal');
    expect(classificationToForm(null)).toEqual({ level: 'internal', extra: [] });
  });

  it('builds the fields to send, skipping blank rows', () => {
    expect(
      buildClassifyFields('confidential', [
        { key: ' owner ', value: 'finance' },
        { key: '', value: '' },
      ]),
    ).toEqual({ ok: true, fields: { classification: 'confidential', owner: 'finance' } });
  });

  it.each([
    [[{ key: '', value: 'x' }], 0, 'name'],
    [[{ key: 'has space', value: 'x' }], 0, 'letters'],
    [
      [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ],
      1,
      'twice',
    ],
    [[{ key: 'classification', value: 'x' }], 0, 'list'],
    [[{ key: 'a', value: 'x'.repeat(1025) }], 0, '1024'],
  ])('points at the row that breaks a rule (%#)', (rows, row, words) => {
    const result = buildClassifyFields('public', rows);
    expect(result).toMatchObject({ ok: false, row });
    if (!result.ok) expect(result.error).toContain(words);
  });

  it('allows at most 48 extra fields besides the level', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(buildClassifyFields('public', rows(48)).ok).toBe(true);
    expect(buildClassifyFields('public', rows(49))).toMatchObject({ ok: false, row: null });
  });
});
