import { missingToken } from '../domain/authorization.ts';
import { invalidClient } from '../domain/oauth.ts';

/**
 * Contract §1.4 `Authorization: Basic …` credentials: `basic-client` carries
 * base64(clientId:clientSecret), `basic-access-token` the raw OAuth access token (not base64).
 * Anything that is not a Basic credential counts as none.
 */
export function basicCredential(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Basic[ ]+(\S+)\s*$/i.exec(value ?? '');
  if (!match) throw missingToken('Send the credential as `Authorization: Basic …`.');
  return match[1]!;
}

export function clientCredentials(encoded: string): { clientId: string; clientSecret: string } {
  if (encoded.length > 512 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalidClient();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw invalidClient();
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}
