import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Endpoint } from '../../engine/http/endpoints.ts';
import { startTestEngine } from '../support/engine.ts';
import { addAuthenticator, type TestAuthenticator } from '../support/governance.ts';
import { wire, type Wire, type WireResponse } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';

/**
 * Bad input on every endpoint of §10 (verified authenticators), §11 (policies) and §12 (voting):
 * each answers in the contract's error shape (§1.5) and check order — credentials (401) → token
 * kind and key gating (403) → body (400) → parameter rules (422) → references (404) — never 5xx.
 */
const AREAS = new Set(['verified-authenticator', 'policy', 'voting']);
const covered = endpoints.filter((e: Endpoint) => AREAS.has(e.area));
const FOREIGN_ID = '01900000-0000-7000-8000-000000000000';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let profile: TestProfile;
let keyless: TestProfile;
let authenticator: TestAuthenticator;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  profile = await createProfile(api);
  keyless = await createProfile(api, { withKey: false });
  authenticator = await addAuthenticator(api, profile.token);
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

function concrete(path: string, value = FOREIGN_ID): string {
  return path.replace(/\{\w+\}/g, encodeURIComponent(value));
}

async function call(
  e: Pick<Endpoint, 'method' | 'path'>,
  fields: unknown,
  token?: string,
  pathValue?: string,
): Promise<WireResponse> {
  if (e.method === 'GET') return api.get(concrete(e.path, pathValue), token);
  return api.postJson(concrete(e.path, pathValue), fields, token);
}

describe('every governance endpoint', () => {
  it('covers the 26 endpoints of §10–§12', () => {
    expect(covered.length).toBe(26);
  });

  it.each(covered)(
    '$id: 401 without or with a bad token, 403 before the key is registered',
    async (e) => {
      expectError(await call(e, {}), 401, 'auth.missing_token');
      expectError(
        await call(e, {}, `T-${randomBytes(32).toString('base64url')}`),
        401,
        'auth.invalid_token',
      );
      // cast-vote refuses every profile token by kind, the first 403 in the check order.
      expectError(
        await call(e, {}, keyless.token),
        403,
        e.id === 'voting.cast-vote' ? 'auth.token_kind_not_allowed' : 'profile.public_key_required',
      );
    },
  );

  it.each(covered.filter((e) => e.method === 'POST'))(
    '$id: 400 for a malformed body, 422 for a non-object body',
    async (e) => {
      // cast-vote takes an authenticator's device token; the rest the profile's.
      const token = e.id === 'voting.cast-vote' ? authenticator.deviceToken : profile.token;
      expectError(
        await api.raw(concrete(e.path), {
          method: 'POST',
          body: '{"name": ',
          headers: { 'content-type': 'application/json' },
          token,
        }),
        400,
        'request.malformed',
      );
      expectError(
        await api.postJson(concrete(e.path), 'just a string', token),
        422,
        'validation.failed',
      );
    },
  );

  it.each(
    covered.filter(
      (e) => e.id !== 'voting.cast-vote' && e.params.some((p) => p.required && p.in !== 'path'),
    ),
  )('$id: 422 naming every missing required field', async (e) => {
    const response = await call(e, {}, profile.token);
    expectError(response, 422, 'validation.failed');
    const errors = (response.body as { errors: Record<string, string[]> }).errors;
    for (const param of e.params.filter((p) => p.required && p.in !== 'path'))
      expect(errors, param.name).toHaveProperty(param.name);
  });

  it('cast-vote: 422 naming the missing fields for an authenticator token', async () => {
    const response = await api.post('/voting/cast-vote', {}, authenticator.deviceToken);
    expectError(response, 422, 'validation.failed');
    expect((response.body as { errors: object }).errors).toMatchObject({
      ballotId: expect.any(Array),
      vote: expect.any(Array),
    });
  });

  it.each(covered.filter((e) => e.path.includes('{')))(
    '$id: 404 for unknown, malformed and hostile path values',
    async (e) => {
      const reason =
        e.area === 'policy'
          ? 'policy.not_found'
          : e.area === 'voting'
            ? 'voting.pool_not_found'
            : 'voting_configuration.not_found';
      for (const value of [FOREIGN_ID, 'nope', '../../etc/passwd', 'ü', '%00', ' ']) {
        const response = await call(e, {}, profile.token, value);
        expect(response.status, value).toBe(404);
        expectError(response, 404);
        expect([reason, 'route.not_found']).toContain((response.body as { reason: string }).reason);
      }
    },
  );
});

