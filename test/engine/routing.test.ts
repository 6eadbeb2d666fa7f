import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Endpoint } from '../../engine/http/endpoints.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';

/** Areas whose endpoints this engine serves; every endpoint of these must be routed. */
const ROUTED_AREAS = new Set([
  'websocket',
  'utility',
  'profile',
  'public-key',
  'data-token',
  'device',
  'storage',
  'oauth',
  'verified-authenticator',
  'policy',
  'voting',
  'directory',
]);

const DUMMY_ID = '01900000-0000-7000-8000-000000000000';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
});
afterAll(() => engine.close());

function concrete(path: string): string {
  return path.replace(/\{\w+\}/g, DUMMY_ID);
}

async function call(method: string, path: string) {
  return api.raw(concrete(path), {
    method,
    ...(method === 'POST'
      ? { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } }
      : {}),
  });
}

const served = endpoints.filter((e: Endpoint) => ROUTED_AREAS.has(e.area));

// test/unit/engine/http/endpoints.test.ts checks the table itself against the contract.
describe('endpoint table', () => {
  it.each(
    served.flatMap((e) => [
      { id: e.id, method: e.method, path: e.path },
      ...e.aliases.map((a) => ({ id: `${e.id} (alias)`, ...a })),
    ]),
  )('$id is routed as $method $path', async ({ method, path }) => {
    const response = await call(method, path);
    expect(response.status).not.toBe(500);
    if (response.status === 404)
      expect((response.body as { reason: string }).reason).not.toBe('route.not_found');
  });

  it.each(served.filter((e) => e.id !== 'websocket.channel'))(
    '$id takes no other method',
    async (e) => {
      const methods = new Set([e.method, ...e.aliases.map((a) => a.method)]);
      const other =
        methods.has('GET') && methods.has('POST') ? undefined : methods.has('GET') ? 'POST' : 'GET';
      if (!other) return;
      const response = await call(other, e.path);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ status: 404, reason: 'route.not_found' });
    },
  );

  it.each(
    served
      .filter((e) => e.id !== 'websocket.channel')
      .flatMap((e) => [
        { id: e.id, method: e.method, path: e.path },
        ...e.aliases.map((a) => ({ id: `${e.id} (alias)`, ...a })),
      ]),
  )('accepts a trailing slash on $id ($method $path/)', async ({ method, path }) => {
    const plain = await call(method, path);
    const slashed = await call(method, `${path}/`);
    expect(slashed.status).toBe(plain.status);
    expect((slashed.body as { reason?: string } | undefined)?.reason).toBe(
      (plain.body as { reason?: string } | undefined)?.reason,
    );
  });

  it('answers unknown routes with route.not_found in the error shape', async () => {
    const response = await api.get('/no/such/route');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      status: 404,
      reason: 'route.not_found',
      message: expect.any(String),
    });
  });

  it('answers CORS preflight with 204 and the contract headers', async () => {
    const response = await api.raw('/profile/authenticate', { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, HEAD');
    expect(response.headers.get('access-control-allow-headers')).toContain('X-DPT-AUTHORIZATION');
    const health = await api.get('/health');
    expect(health.headers.get('access-control-expose-headers')).toContain('X-DPT-CAB-ID');
  });
});
