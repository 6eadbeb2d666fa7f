import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asGrant } from '../commands/command-origin.ts';
import type { Caller } from '../domain/authorization.ts';
import { resolveCaller } from '../domain/authorization.ts';
import { DomainError, invalid } from '../domain/domain-error.ts';
import { authenticateClient } from '../domain/oauth.ts';
import type { EngineContext } from '../context.ts';
import type { OAuthApplicationRecord } from '../store/oauth-store.ts';
import { basicCredential, clientCredentials } from './basic-credentials.ts';
import { fieldWithNul } from './nul-characters.ts';
import {
  endpoint as lookup,
  type Endpoint,
  type EndpointId,
  type EndpointParam,
} from './endpoints.ts';
import { accessVerdict, notAllowedMessage, scopeDeniedMessage } from './token-access.ts';

export type JsonSchema = Record<string, unknown>;

export interface RouteInput<I> {
  request: FastifyRequest;
  reply: FastifyReply;
  /** Validated fields: from the query on GET routes and aliases, from the body on POST. */
  input: I;
  /** Path parameters. */
  params: Record<string, string>;
  /** Set on `token` endpoints. */
  caller: Caller;
  /** Set on `basic-client` endpoints: the application the client credentials name. */
  client: OAuthApplicationRecord;
  /** Set on `basic-access-token` endpoints: the token as sent (the handler checks it). */
  accessToken: string;
}

type Authenticated = FastifyRequest & {
  caller?: Caller;
  client?: OAuthApplicationRecord;
  accessToken?: string;
};

export interface RouteDefinition<I> {
  /**
   * JSON schema of each field the endpoint table lists for the body (or the query of a GET);
   * which of them are required comes from the table.
   */
  fields?: Record<string, JsonSchema>;
  /** Free-form endpoints keep fields they do not list (contract §1.2). */
  additional?: JsonSchema | boolean;
  handler(route: RouteInput<I>): Promise<unknown>;
}

/**
 * Contract §1.4 key gating: until its public key is registered a profile reaches only these.
 * WebSocket joinChannel is exempt too (engine/channel).
 */
const KEY_GATE_EXEMPT = new Set<string>([
  'public-key.register-public-key',
  'profile.retrieve-profile-id',
  'profile.authorization-token-expiry',
  'profile.reauthorize-authorization-token',
  'profile.revoke-authorization-token',
  'profile.change-password',
  'profile.revoke-other-authorization-tokens',
]);

function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * The fields a route validates: the table's body or query parameters, less the transfer
 * credential of query-auth endpoints (checked as a credential, 401, not as a field).
 */
function fieldParams(ep: Endpoint): readonly EndpointParam[] {
  return ep.params.filter(
    (p) =>
      (p.in === 'form' || p.in === 'json' || p.in === 'query') &&
      !(ep.auth === 'query-auth' && p.name === 'auth'),
  );
}

/** A route's field schemas must name exactly the table's parameters, so neither drifts. */
function checkFields(ep: Endpoint, fields: Record<string, JsonSchema> | undefined): void {
  const listed = fieldParams(ep).map((p) => p.name);
  const schemas = Object.keys(fields ?? {});
  const unlisted = schemas.filter((name) => !listed.includes(name));
  const unchecked = listed.filter((name) => !schemas.includes(name));
  if (unlisted.length > 0 || unchecked.length > 0)
    throw new Error(
      `${ep.id}: field schemas and the endpoint table disagree (not in the table: ${unlisted.join(', ') || 'none'}; no schema: ${unchecked.join(', ') || 'none'})`,
    );
}

/**
 * Registers one contract endpoint and its aliases from the endpoint table, so the routes can
 * never drift from it: authentication and gating in onRequest (before the body is read, as the
 * contract's check order requires), then body parsing, schema validation and the handler.
 */