describe('references name the resource in the 404', () => {
  it('devices, voting configurations, policies, pools and ballots', async () => {
    const cases: [string, Record<string, unknown>, string, string?][] = [
      ['/verified-authenticator/register', { deviceIdentifier: 'nope' }, 'device.not_found'],
      ['/verified-authenticator/remove', { deviceIdentifier: FOREIGN_ID }, 'device.not_found'],
      [
        '/verified-authenticator/voting-configuration/register',
        { name: 'a', timeLimit: 60, strategy: 'consensus', deviceIdentifiers: [FOREIGN_ID] },
        'device.not_found',
      ],
      [
        '/verified-authenticator/voting-configuration/update',
        { votingConfigurationId: FOREIGN_ID },
        'voting_configuration.not_found',
      ],
      [
        '/verified-authenticator/voting-configuration/delete',
        { votingConfigurationId: 'x'.repeat(3000) },
        'voting_configuration.not_found',
      ],
      [
        '/policy/register',
        {
          policyTemplateId: 'device-governance',
          applyingEventIds: ['storage.registered'],
          votingConfigurationId: 'nope',
        },
        'voting_configuration.not_found',
      ],
      ['/policy/activate', { policyId: FOREIGN_ID }, 'policy.not_found'],
      ['/policy/deactivate', { name: 'nope' }, 'policy.not_found'],
      ['/policy/delete', { policyId: '../x' }, 'policy.not_found'],
      [
        '/voting/create',
        { subject: 's', votingConfigurationId: 'nope' },
        'voting_configuration.not_found',
      ],
      ['/voting/cancel-pool', { poolId: 'nope' }, 'voting.pool_not_found'],
      ['/voting/cancel-pool', { poolId: FOREIGN_ID }, 'voting.pool_not_found'],
      ['/voting/cast-vote', { ballotId: 'nope', vote: 'yes' }, 'voting.ballot_not_found', 'device'],
    ];
    for (const [path, body, reason, as] of cases) {
      const token = as === 'device' ? authenticator.deviceToken : profile.token;
      expectError(await api.postJson(path, body, token), 404, reason);
    }
  });
});

describe('parameter rules answer 422 naming the field', () => {
  it('wrong types and out-of-range values', async () => {
    const cases: [string, unknown, string][] = [
      ['/verified-authenticator/register', { deviceIdentifier: ['a', 'b'] }, 'deviceIdentifier'],
      ['/verified-authenticator/set-quorum-size', { quorumSize: 'many' }, 'quorumSize'],
      ['/verified-authenticator/set-quorum-size', { quorumSize: 1.5 }, 'quorumSize'],
      ['/verified-authenticator/set-voting-time-limit', { timeLimit: -1 }, 'timeLimit'],
      ['/verified-authenticator/set-maximum-voting-attempts', { maxAttempts: 0 }, 'maxAttempts'],
      ['/verified-authenticator/set-quorum-strategy', { strategy: { a: 1 } }, 'strategy'],
      [
        '/verified-authenticator/voting-configuration/register',
        { name: 'a', timeLimit: 60, strategy: 'consensus', deviceIdentifiers: ['x'.repeat(201)] },
        'deviceIdentifiers',
      ],
      [
        '/verified-authenticator/voting-configuration/register',
        {
          name: 'a',
          timeLimit: 60,
          strategy: 'consensus',
          deviceIdentifiers: Array(101).fill('a'),
        },
        'deviceIdentifiers',
      ],
      [
        '/verified-authenticator/voting-configuration/update',
        { votingConfigurationId: 'x', timeLimit: 'soon' },
        'timeLimit',
      ],
      ['/policy/register', { policyTemplateId: 7, applyingEventIds: ['a'] }, 'policyTemplateId'],
      [
        '/policy/register',
        { policyTemplateId: 'device-governance', applyingEventIds: [{}] },
        'applyingEventIds',
      ],
      ['/policy/activate', { policyId: '' }, 'policyId'],
      ['/voting/create', { subject: '' }, 'subject'],
      ['/voting/create', { subject: 's'.repeat(501) }, 'subject'],
      ['/voting/create', { subject: 's', context: 'c'.repeat(1025) }, 'context'],
      ['/voting/cancel-pool', { poolId: { a: 1 } }, 'poolId'],
    ];
    for (const [path, body, field] of cases) {
      const response = await api.postJson(path, body, profile.token);
      expectError(response, 422, 'validation.failed');
      expect(
        (response.body as { errors: object }).errors,
        `${path} ${JSON.stringify(body).slice(0, 60)}`,
      ).toHaveProperty(field);
    }
    const vote = await api.post(
      '/voting/cast-vote',
      { ballotId: FOREIGN_ID, vote: 'YES' },
      authenticator.deviceToken,
    );
    expectError(vote, 422, 'validation.failed');
  });
});
