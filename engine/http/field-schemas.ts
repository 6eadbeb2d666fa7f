import type { JsonSchema } from './route.ts';

/** Field schemas shared by route files; messages for `pattern` travel in `description`. */
export function text(minLength: number, maxLength: number): JsonSchema {
  return { type: 'string', minLength, maxLength };
}

/** Contract §4: usernames have no control characters. */
export const username: JsonSchema = {
  type: 'string',
  minLength: 3,
  maxLength: 254,
  pattern: '^[^\\u0000-\\u001f\\u007f]*$',
  description: 'must not contain control characters',
};

export const password: JsonSchema = text(10, 1024);

export function integer(minimum: number, maximum: number): JsonSchema {
  return { type: 'integer', minimum, maximum };
}

export const identifier: JsonSchema = { type: 'string', minLength: 1, maxLength: 200 };

/** Contract §1.2 free-form fields: ≤50 fields, names ≤64 of A-Za-z0-9_.-, values ≤1024. */
export const freeFormValue: JsonSchema = { type: 'string', maxLength: 1024 };
