import { invalid } from './domain-error.ts';

/** Contract §1.4: the scopes an application may hold and a consent may grant. */
export const OAUTH_SCOPES = [
  'all',
  'data-token:read',
  'data-token:write',
  'device:read',
  'device:write',
  'storage:read',
  'storage:write',
  'profile:read',
] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

export function isOAuthScope(value: string): value is OAuthScope {
  return (OAUTH_SCOPES as readonly string[]).includes(value);
}

/**
 * A scope list as sent: an array, or (contract §5 register) one comma- or space-separated
 * string, in any mix. Known scopes only, at least one, each once, in the table's order.
 */
export function readScopes(field: string, sent: unknown): OAuthScope[] {
  const items = (Array.isArray(sent) ? sent : [sent]).flatMap((item) =>
    typeof item === 'string' ? item.split(/[\s,]+/).filter((part) => part !== '') : [item],
  );
  const unknown = items.filter((item) => typeof item !== 'string' || !isOAuthScope(item));
  if (unknown.length > 0) {
    throw invalid(
      field,
      `has unknown scopes (${unknown.map(String).join(', ')}); use: ${OAUTH_SCOPES.join(', ')}`,
    );
  }
  if (items.length === 0) throw invalid(field, 'must name at least one scope');
  return OAUTH_SCOPES.filter((scope) => items.includes(scope));
}

/**
 * Contract §5: what a consent grants, the requested scopes within the application's. An
 * application holding `all` grants any requested scope; a request for `all` stands for every
 * scope of the application.
 */
export function grantedScopes(
  application: readonly OAuthScope[],
  requested: readonly OAuthScope[],
): OAuthScope[] {
  if (requested.includes('all')) return [...application];
  if (application.includes('all')) return [...requested];
  return requested.filter((scope) => application.includes(scope));
}
