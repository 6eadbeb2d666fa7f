import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let profile: TestProfile;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  profile = await createProfile(api);
});
afterAll(() => engine.close());

function expectErrorShape(
  response: { status: number; body: unknown },
  status: number,
  reason?: string,
): void {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({
    status,
    reason: reason ?? expect.any(String),
    message: expect.any(String),
  });
}

/** Sends bytes exactly as given (fetch would normalise the path). */
function rawRequest(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const url = new URL(engine.apiUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as unknown) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Writes bytes as given on a fresh TCP connection and parses the one response it gets. */
function socketExchange(
  bytes: string,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const url = new URL(engine.apiUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // Left as text: the assertion on the shape names it.
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: parsed });
    });
  });
}

describe('framework errors, in the contract error shape', () => {
  const cases: [string, string, number, string][] = [
    [
      'a path parameter over 200 characters (414)',
      `GET /request-status/${'a'.repeat(300)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      414,
      'request.too_large',
    ],
    [
      'headers over 16 KiB (431)',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      431,
      'request.too_large',
    ],
    [
      'a URL that does not decode',
      'GET /request-status/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
      400,
      'request.malformed',
    ],
    [
      'a method node:http does not know',
      'FROB /health HTTP/1.1\r\nHost: x\r\n\r\n',
      404,
      'route.not_found',
    ],
    ['a method the route lacks', 'PUT /health HTTP/1.1\r\nHost: x\r\n\r\n', 404, 'route.not_found'],
    [
      'DELETE on a POST route',
      'DELETE /profile/authenticate HTTP/1.1\r\nHost: x\r\n\r\n',
      404,
      'route.not_found',
    ],
    ['bytes that are not HTTP', 'HELLO THERE\r\n\r\n', 400, 'request.malformed'],
    [
      'a broken Content-Length',
      'POST /profile/authenticate HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n',
      400,
      'request.malformed',
    ],
    [
      'malformed JSON',
      'POST /profile/authenticate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{bad}',
      400,
      'request.malformed',
    ],
    [
      'a WebSocket upgrade on an unknown path',
      'GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      404,
      'route.not_found',
    ],
    [
      'a channel upgrade without a key',
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n',
      400,
      'request.malformed',
    ],
    [
      'a device-bus upgrade of an unknown WebSocket version',
      'GET /device-bus HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      400,
      'request.malformed',
    ],
  ];

  it.each(cases.map(([what, bytes, status, reason]) => ({ what, bytes, status, reason })))(
    'answers $what with $status $reason',
    async ({ bytes, status, reason }) => {
      const response = await socketExchange(bytes);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.body).toEqual({ status, reason, message: expect.any(String) });
    },
  );
});

describe('bad input', () => {
  it('answers malformed JSON with 400 request.malformed', async () => {
    const response = await api.raw('/profile/register-profile', {
      method: 'POST',
      body: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expectErrorShape(response, 400, 'request.malformed');
  });

  it('answers unknown content types with 400', async () => {
    for (const type of ['text/xml', 'application/x-unknown', 'image/png']) {
      const response = await api.raw('/profile/register-profile', {
        method: 'POST',
        body: '<x/>',
        headers: { 'content-type': type },
      });
      expectErrorShape(response, 400, 'request.malformed');
    }
  });

  it('answers bodies over 4 MiB with 413 request.too_large', async () => {
    const big = 'username=' + 'a'.repeat(4 * 1024 * 1024 + 10);
    const response = await api.raw('/profile/register-profile', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectErrorShape(response, 413, 'request.too_large');
    const json = await api.raw('/profile/authenticate', {
      method: 'POST',
      body: JSON.stringify({ username: 'x'.repeat(5 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expectErrorShape(json, 413, 'request.too_large');
  });

  it('answers wrong types with 422 naming the field', async () => {
    const cases: unknown[] = [
      { username: { nested: 1 }, password: 'long enough password' },
      { username: ['a', 'b'], password: 'long enough password' },
      { username: 'valid-name', password: 12 },
    ];
    for (const body of cases) {
      const response = await api.postJson('/profile/register-profile', body);
      expect([422]).toContain(response.status);
      expect(response.body).toMatchObject({
        reason: 'validation.failed',
        errors: expect.any(Object),
      });
    }
    const notObject = await api.postJson('/profile/register-profile', ['not', 'an', 'object']);
    expect(notObject.status).toBe(422);
    const scalar = await api.postJson('/profile/authenticate', 'just a string');
    expect(scalar.status).toBe(422);
    const arrays = await api.raw('/profile/register-profile', {
      method: 'POST',
      body: 'username[]=a&username[x]=b&password[a][b][c][d][e][f]=c',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(arrays.status).toBe(422);
    const proto = await api.raw('/profile/register-profile', {
      method: 'POST',
      body: '__proto__[polluted]=1&constructor[prototype][x]=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(proto.status).toBe(422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers broken multipart with 400', async () => {
    const response = await api.raw('/profile/register-profile', {
      method: 'POST',
      body: 'garbage',
      headers: { 'content-type': 'multipart/form-data' },
    });
    expectErrorShape(response, 400, 'request.malformed');
  });

  it('handles path tricks without leaking or crashing', async () => {
    for (const path of [
      '/profile/../health/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/request-status/..%2F..%2Fetc',
      '/request-status/%00',
      '/' + 'a'.repeat(8000),
      '/profile/retrieve-profile-id%00',
    ]) {
      const response = await rawRequest(path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.body, path).toMatchObject({
        status: response.status,
        reason: expect.any(String),
      });
    }
  });

  it('ignores bodies on routes that take none', async () => {
    const response = await api.raw('/profile/generate-token-qr', {
      method: 'POST',
      body: '\u0000\u0001binary',
      headers: { 'content-type': 'application/octet-stream', 'X-DPT-AUTHORIZATION': profile.token },
    });
    expect(response.status).toBe(200);
  });

  it('stays healthy after all of it', async () => {
    expect((await api.get('/health')).status).toBe(200);
    expect((await api.get('/profile/retrieve-profile-id', profile.token)).status).toBe(200);
  });
});
