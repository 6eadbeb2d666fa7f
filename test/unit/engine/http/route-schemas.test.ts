// Every route's JSON schemas against the JSON Schema meta-schema. The engine's Ajv does not check
// them itself (validateSchema: false in engine/http/app.ts: compiling the meta-schema in every
// process was a tenth of a CLI `ls`), so this is where a malformed schema is caught.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { EngineContext } from '../../../../engine/context.ts';
import { endpoints } from '../../../../engine/http/endpoints.ts';

const ROUTES = join(import.meta.dirname, '..', '..', '..', '..', 'engine', 'http', 'routes');

type Register = (app: FastifyInstance, ctx: EngineContext) => void;

/** Each route's schema parts (body, querystring, …), registered by every route file. */
async function routeSchemas(): Promise<{ route: string; part: string; schema: object }[]> {
  const found: { route: string; part: string; schema: object }[] = [];
  const app = Fastify();
  app.addHook('onRoute', (route) => {
    for (const [part, schema] of Object.entries(route.schema ?? {}))
      found.push({ route: `${String(route.method)} ${route.url}`, part, schema: schema as object });
  });
  // Registration only records handlers; nothing reads the context until a request comes.
  const ctx = {} as EngineContext;
  let registered = 0;
  for (const file of readdirSync(ROUTES).filter((name) => name.endsWith('.ts'))) {
    const module = (await import(pathToFileURL(join(ROUTES, file)).href)) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(module)) {
      if (!/^register\w+Routes$/.test(name) || typeof value !== 'function') continue;
      (value as Register)(app, ctx);
      registered += 1;
    }
  }
  await app.ready();
  await app.close();
  expect(registered).toBeGreaterThanOrEqual(12);
  return found;
}

describe('route schemas', () => {
  it('are valid JSON Schema (draft-07), every part of every route', async () => {
    const schemas = await routeSchemas();
    // Most endpoints take fields; each of them must have been seen.
    const withFields = endpoints.filter((ep) => ep.params.some((p) => p.in !== 'path'));
    expect(schemas.length).toBeGreaterThanOrEqual(withFields.length / 2);
    const ajv = new Ajv({ strict: false });
    const invalid = schemas
      .filter(({ schema }) => !ajv.validateSchema(schema))
      .map(({ route, part }) => `${route} ${part}: ${ajv.errorsText(ajv.errors)}`);
    expect(invalid).toEqual([]);
  });

  it('would catch a malformed one', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema({ type: 'object', properties: { a: { maxLength: '3' } } })).toBe(
      false,
    );
  });
});
