// Every endpoint of the table (engine/http/endpoints.ts), signed in, with each of its parameters
// given a hostile value in turn: too long, an array where a string goes, an object, text that is
// not valid UTF-8, NUL and control characters, a number past 2^53 or past a double, a
// prototype-polluting key, a path that climbs. Whatever the endpoint makes of it, the answer is
// never a 5xx, a failure comes in the contract's error shape, and the engine stays healthy and
// keeps serving the profile afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Endpoint, type EndpointParam } from '../../engine/http/endpoints.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire, type WireResponse } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let profile: TestProfile;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  profile = await createProfile(api, { withKey: true });
}, 60_000);
afterAll(() => engine?.close());

/** Hostile values as they go on the wire: raw (already percent-encoded) for form and query. */
const FORM_VALUES: readonly (readonly [string, (name: string) => string])[] = [
  ['100 000 characters', (name) => `${name}=${'a'.repeat(100_000)}`],
  ['an array', (name) => `${name}[]=a&${name}[]=b`],
  ['an object', (name) => `${name}[x]=1&${name}[y][z]=2`],
  ['invalid UTF-8', (name) => `${name}=%ED%A0%80%FF%C0%AF`],
  ['NUL and controls', (name) => `${name}=a%00b%1B%5B2J%0D%0A`],
  ['past 2^53', (name) => `${name}=99999999999999999999999`],
  ['past a double', (name) => `${name}=1e309`],
  ['negative', (name) => `${name}=-1`],
  ['a climbing path', (name) => `${name}=..%2F..%2F..%2Fetc%2Fpasswd`],
  [
    'a polluting key',
    (name) => `__proto__[polluted]=1&constructor[prototype][polluted]=1&${name}=x`,
  ],
  ['given twice', (name) => `${name}=a&${name}=b`],
];

/** A number written into the JSON text as it is (JSON.stringify could not write it). */
class RawNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `@raw:${this.text}@`;
  }
}

const JSON_VALUES: readonly (readonly [string, unknown])[] = [
  ['100 000 characters', 'a'.repeat(100_000)],
  ['an array of objects', [{ a: 1 }, [2]]],
  ['an object', { x: { y: 1 } }],
  ['a lone surrogate', '\ud800x'],
  ['NUL and controls', 'a\u0000b\u001b[2J\r\n'],
  ['past 2^53', new RawNumber('99999999999999999999999')],
  ['past a double', new RawNumber('1e309')],
  ['negative', -1],
  ['a fraction', 1.5],
  ['null', null],
  ['true', true],
];

function pathWith(endpoint: Endpoint, raw: string): string {
  return endpoint.path.replace(/\{[^}]+\}/g, raw);
}

async function send(endpoint: Endpoint, init: { path?: string; body?: string; type?: string }) {
  const path = init.path ?? pathWith(endpoint, 'x');
  return api.raw(path, {
    method: endpoint.method,
    token: profile.token,
    ...(init.type ? { headers: { 'content-type': init.type } } : {}),
    ...(init.body !== undefined && endpoint.method === 'POST' ? { body: init.body } : {}),
  });
}

function expectHandled(response: WireResponse, what: string): void {
  expect(response.status, what).toBeLessThan(500);
  if (response.status >= 400)
    expect(response.body, what).toMatchObject({
      status: response.status,
      reason: expect.any(String),
      message: expect.any(String),
    });
}

const withParams = (where: EndpointParam['in']) =>
  endpoints.filter((endpoint) => endpoint.params.some((param) => param.in === where));

describe('hostile parameter values on every endpoint', () => {
  it('form fields', async () => {
    for (const endpoint of withParams('form')) {
      const params = endpoint.params.filter((param) => param.in === 'form');
      for (const param of params)
        for (const [label, value] of FORM_VALUES) {
          const others = params
            .filter((other) => other !== param)
            .map((other) => `${other.name}=${other.type === 'integer' ? '1' : 'x'}`);
          const response = await send(endpoint, {
            body: [value(param.name), ...others].join('&'),
            type: 'application/x-www-form-urlencoded',
          });
          expectHandled(response, `${endpoint.id} ${param.name}: ${label}`);
        }
    }
  }, 180_000);

  it('JSON fields', async () => {
    for (const endpoint of withParams('json')) {
      const params = endpoint.params.filter((param) => param.in === 'json');
      for (const param of params)
        for (const [label, value] of JSON_VALUES) {
          const body: Record<string, unknown> = {};
          for (const other of params) body[other.name] = other.type === 'integer' ? 1 : 'x';
          body[param.name] = value;
          const text = JSON.stringify(body)
            .replace(/"@raw:([^@]+)@"/, '$1')
            .replace('{', '{"__proto__":{"polluted":1},');
          const response = await send(endpoint, { body: text, type: 'application/json' });
          expectHandled(response, `${endpoint.id} ${param.name}: ${label}`);
        }
    }
  }, 180_000);

  it('query and path parameters', async () => {
    const raws = [
      '%00',
      '..%2F..%2Fetc',
      'a'.repeat(8_000),
      '%ED%A0%80',
      '%252e%252e',
      '__proto__',
    ];
    for (const endpoint of withParams('query'))
      for (const param of endpoint.params.filter((each) => each.in === 'query'))
        for (const raw of raws) {
          const response = await send(endpoint, {
            path: `${pathWith(endpoint, 'x')}?${param.name}=${raw}&${param.name}[]=b`,
          });
          expectHandled(response, `${endpoint.id} ?${param.name}=${raw.slice(0, 20)}`);
        }
    for (const endpoint of withParams('path'))
      for (const raw of raws) {
        const response = await send(endpoint, { path: pathWith(endpoint, raw) });
        expectHandled(response, `${endpoint.id} path ${raw.slice(0, 20)}`);
      }
  }, 180_000);

  it('leaves the engine healthy, serving the profile, and no prototype polluted', async () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const id = await api.get('/profile/retrieve-profile-id', profile.token);
    expect(id.status).toBe(200);
    const files = await api.get('/data-token/list-data-tokens', profile.token);
    expect(files.status).toBe(200);
  });
});
