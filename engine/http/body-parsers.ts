import Busboy from 'busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { DomainError } from '../domain/domain-error.ts';
import type { Endpoint } from './endpoints.ts';
import { collectFields, parseUrlEncoded } from './form-fields.ts';

/** Contract §1.2: bodies are limited to 4 MiB (413 request.too_large), the upstream excepted. */
export const BODY_LIMIT = 4 * 1024 * 1024;

const malformed = (message: string) => new DomainError(400, 'request.malformed', message);
const tooLarge = () =>
  new DomainError(413, 'request.too_large', 'The request body is larger than 4 MiB.');

function endpointOf(request: FastifyRequest): Endpoint | undefined {
  return (request.routeOptions.config as { endpoint?: Endpoint } | undefined)?.endpoint;
}

/** Past the limit a body is still drained (so the client reads the 413) up to this much. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/** Reads the whole body up to the limit (used only for small bodies). */
function readBody(payload: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT) payload.destroy();
      else if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    payload.on('end', () =>
      size > BODY_LIMIT ? reject(tooLarge()) : resolve(Buffer.concat(chunks)),
    );
    payload.on('error', () =>
      reject(size > BODY_LIMIT ? tooLarge() : malformed('The request body could not be read.')),
    );
  });
}

function parseMultipart(request: FastifyRequest, payload: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({
        headers: request.headers,
        limits: { fieldSize: BODY_LIMIT, fields: 200, files: 0, parts: 200 },
      });
    } catch {
      reject(malformed('The multipart body has no boundary.'));
      return;
    }
    const pairs: [string, string][] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT && size - chunk.length <= BODY_LIMIT) {
        payload.unpipe(parser);
        payload.resume();
        payload.on('end', () => reject(tooLarge()));
      }
    });
    parser.on('field', (name, value) => pairs.push([name, value]));
    parser.on('file', (_name, stream) => stream.resume());
    parser.on('filesLimit', () => undefined);
    parser.on('error', () => reject(malformed('The multipart body could not be read.')));
    parser.on('close', () => resolve(collectFields(pairs)));
    payload.pipe(parser);
  });
}

/**
 * Body parsing for every route. Form and JSON bodies are parsed per contract §1.2; routes with
 * no body ignore whatever is sent (drained within the limit); the upstream route receives the
 * raw stream; anything else is 400.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();

  app.addContentTypeParser(
    'application/json',
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const endpoint = endpointOf(request);
      if (endpoint?.body === 'raw') return payload;
      const text = (await readBody(payload)).toString('utf8');
      if (endpoint?.body === 'none') return undefined;
      if (text.trim() === '') return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw malformed('The JSON body is not valid JSON.');
      }
    },
  );

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const endpoint = endpointOf(request);
      if (endpoint?.body === 'raw') return payload;
      const text = (await readBody(payload)).toString('utf8');
      return endpoint?.body === 'none' ? undefined : parseUrlEncoded(text);
    },
  );

  app.addContentTypeParser(
    'multipart/form-data',
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const endpoint = endpointOf(request);
      if (endpoint?.body === 'raw') return payload;
      if (endpoint?.body === 'none') {
        await readBody(payload);
        return undefined;
      }
      return parseMultipart(request, payload);
    },
  );

  app.addContentTypeParser('*', async (request: FastifyRequest, payload: IncomingMessage) => {
    const endpoint = endpointOf(request);
    if (endpoint?.body === 'raw') return payload;
    await readBody(payload);
    if (endpoint?.body === 'none' || endpoint === undefined) return undefined;
    throw malformed(
      `Unsupported content type "${String(request.headers['content-type'] ?? '').slice(0, 100)}": send application/x-www-form-urlencoded, multipart/form-data or application/json.`,
    );
  });
}
