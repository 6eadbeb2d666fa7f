import type { JsonSchema } from './route.ts';

/**
 * A field naming a resource: an id or a token. Only presence is a rule (422); a malformed
 * value names no resource of the caller's and answers the resource's 404 (contract §1.5).
 */
export const reference: JsonSchema = { type: 'string', minLength: 1 };

/** Contract §7: a file extension is at most 32 characters with no dot. */
export const fileExtension: JsonSchema = {
  type: 'string',
  maxLength: 32,
  pattern: '^[^.]*$',
  description: 'must not contain a dot',
};