export function route<I = Record<string, unknown>>(
  app: FastifyInstance,
  ctx: EngineContext,
  id: EndpointId,
  definition: RouteDefinition<I>,
): void {
  const ep: Endpoint = lookup(id);
  checkFields(ep, definition.fields);
  const objectSchema: JsonSchema | undefined = definition.fields
    ? {
        type: 'object',
        properties: definition.fields,
        required: fieldParams(ep)
          .filter((p) => p.required)
          .map((p) => p.name),
        ...(definition.additional !== undefined
          ? { additionalProperties: definition.additional }
          : {}),
      }
    : undefined;

  for (const variant of [{ method: ep.method, path: ep.path }, ...ep.aliases]) {
    const inQuery = variant.method === 'GET';
    app.route({
      method: variant.method,
      url: fastifyPath(variant.path),
      config: { endpoint: ep },
      schema: objectSchema
        ? inQuery
          ? { querystring: objectSchema }
          : { body: objectSchema }
        : {},
      onRequest: async (request) => {
        // Authentication and authorisation, in the contract's order (§1.5): credentials (401),
        // then what this kind of token may reach and an OAuth token's scope (token-access.ts),
        // then key gating (403).
        const authenticated = request as Authenticated;
        if (ep.auth === 'basic-client') {
          const { clientId, clientSecret } = clientCredentials(
            basicCredential(request.headers.authorization),
          );
          authenticated.client = await authenticateClient(ctx.store, clientId, clientSecret);
          return;
        }
        if (ep.auth === 'basic-access-token') {
          authenticated.accessToken = basicCredential(request.headers.authorization);
          return;
        }
        if (ep.auth !== 'token') return;
        const header = request.headers['x-dpt-authorization'];
        const caller = await resolveCaller(
          ctx.store,
          Array.isArray(header) ? header[0] : header,
          ctx.now(),
        );
        const verdict = accessVerdict(caller, ep.id as EndpointId);
        if (verdict === 'token-kind') {
          throw new DomainError(403, 'auth.token_kind_not_allowed', notAllowedMessage(caller));
        }
        if (verdict === 'scope') {
          throw new DomainError(403, 'oauth.scope_denied', scopeDeniedMessage(ep.id as EndpointId));
        }
        if (caller.profile.publicKey === null && !KEY_GATE_EXEMPT.has(ep.id)) {
          throw new DomainError(
            403,
            'profile.public_key_required',
            'Register the profile public key first (POST /public-key/register-public-key).',
          );
        }
        authenticated.caller = caller;
      },
      preValidation: async (request) => {
        // A POST with no body at all still validates as an empty form.
        if (!inQuery && objectSchema && (request.body === undefined || request.body === null))
          request.body = {};
        // A reference in the path with a NUL names nothing (no stored text holds one): it is
        // looked up as U+FFFD instead, so it answers the resource's 404 on every backend
        // rather than failing PostgreSQL's query. Fields with one are refused, naming the field.
        const params = request.params as Record<string, unknown> | undefined;
        for (const [name, value] of Object.entries(params ?? {}))
          if (typeof value === 'string' && value.includes('\u0000'))
            params![name] = value.replaceAll('\u0000', '\uFFFD');
        // Fastify's query object is not a plain one: its own fields, copied.
        const withNul =
          fieldWithNul({ ...(request.query as object) }) ?? fieldWithNul(request.body);
        if (withNul) throw invalid(withNul, 'must not contain NUL characters');
      },
      handler: async (request, reply) => {
        const input = (inQuery ? request.query : request.body) as I;
        const authenticated = request as Authenticated;
        const run = () =>
          definition.handler({
            request,
            reply,
            input: input ?? ({} as I),
            params: (request.params ?? {}) as Record<string, string>,
            caller: authenticated.caller as Caller,
            client: authenticated.client as OAuthApplicationRecord,
            accessToken: authenticated.accessToken as string,
          });
        // Commands an application sends belong to its grant (commands/command-origin.ts).
        const grantId = authenticated.caller?.oauth?.grantId;
        const result = await (grantId ? asGrant(grantId, run) : run());
        if (reply.sent) return reply;
        return reply.code(ep.success).send(result);
      },
    });
  }
}

/** Answers an accepted asynchronous command: 202, id body, X-DPT-CAB-ID (contract §1.6). */
export function accepted(reply: FastifyReply, commandId: string): string[] {
  void reply.header('X-DPT-CAB-ID', commandId);
  return [commandId];
}
