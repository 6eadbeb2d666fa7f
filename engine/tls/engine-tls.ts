// What the engine serves TLS with: a certificate and key given as files (`--tls-cert`/`--tls-key`,
// e.g. from Let's Encrypt), or its own self-signed one (`--tls self-signed`, self-signed.ts).
// Either way the engine reports the certificate's pin (tls-pin.ts), which clients check.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadSelfSignedCertificate } from './self-signed.ts';
import { certificatePin } from './tls-pin.ts';

export type TlsSetting =
  | { kind: 'self-signed'; names?: readonly string[] }
  | { kind: 'files'; certFile: string; keyFile: string };

export interface EngineTls {
  key: string;
  cert: string;
  /** `sha256:…` of the certificate's public key. */
  pin: string;
  notAfter: Date;
  kind: TlsSetting['kind'];
}

export class TlsSetupError extends Error {
  override name = 'TlsSetupError';
}

/** Reads (or for `self-signed`, makes or renews) the certificate; a clear error when it cannot. */
export async function loadEngineTls(
  setting: TlsSetting,
  dataDir: string,
  now = Date.now(),
): Promise<EngineTls> {
  if (setting.kind === 'self-signed') {
    const made = await loadSelfSignedCertificate(dataDir, {
      now,
      ...(setting.names ? { names: setting.names } : {}),
    });
    return {
      key: made.keyPem,
      cert: made.certPem,
      pin: certificatePin(made.certPem),
      notAfter: made.notAfter,
      kind: 'self-signed',
    };
  }
  const cert = readPem(setting.certFile, '--tls-cert');
  const key = readPem(setting.keyFile, '--tls-key');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new TlsSetupError(
      `${setting.certFile} (--tls-cert) is not a PEM certificate: ${(error as Error).message}`,
    );
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new TlsSetupError(
      `${setting.keyFile} (--tls-key) is not a PEM private key: ${(error as Error).message}`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new TlsSetupError(
      `${setting.keyFile} (--tls-key) is not the private key of the certificate in ${setting.certFile} (--tls-cert).`,
    );
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() <= now)
    throw new TlsSetupError(
      `The certificate in ${setting.certFile} expired on ${notAfter.toISOString()}; renew it.`,
    );
  return { key, cert, pin: certificatePin(cert), notAfter, kind: 'files' };
}

function readPem(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new TlsSetupError(`Cannot read ${file} (${option}): ${(error as Error).message}`);
  }
}
