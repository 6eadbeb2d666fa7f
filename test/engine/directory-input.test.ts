// Bad input on every directory endpoint answers 4xx in the contract's error shape (§1.5), in the
// contract's check order: body parsing 400, parameter rules 422, then the resources' 404s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../engine/http/endpoints.ts';
import { createOrganisation, type Organisation } from '../support/directories.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire, type WireResponse } from '../support/http.ts';
import { PASSWORD } from '../support/profiles.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let org: Organisation;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  org = await createOrganisation(api);
});
afterAll(() => engine.close());

const directoryEndpoints = endpoints.filter((e) => e.area === 'directory');
const postEndpoints = directoryEndpoints.filter((e) => e.method === 'POST');
const getWithPath = directoryEndpoints.filter((e) => e.method === 'GET' && e.path.includes('{'));

function expectShape(response: WireResponse, status: number, reason?: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toMatchObject({
    status,
    reason: reason ?? expect.any(String),
    message: expect.any(String),
  });
}

describe('bad input on directory endpoints', () => {
  it.each(postEndpoints)('$id: an empty body names every missing field (422)', async (e) => {
    const response = await api.post(e.path, {}, org.owner.token);
    expectShape(response, 422, 'validation.failed');
    const required = e.params.filter((p) => p.required).map((p) => p.name);
    expect(Object.keys((response.body as { errors: object }).errors).sort()).toEqual(
      [...required].sort(),
    );
  });

  it.each(postEndpoints)('$id: malformed JSON is 400 request.malformed', async (e) => {
    const response = await api.raw(e.path, {
      method: 'POST',
      token: org.owner.token,
      body: '{"directoryId":',
      headers: { 'content-type': 'application/json' },
    });
    expectShape(response, 400, 'request.malformed');
  });

  it.each(postEndpoints)('$id: an unknown content type is 400', async (e) => {
    const response = await api.raw(e.path, {
      method: 'POST',
      token: org.owner.token,
      body: '<directoryId/>',
      headers: { 'content-type': 'text/xml' },
    });
    expectShape(response, 400, 'request.malformed');
  });

  it.each(postEndpoints)('$id: arrays and objects where strings go are 422', async (e) => {
    const fields = Object.fromEntries(
      e.params.filter((p) => p.type === 'string').map((p) => [p.name, ['a', 'b']]),
    );
    const response = await api.postJson(e.path, fields, org.owner.token);
    expectShape(response, 422, 'validation.failed');
    const nested = Object.fromEntries(
      e.params.filter((p) => p.type === 'string').map((p) => [p.name, { x: 'y' }]),
    );
    expectShape(await api.postJson(e.path, nested, org.owner.token), 422, 'validation.failed');
  });

  it.each(getWithPath)('$id: malformed and unknown ids are the directory’s 404', async (e) => {
    for (const id of ['x', 'DROP TABLE', '01900000-0000-7000-8000-000000000000', '%00']) {
      const path = e.path.replace(/\{\w+\}/g, encodeURIComponent(id));
      expectShape(await api.get(path, org.owner.token), 404, 'directory.not_found');
    }
    // Past the engine-wide limit on a path parameter, the request itself is refused (414).
    const tooLong = e.path.replace(/\{\w+\}/g, 'a'.repeat(5000));
    expectShape(await api.get(tooLong, org.owner.token), 414, 'request.too_large');
    // A percent-encoding that decodes to nothing is a malformed request, in the error shape too.
    const badEncoding = e.path.replace(/\{\w+\}/g, '%zz');
    expectShape(await api.get(badEncoding, org.owner.token), 400, 'request.malformed');
  });

  it('names a malformed or unknown resource with its own 404', async () => {
    const d = org.directoryId;
    const cases: [string, Record<string, string>, string][] = [
      [
        '/directory/create-user',
        { directoryId: 'nope', username: 'abc@x.y', password: PASSWORD },
        'directory.not_found',
      ],
      [
        '/directory/update-user',
        { directoryId: d, profileId: 'nope' },
        'directory.member_not_found',
      ],
      ['/directory/invite-profile', { directoryId: 'x', username: 'abc' }, 'directory.not_found'],
      [
        '/directory/set-profile-password',
        { directoryId: d, profileId: 'nope', password: PASSWORD },
        'directory.member_not_found',
      ],
      [
        '/directory/process-invitation',
        { invitationId: 'nope', decision: 'accept' },
        'directory.invitation_not_found',
      ],
      [
        '/directory/create-profile-device',
        { directoryId: d, profileId: org.outsider.profileId, deviceName: 'x' },
        'directory.member_not_found',
      ],
      [
        '/directory/add-storage-device-to-profile',
        { directoryId: d, profileId: org.member.profileId, deviceIdentifier: 'nope' },
        'device.not_found',
      ],
      ['/directory/store-meta', { directoryId: '../../etc' }, 'directory.not_found'],
    ];
    for (const [path, fields, reason] of cases) {
      expectShape(await api.post(path, fields, org.owner.token), 404, reason);
    }
    expectShape(
      await api.get('/directory/list-invites?directoryId=nope', org.owner.token),
      404,
      'directory.not_found',
    );
  });

  it('checks the parameter rules of every field', async () => {
    const d = org.directoryId;
    const p = org.member.profileId;
    const cases: [string, Record<string, string>, string][] = [
      ['/directory/register', { name: '' }, 'name'],
      ['/directory/register', { name: 'n'.repeat(201) }, 'name'],
      [
        '/directory/create-user',
        { directoryId: d, username: 'ab', password: PASSWORD },
        'username',
      ],
      [
        '/directory/create-user',
        { directoryId: d, username: 'a\u0007bc', password: PASSWORD },
        'username',
      ],
      [
        '/directory/create-user',
        { directoryId: d, username: 'abc@x.y', password: 'short' },
        'password',
      ],
      [
        '/directory/create-user',
        { directoryId: d, username: 'abc@x.y', password: PASSWORD, role: 'owner' },
        'role',
      ],
      [
        '/directory/create-user',
        { directoryId: d, username: 'abc@x.y', password: PASSWORD, displayName: 'd'.repeat(201) },
        'displayName',
      ],
      ['/directory/update-user', { directoryId: d, profileId: p, role: 'owner' }, 'role'],
      ['/directory/invite-profile', { directoryId: d, username: 'u'.repeat(255) }, 'username'],
      ['/directory/invite-profile', { directoryId: d, username: 'abc', role: 'superuser' }, 'role'],
      [
        '/directory/set-profile-password',
        { directoryId: d, profileId: p, password: 'p'.repeat(1025) },
        'password',
      ],
      ['/directory/process-invitation', { invitationId: d, decision: 'maybe' }, 'decision'],
      [
        '/directory/create-profile-device',
        { directoryId: d, profileId: p, deviceName: '' },
        'deviceName',
      ],
      [
        '/directory/create-profile-device',
        { directoryId: d, profileId: p, deviceName: 'x', publicKey: 'zz' },
        'publicKey',
      ],
      ['/directory/store-meta', { directoryId: d, big: 'v'.repeat(1025) }, 'big'],
    ];
    for (const [path, fields, field] of cases) {
      const response = await api.post(path, fields, org.owner.token);
      expectShape(response, 422, 'validation.failed');
      expect(Object.keys((response.body as { errors: object }).errors), path).toContain(field);
    }
  });

  it('refuses a body over 4 MiB with 413', async () => {
    const response = await api.post(
      '/directory/store-meta',
      { directoryId: org.directoryId, big: 'v'.repeat(5 * 1024 * 1024) },
      org.owner.token,
    );
    expectShape(response, 413, 'request.too_large');
  });

  it('answers without a token 401 before anything else, on every directory route', async () => {
    for (const e of directoryEndpoints) {
      const path = e.path.replace(/\{\w+\}/g, 'x');
      const response = e.method === 'GET' ? await api.get(path) : await api.post(path, {});
      expectShape(response, 401, 'auth.missing_token');
    }
  });
});
