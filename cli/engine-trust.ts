// Which TLS certificate the CLI trusts for an https engine (DESIGN "Reach"). In order:
//   --pin sha256:…   the engine must present this key; checked once here (the handshake only,
//                    nothing sent) and saved for the engine when it matches;
//   a saved pin      every connection checks it (client/tls/pinned-agent.ts);
//   neither          a certificate a trusted authority vouches for is used as usual; any other
//                    (self-signed) is refused unless the person, at a terminal, confirms its
//                    fingerprint the way ssh asks about a host key it has not seen. A script
//                    (no terminal) is told the fingerprint and to pass --pin after checking it.
// A mismatch always fails naming both fingerprints, and nothing goes to that engine.

import { PrivicoreError } from '../client/privicore-error.ts';
import { pinMismatch } from '../client/tls/tls-errors.ts';
import { PinMismatchError } from '../client/tls/pinned-agent.ts';
import { probeTls, type TlsProbe } from '../client/tls/probe-tls.ts';
import { normalizePin } from '../client/tls/tls-pin.ts';
import { promptLine } from './prompt.ts';
import { UsageError } from './usage-error.ts';

export interface EngineTrust {
  /** The pin to check on every connection; undefined to trust the system's authorities. */
  pin: string | undefined;
  /** A pin to remember for this engine (new, or changed by --pin). */
  save: string | undefined;
}

export async function engineTrust(options: {
  apiUrl: string;
  flagPin: string | undefined;
  savedPin: string | undefined;
  /** A person at a terminal who can confirm a fingerprint. */
  interactive: boolean;
  signal: AbortSignal;
}): Promise<EngineTrust> {
  const { apiUrl } = options;
  if (!apiUrl.startsWith('https:')) {
    if (options.flagPin !== undefined)
      throw new UsageError(`--pin checks a TLS certificate, and ${apiUrl} is not https.`);
    return { pin: undefined, save: undefined };
  }
  if (options.flagPin !== undefined) {
    const pin = normalizePin(options.flagPin);
    if (!pin)
      throw new UsageError(
        `--pin must be sha256: and the key's SHA-256 (as the engine's "tlsPin" shows it), got "${options.flagPin}".`,
      );
    const probe = await look(apiUrl);
    if (probe.pin !== pin) throw pinMismatch(new PinMismatchError(probe.host, pin, probe.pin));
    return { pin, save: pin === options.savedPin ? undefined : pin };
  }
  if (options.savedPin !== undefined) return { pin: options.savedPin, save: undefined };

  const probe = await look(apiUrl);
  if (probe.trusted) return { pin: undefined, save: undefined };
  const why = `its certificate is not vouched for by an authority this computer trusts (${probe.problem ?? 'unknown issuer'})`;
  if (!options.interactive)
    throw new PrivicoreError({
      status: 0,
      reason: 'client.tls_untrusted',
      message: `The engine at ${probe.host} cannot be verified: ${why}. Its key fingerprint is ${probe.pin}. If that is the "tlsPin" the engine printed when it started, run again with --pin ${probe.pin}. Nothing was sent.`,
      details: { engineUrl: apiUrl, fingerprint: probe.pin },
    });
  process.stderr.write(
    [
      `The authenticity of the engine at ${probe.host} can't be established:`,
      `${why}.`,
      `Its key fingerprint is ${probe.pin}.`,
      'Compare it with the "tlsPin" the engine printed when it started (or its owner tells you).',
      '',
    ].join('\n'),
  );
  const answer = await promptLine(
    'Are you sure you want to trust it and continue connecting (yes/no)? ',
    options.signal,
  );
  if (answer?.trim().toLowerCase() !== 'yes')
    throw new PrivicoreError({
      status: 0,
      reason: 'client.tls_untrusted',
      message: `The engine at ${probe.host} was not trusted (fingerprint ${probe.pin}); nothing was sent.`,
      details: { engineUrl: apiUrl, fingerprint: probe.pin },
    });
  process.stderr.write(`Pinned ${probe.pin} for ${apiUrl}; later runs check it.\n`);
  return { pin: probe.pin, save: probe.pin };
}

async function look(apiUrl: string): Promise<TlsProbe> {
  try {
    return await probeTls(apiUrl);
  } catch (error) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.network',
      message: `Could not reach the engine at ${apiUrl} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      cause: error,
    });
  }
}

/** The key engines are remembered under: the address without a trailing slash. */
export function pinKey(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '');
}
