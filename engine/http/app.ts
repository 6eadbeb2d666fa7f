import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { EngineContext } from '../context.ts';
import { DomainError } from '../domain/domain-error.ts';
import { BODY_LIMIT, registerBodyParsers } from './body-parsers.ts';
import { sendError } from './errors.ts';
import { parseUrlEncoded } from './form-fields.ts';
import { registerDataTokenRoutes } from './routes/data-token.ts';
import { registerDeviceRoutes } from './routes/device.ts';
import { registerOAuthRoutes } from './routes/oauth.ts';
import { registerPolicyRoutes } from './routes/policy.ts';
import { registerProfileRoutes } from './routes/profile.ts';
import { registerPublicKeyRoutes } from './routes/public-key.ts';
import { registerStorageRoutes } from './routes/storage.ts';
import { registerTransferRoutes } from './routes/transfer.ts';
import { registerUtilityRoutes } from './routes/utility.ts';
import { registerVerifiedAuthenticatorRoutes } from './routes/verified-authenticator.ts';
import { registerVotingRoutes } from './routes/voting.ts';

/** Contract §1.1 CORS. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'X-DPT-CAB-ID, X-DPT-CAB-REQUEST-ID, X-DPT-COMMAND-STATUS, X-DPT-CAB-REASON, ETag, Content-Range, Content-Length, Retry-After',
};

/**
 * Builds the HTTP API without listening, so tests can `inject` and server.ts can listen; with
 * `https`, the server speaks TLS (the WebSocket upgrades on it are then wss). `trustProxy`: the
 * reverse proxy whose X-Forwarded-For names the client (request.ip).
 */
export function buildApp(
  ctx: EngineContext,
  options: { https?: { key: string; cert: string }; trustProxy?: string } = {},
): FastifyInstance {
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Per-request lines would dominate the log at benchmark rates; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    routerOptions: {
      ignoreTrailingSlash: true,
      maxParamLength: 200,
      // Contract §1.2: query strings use PHP-style arrays too (`scope[]=a&scope[]=b`).
      querystringParser: parseUrlEncoded,
    },
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', strict: false, verbose: true } },
    return503OnClosing: true,
  });

  registerBodyParsers(app);

  app.addHook('onRequest', async (_request, reply) => {
    void reply.headers(CORS_HEADERS);
  });
  app.options('*', async (_request, reply) =>
    reply
      .code(204)
      .headers({
        'access-control-allow-methods': 'GET, POST, HEAD',
        'access-control-allow-headers': 'X-DPT-AUTHORIZATION, Authorization, Content-Type, Range',
        'access-control-max-age': '600',
      })
      .send(),
  );

  app.setErrorHandler((error, request, reply) => sendError(reply, error, request));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new DomainError(
        404,
        'route.not_found',
        `No route ${request.method} ${request.url.split('?')[0]}.`,
      ),
    ),
  );

  // The channel upgrade is handled by the HTTP server (server.ts); a plain GET gets 426.
  app.get('/ws', async () => {
    throw new DomainError(426, 'websocket.upgrade_required', 'Connect with a WebSocket upgrade.');
  });

  registerUtilityRoutes(app, ctx);
  registerProfileRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerPublicKeyRoutes(app, ctx);
  registerDeviceRoutes(app, ctx);
  registerStorageRoutes(app, ctx);
  registerDataTokenRoutes(app, ctx);
  registerTransferRoutes(app, ctx);
  registerVerifiedAuthenticatorRoutes(app, ctx);
  registerPolicyRoutes(app, ctx);
  registerVotingRoutes(app, ctx);
  return app;
}
