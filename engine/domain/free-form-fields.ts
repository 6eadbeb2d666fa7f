import { DomainError } from './domain-error.ts';

/** Contract §1.2 free-form field sets. */
const MAX_FIELDS = 50;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_VALUE = 1024;

/**
 * The free-form fields of a request (every field but `reserved`), checked against contract
 * §1.2: at most 50, names of 1–64 characters of A-Za-z0-9_.-, string values of at most 1024
 * characters. Violations answer 422 with one entry per offending field.
 */
export function freeFormFields(
  input: Record<string, unknown>,
  reserved: readonly string[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  const errors: Record<string, string[]> = {};
  const names = Object.keys(input).filter((name) => !reserved.includes(name));
  for (const name of names) {
    const value = input[name];
    const problems: string[] = [];
    if (!NAME.test(name)) problems.push('field names are 1–64 characters of A-Za-z0-9_.-');
    if (typeof value !== 'string') problems.push('must be a string');
    else if (value.length > MAX_VALUE) problems.push(`must be at most ${MAX_VALUE} characters`);
    if (problems.length > 0) errors[name.slice(0, 64)] = problems;
    else fields[name] = value as string;
  }
  if (names.length > MAX_FIELDS) errors.body = [`must have at most ${MAX_FIELDS} free-form fields`];
  if (Object.keys(errors).length > 0)
    throw new DomainError(422, 'validation.failed', 'The request has invalid fields.', errors);
  return fields;
}
