// Contract §1.4 scope matrix over real HTTP: an access token of each scope walks every route of
// every `token` endpoint in the endpoint table. The expectations are written here from the
// contract's words, not read from engine/http/token-access.ts, so the table is checked, not
// repeated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../engine/http/endpoints.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { accessToken, registerApp, type TokenPair } from '../support/oauth.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';

const DUMMY_ID = '01900000-0000-7000-8000-000000000000';

/** Contract §1.4 "OAuth scopes" table. */
const GRANTS: Record<string, string[]> = {
  'data-token:read': [
    'data-token.list-data-tokens',
    'data-token.request-data',
    'data-token.transaction-count-statistics',
  ],
  'data-token:write': [
    'data-token.reserve-token-space',
    'data-token.retrieve-temporary-data-token',
    'data-token.exchange-data-for-token',
    'data-token.configure-file-meta',
    'data-token.update-data-token',
    'data-token.configure-information-security-risk-meta',
    'data-token.delete-data',
  ],
  'device:read': ['device.retrieve-profile-devices', 'device.retrieve-unique-identifier'],
  'device:write': [
    'device.request-unique-identifier',
    'device.configure-meta',
    'device.approve-device',
    'device.reject-device',
    'device.download-device-configuration',
    'device.remove',
  ],
  'storage:read': ['storage.list-storage-devices'],
  'storage:write': ['storage.register', 'storage.synchronize', 'storage.remove'],
  'profile:read': ['profile.retrieve-profile-id', 'public-key.retrieve-public-key'],
};

/** Contract §1.4 "Token kinds": refused to OAuth access tokens whatever their scope. */
const CONTRACT_REFUSED = [
  'profile.change-password',
  'profile.generate-token-qr',
  'profile.reauthorize-authorization-token',
  'public-key.register-public-key',
  'voting.cast-vote',
  ...endpoints
    .filter((e) => e.auth === 'token' && /^\/profile\/.*oauth-application/.test(e.path))
    .map((e) => e.id),
];

/**
 * This engine's additional refusals (README "Security"): each would let an application outgrow
 * its consent or reach the consenting person's own screens.
 */
const ENGINE_REFUSED = [
  'device.download-device-configuration',
  'profile.revoke-other-authorization-tokens',
  'oauth.describe-application',
  // A directory's passwords: what a stolen computer token cannot set either (token-access.ts).
  'directory.create-user',
  'directory.set-profile-password',
];

/** Contract §1.4: open to any OAuth token. */
const OPEN = ['profile.authorization-token-expiry', 'profile.revoke-authorization-token'];

type Expected = 'allowed' | 'auth.token_kind_not_allowed' | 'oauth.scope_denied';

function expected(endpointId: string, scope: string): Expected {
  if (CONTRACT_REFUSED.includes(endpointId) || ENGINE_REFUSED.includes(endpointId))
    return 'auth.token_kind_not_allowed';
  if (OPEN.includes(endpointId) || scope === 'all') return 'allowed';
  return GRANTS[scope]?.includes(endpointId) ? 'allowed' : 'oauth.scope_denied';
}

interface Variant {
  id: string;
  method: string;
  path: string;
}

const routes: Variant[] = endpoints
  .filter((e) => e.auth === 'token')
  .flatMap((e) => [
    { id: e.id, method: e.method, path: e.path },
    ...e.aliases.map((alias) => ({ id: e.id, ...alias })),
  ])
  // Revoke last: it ends the token.
  .sort(
    (a, b) =>
      Number(a.id === 'profile.revoke-authorization-token') -
      Number(b.id === 'profile.revoke-authorization-token'),
  );

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
const tokens = new Map<string, TokenPair>();
/** The routes this engine serves (without a token: 401, not 404 route.not_found). */
const served: Variant[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  const app = await registerApp(api, owner.token, { name: 'Matrix', scopes: ['all'] });
  for (const scope of Object.keys(GRANTS).concat('all'))
    tokens.set(scope, await accessToken(api, owner.token, app, [scope]));
  for (const variant of routes)
    if ((await call(variant, undefined)).status === 401) served.push(variant);
});
afterAll(() => engine.close());

async function call(variant: Variant, token: string | undefined) {
  return api.raw(variant.path.replace(/\{\w+\}/g, DUMMY_ID), {
    method: variant.method,
    ...(token ? { token } : {}),
    ...(variant.method === 'POST'
      ? {
          body: `deviceIdentifier=${DUMMY_ID}&applicationId=${DUMMY_ID}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }
      : {}),
  });
}

describe('an OAuth access token of each scope, over every token route', () => {
  it('covers every token endpoint this engine serves, the OAuth ones included', () => {
    expect(served.length).toBeGreaterThan(40);
    const ids = new Set(served.map((v) => v.id));
    for (const e of endpoints.filter((e) => e.auth === 'token' && e.area === 'oauth'))
      expect(ids, e.id).toContain(e.id);
  });

  for (const scope of Object.keys(GRANTS).concat('all')) {
    it(`with scope ${scope}: allowed, 403 oauth.scope_denied or 403 auth.token_kind_not_allowed exactly as §1.4 says`, async () => {
      const token = tokens.get(scope)!.token;
      const mismatches: string[] = [];
      for (const variant of served) {
        const response = await call(variant, token);
        const want = expected(variant.id, scope);
        const reason = (response.body as { reason?: string } | undefined)?.reason;
        const got: Expected | string =
          response.status === 403 &&
          (reason === 'oauth.scope_denied' || reason === 'auth.token_kind_not_allowed')
            ? reason
            : response.status === 401 || (response.status === 404 && reason === 'route.not_found')
              ? `${response.status} ${reason}`
              : 'allowed';
        if (got !== want)
          mismatches.push(`${variant.method} ${variant.path}: ${got}, want ${want}`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('lets every scope reach the channel (joinChannel is open to any OAuth token)', async () => {
    const { TestChannel } = await import('../support/channel.ts');
    const pair = await accessToken(
      api,
      owner.token,
      await registerApp(api, owner.token, { scopes: ['storage:read'] }),
      ['storage:read'],
    );
    const channel = await TestChannel.open(engine.wsUrl);
    expect((await channel.join(pair.token)).status).toBe(200);
    channel.close();
  });
});
