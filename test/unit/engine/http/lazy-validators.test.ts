import { describe, expect, it } from 'vitest';
import { lazyValidators } from '../../../../engine/http/lazy-validators.ts';

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string }[] | null };

const build = lazyValidators.compilersFactory!.buildValidator! as unknown as (
  external: object,
  options: object,
) => (route: object) => Validate;

const compiler = build(
  {},
  { customOptions: { allErrors: true, coerceTypes: 'array', strict: false, verbose: true } },
);
const validator = (schema: object) =>
  compiler({ schema, method: 'POST', url: '/x', httpPart: 'body' });

const schema = {
  type: 'object',
  required: ['name', 'size'],
  properties: { name: { type: 'string', maxLength: 3 }, size: { type: 'integer' } },
};

describe('lazy route validators', () => {
  it("check with Fastify's compiler and options on first use, and report every error", () => {
    const validate = validator(schema);
    expect(validate({ name: 'toolong', size: 'x' })).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual(['/name', '/size']);
    const coerced: Record<string, unknown> = { name: 'ab', size: '12' };
    expect(validate(coerced)).toBe(true);
    expect(coerced['size']).toBe(12);
    expect(validate.errors ?? null).toBeNull();
  });

  it('leaves a schema that cannot compile alone until its route is called', () => {
    const validate = validator({ type: 'object', properties: { a: { $ref: '#/nowhere' } } });
    expect(() => validate({})).toThrow();
  });
});
