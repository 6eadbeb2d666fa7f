// An https agent that trusts exactly one key: the engine's pinned one (tls-pin.ts). It opens the
// TLS connection itself and hands the socket to the request only after the certificate's pin
// matched, so on a mismatch not one byte of a request (no header, no token, no WebSocket hello)
// is written. The certificate's issuer and names are not checked: the pin says more than either.
// The device runtimes (storage device, authenticator) reach their engine through it; the client
// library has its own copy (client/tls/pinned-agent.ts), as engine/ and client/ share no code.

import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect, type ConnectionOptions } from 'node:tls';
import { certificatePin } from './tls-pin.ts';

export class PinMismatchError extends Error {
  override name = 'PinMismatchError';
  readonly code = 'ERR_TLS_PIN_MISMATCH';
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The engine at ${host} presented a TLS certificate with key fingerprint ${actual}, but ${expected} is pinned for it; nothing was sent.`,
    );
  }
}

export class PinnedAgent extends Agent {
  constructor(
    readonly pin: string,
    options: AgentOptions = {},
  ) {
    super(options);
  }

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): undefined {
    const done = once(callback);
    const host = `${options.host ?? 'localhost'}:${options.port ?? 443}`;
    // The pin is the trust decision: the usual chain and name checks are off on purpose.
    const socket = connect({ ...(options as ConnectionOptions), rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      const actual = certificate ? certificatePin(certificate.raw) : 'no certificate';
      if (actual === this.pin) return done(null, socket);
      socket.destroy();
      done(new PinMismatchError(host, this.pin, actual));
    });
    socket.once('error', (error) => done(error));
    return undefined;
  }
}

function once(callback?: (error: Error | null, socket: Duplex) => void) {
  let called = false;
  return (error: Error | null, socket?: Duplex) => {
    if (called) return;
    called = true;
    // On an error the request never looks at the socket.
    callback?.(error, socket as Duplex);
  };
}
