// The TLS pin a client checks an engine's certificate against: the SHA-256 of the certificate's
// public key (SubjectPublicKeyInfo, DER) as `sha256:` + unpadded base64url, the engine's
// `"tlsPin"`. The key's hash, not the certificate's, as HPKP (RFC 7469 §2.4) and ssh do: an engine
// renews its certificate with the same key and keeps its pin. Standard base64 (what the openssl
// recipe in docs/deploy.md prints) and hex are read too. The engine computes pins with the same
// rules in engine/tls/tls-pin.ts (engine/ and client/ share no code).

import { createHash, X509Certificate } from 'node:crypto';

const PREFIX = 'sha256:';

/** The pin of a certificate (PEM or DER). */
export function certificatePin(certificate: string | Buffer | X509Certificate): string {
  const parsed =
    certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  const spki = parsed.publicKey.export({ type: 'spki', format: 'der' });
  return PREFIX + createHash('sha256').update(spki).digest('base64url');
}

/** A pin in its one form (`sha256:` + base64url); undefined when the text is no pin. */
export function normalizePin(text: string): string | undefined {
  const match = /^sha256:(.+)$/i.exec(text.trim());
  if (!match) return undefined;
  const value = match[1]!.replace(/:/g, '');
  let digest: Buffer;
  if (/^[0-9a-f]{64}$/i.test(value)) digest = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value))
    digest = Buffer.from(
      value.replace(/=$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
      'base64url',
    );
  else return undefined;
  return digest.length === 32 ? PREFIX + digest.toString('base64url') : undefined;
}

/** Whether the text is a pin (any accepted spelling). */
export function isPin(text: string): boolean {
  return normalizePin(text) !== undefined;
}
