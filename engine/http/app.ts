import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { EngineContext } from '../context.ts';
import { DomainError } from '../domain/domain-error.ts';
import { BODY_LIMIT, registerBodyParsers } from './body-parsers.ts';
import { lazyValidators } from './lazy-validators.ts';
import { CORS_HEADERS } from './cors-headers.ts';
import { sendError } from './errors.ts';
import { clientErrorBody, endWithError } from './raw-error-response.ts';
import { parseUrlEncoded } from './form-fields.ts';
import { registerDataTokenRoutes } from './routes/data-token.ts';
import { registerDeviceRoutes } from './routes/device.ts';
import { registerDirectoryRoutes } from './routes/directory.ts';
import { registerOAuthRoutes } from './routes/oauth.ts';
import { registerPolicyRoutes } from './routes/policy.ts';
import { registerProfileRoutes } from './routes/profile.ts';
import { registerPublicKeyRoutes } from './routes/public-key.ts';
import { registerStorageRoutes } from './routes/storage.ts';
import { registerTransferRoutes } from './routes/transfer.ts';
import { registerUtilityRoutes } from './routes/utility.ts';
import { registerVerifiedAuthenticatorRoutes } from './routes/verified-authenticator.ts';
import { registerVotingRoutes } from './routes/voting.ts';

/** Path parameters are ids and tokens; anything longer names nothing (414 in the error shape). */
const MAX_PARAM_LENGTH = 200;

/** The contract has no shutdown status; 503 says what happened, with its generic reason. */
export const SHUTTING_DOWN = new DomainError(
  503,
  'server.error',
  'The engine is shutting down; try again shortly.',
);

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
      maxParamLength: MAX_PARAM_LENGTH,
      // Contract §1.2: query strings use PHP-style arrays too (`scope[]=a&scope[]=b`).
      querystringParser: parseUrlEncoded,
    },
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: 'array',
        strict: false,
        verbose: true,
        // Our route schemas are constants, checked against the JSON Schema meta-schema by
        // test/unit/engine/route-schemas.test.ts; checking them again in every process compiles
        // the meta-schema on the first request (a tenth of a CLI `ls`).
        validateSchema: false,
      },
    },
    schemaController: lazyValidators,
    // Requests arriving while the engine closes get our own 503 below, in the error shape.
    return503OnClosing: false,
    // Errors raised before routing, in the error shape like every other answer.
    frameworkErrors: (error, request, reply) => {
      void reply.headers(CORS_HEADERS);
      const answer =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new DomainError(
              414,
              'request.too_large',
              `A path parameter is longer than ${MAX_PARAM_LENGTH} characters.`,
            )
          : new DomainError(400, 'request.malformed', 'The request URL could not be decoded.');
      void sendError(reply, answer, request);
    },
    clientErrorHandler: (error, socket) => {
      if ((error as { code?: string }).code === 'ECONNRESET') return socket.destroy();
      endWithError(socket, clientErrorBody(error));
    },
  });

  registerBodyParsers(app);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    void reply.headers(CORS_HEADERS);
    if (closing) throw SHUTTING_DOWN;
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
  registerDirectoryRoutes(app, ctx);
  registerVerifiedAuthenticatorRoutes(app, ctx);
  registerPolicyRoutes(app, ctx);
  registerVotingRoutes(app, ctx);
  return app;
}
