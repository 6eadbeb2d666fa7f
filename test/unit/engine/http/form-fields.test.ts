import { describe, expect, it } from 'vitest';
import { parseUrlEncoded } from '../../../../engine/http/form-fields.ts';

describe('parseUrlEncoded (contract §1.2 PHP-style fields)', () => {
  it('reads plain fields, arrays and objects', () => {
    expect(
      parseUrlEncoded('a=1&scope[]=x&scope[]=y&configuration[contextPrefix]=%2Ffinance&b='),
    ).toEqual({
      a: '1',
      scope: ['x', 'y'],
      configuration: { contextPrefix: '/finance' },
      b: '',
    });
  });

  it('keeps the last value of a repeated plain name', () => {
    expect(parseUrlEncoded('a=1&a=2')).toEqual({ a: '2' });
  });

  it('decodes plus signs and percent escapes', () => {
    expect(parseUrlEncoded('name=a+b%26c')).toEqual({ name: 'a b&c' });
  });

  it('drops names that could reach Object.prototype and absurd nesting', () => {
    const parsed = parseUrlEncoded(
      '__proto__[x]=1&a[constructor][prototype]=2&deep[1][2][3][4][5][6]=3&ok=1',
    );
    expect(parsed).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('ignores malformed bracket names', () => {
    expect(parseUrlEncoded('a]b=1&[x]=2&c[=3&ok=yes')).toEqual({ ok: 'yes' });
  });
});
