// The pairing code a signed-in device shows as a QR code: the contract's generate-token-qr
// payload (§4) with parameters of our own that the engine never sees (DESIGN "Devices and
// approval"):
//   privicore://authorize?token=<Q- token>&engine=<apiUrl, percent-encoded>
//                        &secret=<one-time pairing secret>&fp=<profile key fingerprint>
//                        [&pin=<the engine's TLS pin, sha256:…>]
// (pairing-codes.ts, tls/tls-pin.ts). The pin is there when the showing device pins its engine's
// certificate (a self-signed one: the built-in engine on the local network, a home server), so
// the joining device connects only to the certificate the code was shown with. It arrives from a camera, a pasted image or typed text, so anything may
// come in: only that exact shape passes, and each refusal says in plain words what is wrong with
// it. The contract calls tokens opaque, so the token is checked only for what every QR token has
// — the `Q-` prefix and URL-safe characters — never for its length or contents. A remote engine
// must be https (engine-address.ts).

import { isFingerprint, isPairingSecret } from './crypto/pairing-codes.ts';
import { isAllowedEngineUrl } from './engine-address.ts';
import { normalizePin } from './tls/tls-pin.ts';

export interface PairingPayload {
  /** The single-use `Q-` token to redeem. */
  qrToken: string;
  /** The engine that issued it (`http(s)://host[:port][/path]`, no trailing slash). */
  engineUrl: string;
  /** The one-time secret the joining device proves it saw (base64url, 128 bits). */
  secret: string;
  /** The fingerprint of the profile key the keys must come from. */
  fingerprint: string;
  /** The engine's TLS pin, when the code carries one (always with an https engine). */
  tlsPin?: string;
}

export type PairingPayloadProblem =
  | 'not-a-pairing-code'
  | 'missing-token'
  | 'bad-token'
  | 'missing-engine'
  | 'bad-engine'
  | 'insecure-engine'
  | 'missing-secret'
  | 'bad-pin';

export class PairingPayloadError extends Error {
  readonly code = 'ERR_PAIRING_PAYLOAD';
  constructor(
    readonly problem: PairingPayloadProblem,
    message: string,
  ) {
    super(message);
    this.name = 'PairingPayloadError';
  }
}

const MAX_LENGTH = 4096;
const QR_TOKEN = /^Q-[A-Za-z0-9_-]{1,200}$/;
const SHOW_ANOTHER = 'Show a new pairing code on the other device and scan it again.';

const WORDS: Record<PairingPayloadProblem, string> = {
  'not-a-pairing-code':
    "That isn't a Privicore pairing code (those start with privicore://authorize).",
  'missing-token': `The pairing code has no token in it. ${SHOW_ANOTHER}`,
  'bad-token': `The pairing code's token is not a pairing token (those start with Q-). ${SHOW_ANOTHER}`,
  'missing-engine': `The pairing code doesn't say which engine to join. ${SHOW_ANOTHER}`,
  'bad-engine': `The pairing code names an engine address that isn't an http or https address. ${SHOW_ANOTHER}`,
  'insecure-engine':
    'The pairing code names an engine on another computer over plain http, where the connection is not encrypted. Use an https address for that engine.',
  'missing-secret':
    "The pairing code has no verification secret (it comes from an older version of the app, or it was cut short). Update the other device's app and show a new code.",
  'bad-pin': `The pairing code's certificate fingerprint is damaged, or the engine it names is not https. ${SHOW_ANOTHER}`,
};

function refuse(problem: PairingPayloadProblem): PairingPayloadError {
  return new PairingPayloadError(problem, WORDS[problem]);
}

/**
 * Reads a pairing code; throws PairingPayloadError with plain words when it is not one.
 * `allowInsecureHttp` lets a code name a plain-http engine off this machine (the CLI's
 * --insecure-http, for a LAN test setup).
 */
export function parsePairingPayload(
  text: string,
  options: { allowInsecureHttp?: boolean } = {},
): PairingPayload {
  // Scanners and pastes often carry a trailing newline.
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_LENGTH) throw refuse('not-a-pairing-code');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw refuse('not-a-pairing-code');
  }
  // privicore: is not a special scheme, so its host is kept as written; compare it case-blind.
  const isAuthorize =
    url.protocol === 'privicore:' &&
    url.host.toLowerCase() === 'authorize' &&
    (url.pathname === '' || url.pathname === '/') &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '';
  if (!isAuthorize) throw refuse('not-a-pairing-code');

  const tokens = url.searchParams.getAll('token');
  if (tokens.length === 0 || tokens[0] === '') throw refuse('missing-token');
  // Two tokens would make the code mean two things; take neither.
  if (tokens.length > 1 || !QR_TOKEN.test(tokens[0]!)) throw refuse('bad-token');

  const engines = url.searchParams.getAll('engine');
  if (engines.length === 0 || engines[0] === '') throw refuse('missing-engine');
  if (engines.length > 1) throw refuse('bad-engine');
  const engineUrl = engineUrlOf(engines[0]!);
  if (!isAllowedEngineUrl(engineUrl, options)) throw refuse('insecure-engine');

  const secrets = url.searchParams.getAll('secret');
  const fingerprints = url.searchParams.getAll('fp');
  if (
    secrets.length !== 1 ||
    fingerprints.length !== 1 ||
    !isPairingSecret(secrets[0]!) ||
    !isFingerprint(fingerprints[0]!)
  )
    throw refuse('missing-secret');
  const pins = url.searchParams.getAll('pin');
  let tlsPin: string | undefined;
  if (pins.length > 0) {
    tlsPin = pins.length === 1 ? normalizePin(pins[0]!) : undefined;
    // A pin means a certificate: it has nothing to check on plain http.
    if (!tlsPin || !engineUrl.startsWith('https:')) throw refuse('bad-pin');
  }
  return {
    qrToken: tokens[0]!,
    engineUrl,
    secret: secrets[0]!,
    fingerprint: fingerprints[0]!,
    ...(tlsPin ? { tlsPin } : {}),
  };
}

/**
 * The code to show: the engine's payload with the secret, the fingerprint and (for an engine
 * this device pins) the engine's TLS pin added.
 */
export function formatPairingPayload(
  engineQrPayload: string,
  secret: string,
  fingerprint: string,
  tlsPin?: string,
): string {
  return `${engineQrPayload}&secret=${secret}&fp=${fingerprint}${tlsPin ? `&pin=${tlsPin}` : ''}`;
}

function engineUrlOf(text: string): string {
  let engine: URL;
  try {
    engine = new URL(text);
  } catch {
    throw refuse('bad-engine');
  }
  // A user:password@ or a query in the engine address is not something the contract hands out,
  // and passing it on would send whatever it carries to that host.
  const plain =
    engine.username === '' && engine.password === '' && engine.search === '' && engine.hash === '';
  if ((engine.protocol !== 'http:' && engine.protocol !== 'https:') || !plain)
    throw refuse('bad-engine');
  return `${engine.origin}${engine.pathname.replace(/\/+$/, '')}`;
}
