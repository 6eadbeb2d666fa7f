import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { CORS_HEADERS } from './cors-headers.ts';
import type { ErrorBody } from './errors.ts';

/**
 * Answers on a socket no fastify reply exists for (a request node:http could not parse, a
 * refused upgrade) with a complete HTTP/1.1 response in the contract's error shape, then closes
 * the connection.
 */
export function endWithError(socket: Duplex, body: ErrorBody): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const json = JSON.stringify(body);
  const headers = {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(json)),
    connection: 'close',
  };
  socket.end(
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status] ?? 'Error'}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n${json}`,
  );
}

/** A request line node:http refused: `FOO /path HTTP/1.1` is a method we lack, anything else is noise. */
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/1\.[01]\r?\n/;

/** What to answer for node:http's `clientError` (fastify's clientErrorHandler option). */
export function clientErrorBody(error: { code?: string; rawPacket?: unknown }): ErrorBody {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'request.too_large',
        message: 'The request line and headers are larger than the engine accepts (16 KiB).',
      };
    case 'HPE_INVALID_METHOD':
      // Contract §1.2: an unknown method is answered like an unknown route.
      if (Buffer.isBuffer(error.rawPacket) && REQUEST_LINE.test(error.rawPacket.toString('latin1')))
        return { status: 404, reason: 'route.not_found', message: 'No route for this method.' };
      break;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return {
        status: 400,
        reason: 'request.malformed',
        message: 'The request did not arrive in time.',
      };
    default:
      break;
  }
  return {
    status: 400,
    reason: 'request.malformed',
    message: 'The request is malformed and could not be read.',
  };
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * What the WebSocket library would refuse in an upgrade request with its own plain-text 400,
 * checked first so the refusal is in the error shape; undefined when the handshake may go on.
 */
export function upgradeProblem(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const upgrade = String(headers['upgrade'] ?? '').toLowerCase();
  if (upgrade !== 'websocket') return 'The Upgrade header must be "websocket".';
  const key = headers['sec-websocket-key'];
  if (typeof key !== 'string' || !WEBSOCKET_KEY.test(key.trim()))
    return 'The Sec-WebSocket-Key header is missing or invalid.';
  const version = headers['sec-websocket-version'];
  if (version !== '13' && version !== '8')
    return 'The Sec-WebSocket-Version header must be 13 (or 8).';
  return undefined;
}
