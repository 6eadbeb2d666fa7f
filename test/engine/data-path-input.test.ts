import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Endpoint } from '../../engine/http/endpoints.ts';
import { reserve } from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire, type WireResponse } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import { requestDevice } from '../support/storage-devices.ts';

/**
 * Bad input on every device, storage and data-token endpoint (and redeem-token-qr): each is
 * routed, answers in the contract's error shape (§1.5) and in its check order: credentials
 * (401) → key gating (403) → body (400, 413) → parameter rules (422) → references (404).
 */
const AREAS = new Set(['device', 'storage', 'data-token']);
const covered = endpoints.filter(
  (e: Endpoint) => AREAS.has(e.area) || e.id === 'profile.redeem-token-qr',
);
const tokenEndpoints = covered.filter((e) => e.auth === 'token');
const FOREIGN_ID = '01900000-0000-7000-8000-000000000000';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let profile: TestProfile;
let keyless: TestProfile;
let pendingDevice: string;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  profile = await createProfile(api);
  keyless = await createProfile(api, { withKey: false });
  pendingDevice = await requestDevice(api, profile.token, 'Input test');
});
afterAll(() => engine?.close());

function expectError(response: WireResponse, status: number, reason?: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(response.body).toMatchObject({
    status,
    reason: reason ?? expect.any(String),
    message: expect.any(String),
  });
  const keys = Object.keys(response.body as object);
  expect(keys.every((key) => ['status', 'reason', 'message', 'errors'].includes(key))).toBe(true);
}

function concrete(path: string): string {
  return path.replace(/\{\w+\}/g, FOREIGN_ID);
}

async function call(
  e: Pick<Endpoint, 'method' | 'path'>,
  fields: Record<string, unknown>,
  token?: string,
): Promise<WireResponse> {
  if (e.method === 'GET') {
    const query = new URLSearchParams(
      Object.entries(fields).map(([k, v]) => [k, String(v)]),
    ).toString();
    return api.get(`${concrete(e.path)}${query ? `?${query}` : ''}`, token);
  }
  return api.postJson(concrete(e.path), fields, token);
}

describe('every endpoint of the data path', () => {
  it('covers the areas of this issue', () => {
    expect(covered.length).toBe(25);
  });

  it.each(tokenEndpoints)(
    '$id: 401 without or with a bad token, 403 before the key is registered',
    async (e) => {
      expectError(await call(e, {}), 401, 'auth.missing_token');
      expectError(
        await call(e, {}, `T-${randomBytes(32).toString('base64url')}`),
        401,
        'auth.invalid_token',
      );
      expectError(await call(e, {}, keyless.token), 403, 'profile.public_key_required');
    },
  );

  it.each(
    covered.filter((e) =>
      e.params.some(
        (p) => p.required && (p.in === 'form' || (p.in === 'query' && e.auth !== 'query-auth')),
      ),
    ),
  )('$id: 422 naming every missing required field', async (e) => {
    const response = await call(e, {}, profile.token);
    expectError(response, 422, 'validation.failed');
    const errors = (response.body as { errors: Record<string, string[]> }).errors;
    for (const param of e.params.filter((p) => p.required && p.in !== 'path'))
      expect(errors, param.name).toHaveProperty(param.name);
  });

  it.each(covered.filter((e) => e.auth === 'query-auth'))(
    '$id: 401 auth.missing_token without ?auth',
    async (e) => {
      const response =
        e.method === 'GET'
          ? await api.get(e.path)
          : await api.raw(e.path, {
              method: 'POST',
              body: 'x',
              headers: { 'content-type': 'application/octet-stream' },
            });
      expectError(response, 401, 'auth.missing_token');
    },
  );
});

describe('malformed and foreign references answer 404 with the resource key', () => {
  const deviceCalls = [
    'configure-meta',
    'approve-device',
    'reject-device',
    'download-device-configuration',
    'remove',
  ].map((verb) => `/device/${verb}`);
  const storageCalls = ['register', 'synchronize', 'remove'].map((verb) => `/storage/${verb}`);

  it.each([...deviceCalls, ...storageCalls])('%s', async (path) => {
    for (const deviceIdentifier of [
      'nope',
      FOREIGN_ID,
      FOREIGN_ID.toUpperCase(),
      `${pendingDevice}x`,
      '../../etc',
      'x'.repeat(5000),
    ]) {
      expectError(
        await api.post(path, { deviceIdentifier }, profile.token),
        404,
        'device.not_found',
      );
    }
  });

  it('retrieve-unique-identifier and the configuration alias', async () => {
    for (const id of ['nope', FOREIGN_ID])
      expectError(
        await api.post('/device/retrieve-unique-identifier', { id }, profile.token),
        404,
        'device.not_found',
      );
    expectError(
      await api.get('/device/retrieve-device-configuration?deviceIdentifier=nope', profile.token),
      404,
      'device.not_found',
    );
  });

  it('data-token calls', async () => {
    const temporary = [
      'P-short',
      `P-${'!'.repeat(43)}`,
      `P-${randomBytes(32).toString('base64url')}`,
      `D-${randomBytes(32).toString('base64url')}`,
    ];
    const permanent = [
      'D-short',
      `D-${randomBytes(32).toString('base64url')}`,
      `P-${randomBytes(32).toString('base64url')}`,
      'x'.repeat(3000),
    ];
    for (const token of temporary) {
      expectError(
        await api.post(
          '/data-token/exchange-data-for-token',
          { temporaryTokenSpace: token, data: 'AAAA' },
          profile.token,
        ),
        404,
        'data_token.not_found',
      );
      expectError(
        await api.post(
          '/data-token/configure-file-meta',
          { token, fileName: 'f', size: '1' },
          profile.token,
        ),
        404,
        'data_token.not_found',
      );
    }
    for (const token of permanent) {
      for (const [path, extra] of [
        ['/data-token/request-data', {}],
        ['/data-token/update-data-token', { fileName: 'f' }],
        ['/data-token/configure-information-security-risk-meta', {}],
        ['/data-token/delete-data', {}],
      ] as const) {
        expectError(
          await api.post(path, { token, ...extra }, profile.token),
          404,
          'data_token.not_found',
        );
      }
    }
    for (const id of ['nope', FOREIGN_ID, '%00']) {
      expectError(
        await api.get(`/data-token/retrieve-temporary-data-token/${id}`, profile.token),
        404,
        'data_token.not_found',
      );
    }
  });
});

