import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  describeApplication,
  listApplications,
  listConsents,
  registerApplication,
  requestAuthorizationCode,
  retrieveAuthorizationCode,
  retrieveConfiguration,
  revokeApplication,
  revokeConsent,
} from '../../domain/oauth.ts';
import { readScopes } from '../../domain/oauth-scopes.ts';
import {
  obtainAccessToken,
  refreshAccessToken,
  retrieveScope,
  type IssuedPair,
} from '../../domain/oauth-tokens.ts';
import type { OAuthApplicationRecord } from '../../store/oauth-store.ts';
import { isoSeconds } from '../../time.ts';
import { text } from '../field-schemas.ts';
import { reference } from '../resource-fields.ts';
import { accepted, route, type JsonSchema } from '../route.ts';

/**
 * Contract §5 names: 1–200 characters. Control and bidirectional-override characters are refused
 * too: a consent screen shows the name, and they would let one name pass for another.
 */
const applicationName: JsonSchema = {
  ...text(1, 200),
  pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]*$',
  description: 'must not contain control or text-direction characters',
};
/** A scope list: an array, or one comma- or space-separated string (contract §5). */
const scopeList: JsonSchema = {
  anyOf: [
    { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 50 },
    { type: 'string', maxLength: 1000 },
  ],
};
/** Contract §5: a nonce is 8–255 characters. */
const nonce: JsonSchema = text(8, 255);

/** Contract §5 list item. */
function applicationView(application: OAuthApplicationRecord) {
  return {
    applicationId: application.id,
    name: application.name,
    redirectUri: application.redirectUri,
    scopes: application.scopes,
    createdAt: isoSeconds(application.createdAt),
  };
}

/** Contract §5 obtain-access-token and refresh-access-token. */
function tokenView(pair: IssuedPair) {
  return {
    clientId: pair.clientId,
    token: pair.token,
    refreshToken: pair.refreshToken,
    type: 'bearer',
    scope: pair.scopes.join(' '),
    expiresAt: isoSeconds(pair.expiresAt),
    refreshTokenExpiresAt: isoSeconds(pair.refreshTokenExpiresAt),
  };
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<{ name: string; redirectUri: string; scopes: unknown }>(
    app,
    ctx,
    'oauth.register-application',
    {
      fields: { name: applicationName, redirectUri: text(1, 2048), scopes: scopeList },
      handler: async ({ input, caller, reply }) =>
        accepted(
          reply,
          await registerApplication(ctx, caller, {
            name: input.name,
            redirectUri: input.redirectUri,
            scopes: readScopes('scopes', input.scopes),
          }),
        ),
    },
  );

  route<{ applicationId: string }>(app, ctx, 'oauth.retrieve-application-configuration', {
    fields: { applicationId: reference },
    handler: async ({ input, caller }) => {
      const { application, clientSecret } = await retrieveConfiguration(
        ctx,
        caller,
        input.applicationId,
      );
      return {
        applicationId: application.id,
        clientId: application.clientId,
        clientSecret,
        redirectUri: application.redirectUri,
        scopes: application.scopes,
      };
    },
  });

  route<{ client_id: string; nonce: string; scope: unknown }>(
    app,
    ctx,
    'oauth.request-authorization-code',
    {
      fields: { client_id: reference, nonce, scope: scopeList },
      handler: async ({ input, caller, reply }) =>
        accepted(
          reply,
          await requestAuthorizationCode(ctx, caller, {
            clientId: input.client_id,
            nonce: input.nonce,
            scopes: readScopes('scope', input.scope),
          }),
        ),
    },
  );

  route<{ id: string; nonce: string }>(app, ctx, 'oauth.retrieve-authorization-code', {
    fields: { id: reference, nonce: text(1, 255) },
    handler: async ({ input, client }) => {
      const retrieved = await retrieveAuthorizationCode(ctx, client, input);
      return {
        clientId: client.clientId,
        nonce: retrieved.request.nonce,
        authorizationCode: retrieved.authorizationCode,
        expiresAt: isoSeconds(retrieved.expiresAt),
      };
    },
  });

  route<{ authorization_code: string }>(app, ctx, 'oauth.obtain-access-token', {
    fields: { authorization_code: reference },
    handler: async ({ input, client }) =>
      tokenView(await obtainAccessToken(ctx, client, input.authorization_code)),
  });

  route<{ refresh_token: string }>(app, ctx, 'oauth.refresh-access-token', {
    fields: { refresh_token: reference },
    handler: async ({ input, accessToken }) =>
      tokenView(await refreshAccessToken(ctx, accessToken, input.refresh_token)),
  });

  route(app, ctx, 'oauth.list-applications', {
    handler: async ({ caller }) => {
      const items = (await listApplications(ctx, caller)).map(applicationView);
      return { items, meta: { count: items.length } };
    },
  });

  route(app, ctx, 'oauth.retrieve-application-scope', {
    handler: async ({ accessToken }) => retrieveScope(ctx, accessToken),
  });

  route<{ applicationId: string }>(app, ctx, 'oauth.revoke-application', {
    fields: { applicationId: reference },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await revokeApplication(ctx, caller, input.applicationId)),
  });

  route<{ client_id: string }>(app, ctx, 'oauth.describe-application', {
    fields: { client_id: reference },
    handler: async ({ input }) => {
      const application = await describeApplication(ctx, input.client_id);
      return {
        clientId: application.clientId,
        name: application.name,
        redirectUri: application.redirectUri,
        scopes: application.scopes,
        createdAt: isoSeconds(application.createdAt),
      };
    },
  });

  route(app, ctx, 'oauth.list-consents', {
    handler: async ({ caller }) => {
      const items = (await listConsents(ctx, caller)).map(({ request, application, state }) => ({
        requestId: request.id,
        clientId: application.clientId,
        name: application.name,
        redirectUri: application.redirectUri,
        scopes: request.scopes,
        consentedAt: isoSeconds(request.createdAt),
        deviceIdentifier: request.deviceId,
        state,
      }));
      return { items, meta: { count: items.length } };
    },
  });

  route<{ clientId: string }>(app, ctx, 'oauth.revoke-consent', {
    fields: { clientId: reference },
    handler: async ({ input, caller }) => ({
      revoked: await revokeConsent(ctx, caller, input.clientId),
    }),
  });
}
