// Looks at an https engine's certificate before anything is sent to it: whether this computer's
// certificate authorities vouch for it, and its pin. The connection ends right after the
// handshake; no request is written. A client that has no pin for an engine calls it first, and
// for a certificate no authority vouches for (a self-signed one) asks the person to confirm the
// pin, as ssh asks about a host key it has not seen (trust on first use).

import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { certificatePin } from './tls-pin.ts';

export interface TlsProbe {
  /** The certificate chains to a trusted authority and names the host. */
  trusted: boolean;
  /** Why it is not trusted (OpenSSL's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  problem: string | undefined;
  pin: string;
  /** host:port */
  host: string;
}

export function probeTls(apiUrl: string, timeoutMs = 10_000): Promise<TlsProbe> {
  const url = new URL(apiUrl);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port,
      // SNI takes names only, never addresses.
      ...(isIP(hostname) ? {} : { servername: hostname }),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      );
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const certificate = socket.getPeerX509Certificate();
      const problem =
        socket.authorizationError === null || socket.authorizationError === undefined
          ? undefined
          : String(socket.authorizationError);
      // The chain is checked by OpenSSL; the name (which it leaves to the caller) here.
      const nameOk =
        certificate !== undefined &&
        (isIP(hostname)
          ? certificate.checkIP(hostname) !== undefined
          : certificate.checkHost(hostname) !== undefined);
      socket.destroy();
      if (!certificate) return reject(new Error(`${hostname}:${port} sent no certificate`));
      resolve({
        trusted: socket.authorized && nameOk,
        problem: problem ?? (nameOk ? undefined : 'ERR_TLS_CERT_ALTNAME_INVALID'),
        pin: certificatePin(certificate),
        host: `${url.hostname}:${port}`,
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
