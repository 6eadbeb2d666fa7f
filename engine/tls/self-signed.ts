// The engine's self-signed TLS certificate (`--tls self-signed`), made with node-forge (DESIGN
// "Secrets and keys": node-forge for X.509, node:crypto for the key). Kept in the data folder:
//
//   <data>/tls/self-signed.key   the RSA-2048 private key, PKCS#8 PEM, mode 0600
//   <data>/tls/self-signed.crt   the certificate, PEM, valid 825 days
//
// The key is made once and kept. The certificate is made again from the same key when fewer
// than RENEW_BEFORE_DAYS days are left (or it cannot be read), so its pin (the key's hash,
// tls-pin.ts) never changes and no client that pinned it has to be told anything. Clients do not
// check the certificate's names (they check the pin), but the names still list this machine's
// own, for tools that look.
//
// node-forge is loaded only to make a certificate (a dynamic import, its own chunk in the build):
// evaluated, it holds some 10 MB that an engine serving a certificate it already has, or plain
// http, would carry for nothing (issue 13: an idle engine under 80 MB). Checking the kept
// certificate needs only node:crypto.

import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import type { pki } from 'node-forge';

const VALID_DAYS = 825;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface SelfSignedCertificate {
  keyPem: string;
  certPem: string;
  /** Where they are kept. */
  keyFile: string;
  certFile: string;
  /** When the certificate stops being valid. */
  notAfter: Date;
  /** True when this start made (or renewed) the certificate. */
  renewed: boolean;
}

/** Loads the data folder's self-signed certificate, making or renewing it when needed. */
export async function loadSelfSignedCertificate(
  dataDir: string,
  options: { now?: number; names?: readonly string[] } = {},
): Promise<SelfSignedCertificate> {
  const now = options.now ?? Date.now();
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const keyFile = join(dir, 'self-signed.key');
  const certFile = join(dir, 'self-signed.crt');

  let keyPem = readOptional(keyFile);
  if (keyPem === undefined) {
    keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    writeAtomically(keyFile, keyPem);
  }
  // A key file that was copied in with looser permissions is made private again.
  chmodSync(keyFile, 0o600);

  const certPem = readOptional(certFile);
  if (certPem !== undefined) {
    const current = currentCertificate(certPem, keyPem, now);
    if (current) return { keyPem, certPem, keyFile, certFile, notAfter: current, renewed: false };
  }
  const made = await makeCertificate(keyPem, now, options.names ?? []);
  writeAtomically(certFile, made.certPem, 0o644);
  return {
    keyPem,
    certPem: made.certPem,
    keyFile,
    certFile,
    notAfter: made.notAfter,
    renewed: true,
  };
}

/** The certificate's end of validity when it still has long enough to run and is for this key. */
function currentCertificate(certPem: string, keyPem: string, now: number): Date | undefined {
  try {
    const certificate = new X509Certificate(certPem);
    const notAfter = new Date(certificate.validTo);
    if (notAfter.getTime() - now < RENEW_BEFORE_DAYS * DAY_MS) return undefined;
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return notAfter;
  } catch {
    return undefined;
  }
}

async function makeCertificate(
  keyPem: string,
  now: number,
  extraNames: readonly string[],
): Promise<{ certPem: string; notAfter: Date }> {
  const { default: forge } = await import('node-forge');
  const privateKey = forge.pki.privateKeyFromPem(keyPem) as pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  // A positive serial (the top bit clear), random as the CA/B rules ask of public CAs.
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  certificate.serialNumber = serial.toString('hex');
  // An hour's grace for clocks that run a little behind.
  certificate.validity.notBefore = new Date(now - 3600_000);
  certificate.validity.notAfter = new Date(now + VALID_DAYS * DAY_MS);
  const subject = [{ name: 'commonName', value: 'Privicore Vault engine' }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  const names = [...new Set(['localhost', '127.0.0.1', '::1', safeHostname(), ...extraNames])];
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names
        .filter((name) => name !== '')
        .map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(privateKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(certificate),
    notAfter: certificate.validity.notAfter,
  };
}

function safeHostname(): string {
  const name = hostname();
  return /^[A-Za-z0-9.-]{1,253}$/.test(name) ? name : '';
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function writeAtomically(file: string, text: string, mode = 0o600): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}
