import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { EngineContext } from '../../context.ts';
import { openDownload, upload } from '../../domain/data-transfer.ts';
import { accepted, route } from '../route.ts';

function authParam(query: unknown): unknown {
  return (query as Record<string, unknown> | undefined)?.auth;
}

export function registerTransferRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route(app, ctx, 'data-token.upstream', {
    handler: async ({ request, reply }) => {
      // The raw body parser (body-parsers.ts) hands over the unread request stream.
      const body = (request.body ?? request.raw) as IncomingMessage;
      try {
        return accepted(reply, await upload(ctx, authParam(request.query), body));
      } catch (error) {
        // The body may be unread (refused before it) or cut short: drop the connection after
        // the answer rather than drain an upload of any size.
        void reply.header('connection', 'close');
        throw error;
      }
    },
  });

  // GET, and the HEAD fastify derives from it.
  route(app, ctx, 'data-token.download', {
    handler: async ({ request, reply }) => {
      const range = request.headers.range;
      const download = await openDownload(
        ctx,
        authParam(request.query),
        range,
        request.method === 'HEAD',
      );
      // The status (200 or 206) and a body that may end short are ours to write.
      reply.hijack();
      const response = reply.raw;
      response.writeHead(download.status, {
        ...(reply.getHeaders() as Record<string, string>),
        ...download.headers,
      });
      if (!download.body) {
        response.end();
        return reply;
      }
      pipeline(download.body, response)
        .then(
          () => download.complete(),
          (error: unknown) => request.log.warn({ err: error }, 'download ended early'),
        )
        .catch((error: unknown) =>
          request.log.error({ err: error }, 'download bookkeeping failed'),
        );
      return reply;
    },
  });
}
