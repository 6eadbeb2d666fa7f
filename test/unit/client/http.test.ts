import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFields, errorFromResponse, HttpClient } from '../../../client/http.ts';
import { PrivicoreError } from '../../../client/privicore-error.ts';

describe('encodeFields (contract §1.2 form encoding)', () => {
  it('writes arrays PHP style and objects as name[key]', () => {
    const text = encodeFields({
      name: 'a b',
      scope: ['x', 'y'],
      configuration: { k: 'v' },
      n: 5,
      skip: undefined,
      none: null,
    }).toString();
    expect(text).toBe('name=a+b&scope%5B%5D=x&scope%5B%5D=y&configuration%5Bk%5D=v&n=5');
  });
});

describe('errorFromResponse (contract §1.5)', () => {
  it('keeps status, reason, message and errors', () => {
    const error = errorFromResponse(
      422,
      {},
      JSON.stringify({
        status: 422,
        reason: 'validation.failed',
        message: 'The request has invalid fields.',
        errors: { password: ['must be at least 10 characters'] },
      }),
    );
    expect(error).toBeInstanceOf(PrivicoreError);
    expect(error).toMatchObject({
      status: 422,
      reason: 'validation.failed',
      message: 'The request has invalid fields.',
      errors: { password: ['must be at least 10 characters'] },
    });
  });

  it('reads Retry-After on 429', () => {
    const error = errorFromResponse(
      429,
      { 'retry-after': '120' },
      JSON.stringify({ status: 429, reason: 'auth.rate_limited', message: 'slow down' }),
    );
    expect(error.retryAfterSeconds).toBe(120);
  });

  it('still makes a typed error of a body that is not the contract shape', () => {
    expect(errorFromResponse(502, {}, '<html>bad gateway</html>')).toMatchObject({
      status: 502,
      reason: 'server.error',
    });
    expect(errorFromResponse(404, {}, '')).toMatchObject({
      status: 404,
      reason: 'client.protocol',
    });
  });
});

describe('HttpClient against a stub server', () => {
  let server: Server;
  let apiUrl: string;
  const seen: {
    method?: string;
    url?: string;
    headers: IncomingMessage['headers'];
    body: string;
  }[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body });
        if (request.url?.startsWith('/slow')) return; // never answers
        if (request.url?.startsWith('/fail')) {
          response.writeHead(404, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              status: 404,
              reason: 'data_token.not_found',
              message: 'No such token.',
            }),
          );
          return;
        }
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the token on token endpoints only, and forms as x-www-form-urlencoded', async () => {
    let token = 'T-first';
    const http = new HttpClient({ apiUrl, token: () => token });
    await http.request({ method: 'POST', path: '/a', form: { context: '/x' } });
    token = 'T-second';
    await http.request({ method: 'GET', path: '/b', query: { page: 2 } });
    await http.request({ method: 'GET', path: '/c', auth: 'none' });
    http.close();
    const [a, b, c] = seen.slice(-3);
    expect(a).toMatchObject({ method: 'POST', url: '/a', body: 'context=%2Fx' });
    expect(a!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(a!.headers['x-dpt-authorization']).toBe('T-first');
    expect(b).toMatchObject({ method: 'GET', url: '/b?page=2' });
    expect(b!.headers['x-dpt-authorization']).toBe('T-second');
    expect(c!.headers['x-dpt-authorization']).toBeUndefined();
  });

  it('maps an error answer to PrivicoreError', async () => {
    const http = new HttpClient({ apiUrl });
    await expect(http.request({ method: 'GET', path: '/fail' })).rejects.toMatchObject({
      name: 'PrivicoreError',
      status: 404,
      reason: 'data_token.not_found',
    });
    http.close();
  });

  it('maps timeouts, cancellation and an unreachable engine to client.* reasons', async () => {
    const http = new HttpClient({ apiUrl, timeoutMs: 200 });
    await expect(http.request({ method: 'GET', path: '/slow' })).rejects.toMatchObject({
      status: 0,
      reason: 'client.timeout',
    });
    const controller = new AbortController();
    const arrived = seen.length;
    const pending = http.request({
      method: 'GET',
      path: '/slow',
      signal: controller.signal,
      timeoutMs: 0,
    });
    // Cancelled once the server holds the request, so it is in flight.
    while (seen.length === arrived) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ status: 0, reason: 'client.cancelled' });
    http.close();
    const nowhere = new HttpClient({ apiUrl: 'http://127.0.0.1:1' });
    await expect(nowhere.request({ method: 'GET', path: '/health' })).rejects.toMatchObject({
      status: 0,
      reason: 'client.network',
    });
    nowhere.close();
  });
});
