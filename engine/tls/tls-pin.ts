// The TLS pin: the SHA-256 of a certificate's SubjectPublicKeyInfo (its public key in DER), as
// `sha256:` + unpadded base64url (43 characters). The key's hash rather than the whole
// certificate's, as HPKP (RFC 7469 §2.4) and ssh do, so a certificate renewed with the same key
// keeps its pin: the engine renews its self-signed certificate that way before it expires, and
// every client that pinned it goes on working. Written as base64url it fits a QR code's query
// without escaping; standard base64 (what `openssl … | base64` prints) and hex are read too.
//
// The client reads pins with the same rules in client/tls/tls-pin.ts: engine/ and client/ may not
// import each other (DESIGN "Layout").

import { createHash, X509Certificate } from 'node:crypto';

const PREFIX = 'sha256:';

/** The pin of a certificate (PEM or DER). */
export function certificatePin(certificate: string | Buffer): string {
  const spki = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
  return PREFIX + createHash('sha256').update(spki).digest('base64url');
}

/** A pin as written (`sha256:` + base64url, base64 or hex) in its one form; undefined if it is none. */
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