describe('parameter rules answer 422 naming the field', () => {
  async function expectInvalid(
    path: string,
    fields: Record<string, unknown>,
    field: string,
    method: 'POST' | 'GET' = 'POST',
  ): Promise<void> {
    const response = await call({ method, path }, fields, profile.token);
    expectError(response, 422, 'validation.failed');
    expect(
      (response.body as { errors: Record<string, unknown> }).errors,
      `${path} ${JSON.stringify(fields).slice(0, 80)}`,
    ).toHaveProperty(field);
  }

  it('device fields', async () => {
    await expectInvalid('/device/request-unique-identifier', { deviceName: '' }, 'deviceName');
    await expectInvalid(
      '/device/request-unique-identifier',
      { deviceName: 'd'.repeat(256) },
      'deviceName',
    );
    await expectInvalid(
      '/device/request-unique-identifier',
      { deviceName: { a: 1 } },
      'deviceName',
    );
    await expectInvalid(
      '/device/request-unique-identifier',
      { deviceName: 'ok', publicKey: 'f'.repeat(200) },
      'publicKey',
    );
    await expectInvalid(
      '/device/approve-device',
      { deviceIdentifier: ['a', 'b'] },
      'deviceIdentifier',
    );
    await expectInvalid(
      '/device/configure-meta',
      { deviceIdentifier: pendingDevice, name: 'n'.repeat(256) },
      'name',
    );
    await expectInvalid(
      '/profile/redeem-token-qr',
      { qrToken: 'Q-x', deviceName: '' },
      'deviceName',
    );
  });

  it('data-token fields', async () => {
    const reservation = await reserve(api, profile.token);
    await expectInvalid('/data-token/reserve-token-space', { context: '' }, 'context');
    await expectInvalid(
      '/data-token/reserve-token-space',
      { context: 'c'.repeat(1025) },
      'context',
    );
    for (const ttl of [0, 1441, 'soon', 1.5])
      await expectInvalid('/data-token/reserve-token-space', { context: '/x', ttl }, 'ttl');
    await expectInvalid(
      '/data-token/reserve-token-space',
      { context: '/x', meta: 'm'.repeat(4097) },
      'meta',
    );
    await expectInvalid(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: '' },
      'data',
    );
    await expectInvalid(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: '***' },
      'data',
    );
    await expectInvalid(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: ['AAAA', 'BBBB'] },
      'data',
    );
    const meta = { token: reservation.token, fileName: 'f', size: 1 };
    await expectInvalid(
      '/data-token/configure-file-meta',
      { ...meta, fileName: 'f'.repeat(256) },
      'fileName',
    );
    await expectInvalid(
      '/data-token/configure-file-meta',
      { ...meta, extension: 'x'.repeat(33) },
      'extension',
    );
    await expectInvalid(
      '/data-token/configure-file-meta',
      { ...meta, extension: '.pdf' },
      'extension',
    );
    await expectInvalid('/data-token/configure-file-meta', { ...meta, size: -1 }, 'size');
    await expectInvalid('/data-token/configure-file-meta', { ...meta, size: 'big' }, 'size');
    await expectInvalid(
      '/data-token/configure-file-meta',
      { ...meta, path: 'p'.repeat(1025) },
      'path',
    );
    await expectInvalid('/data-token/configure-file-meta', { ...meta, context: '' }, 'context');
    for (const [field, value] of [
      ['page', 0],
      ['perPage', 0],
      ['perPage', 501],
      ['sort', 'owner'],
      ['order', 'up'],
      ['page', 'first'],
    ] as const) {
      await expectInvalid('/data-token/list-data-tokens', { [field]: value }, field, 'GET');
    }
    await expectInvalid(
      '/data-token/transaction-count-statistics',
      { from: '2026-13-01' },
      'from',
      'GET',
    );
  });

  it('oversized data is 413, oversized bodies are request.too_large', async () => {
    const reservation = await reserve(api, profile.token);
    const data = randomBytes(1024 * 1024 + 3).toString('base64');
    expectError(
      await api.post(
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data },
        profile.token,
      ),
      413,
      'data_token.too_large',
    );
    const huge = randomBytes(3 * 1024 * 1024 + 3).toString('base64');
    expectError(
      await api.post(
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data: huge },
        profile.token,
      ),
      413,
      'request.too_large',
    );
  });

  it('malformed bodies are 400', async () => {
    for (const path of [
      '/device/request-unique-identifier',
      '/data-token/reserve-token-space',
      '/storage/register',
    ]) {
      const response = await api.raw(path, {
        method: 'POST',
        token: profile.token,
        body: '{"deviceName":',
        headers: { 'content-type': 'application/json' },
      });
      expectError(response, 400, 'request.malformed');
    }
  });
});
