import { describe, expect, it } from 'vitest';
import {
  ConsentLinkError,
  consentLink,
  grantedScopes,
  isOpenableRedirect,
  parseConsentLink,
  redirectAfter,
  SCOPE_WORDS,
} from '../../../client/oauth-consent.ts';
import { OAUTH_SCOPES } from '../../../client/endpoints/oauth.ts';

const CLIENT = '0193a5c8-0000-7000-8000-000000000001';
const good = consentLink({
  clientId: CLIENT,
  nonce: 'n-83f1c2aa',
  scopes: ['data-token:read', 'profile:read'],
  redirectUri: 'http://127.0.0.1:8123/callback',
});

describe('parseConsentLink (untrusted input)', () => {
  it('reads a consent link', () => {
    expect(parseConsentLink(good)).toEqual({
      clientId: CLIENT,
      nonce: 'n-83f1c2aa',
      scopes: ['data-token:read', 'profile:read'],
      redirectUri: 'http://127.0.0.1:8123/callback',
    });
  });

  it.each([
    ['not a link', 'hello'],
    ['another scheme', good.replace('privicore:', 'https:')],
    ['the pairing link', 'privicore://authorize?token=Q-abc&engine=x'],
    ['another path', good.replace('/authorize', '/steal')],
    ['no client id', good.replace(`client_id=${CLIENT}&`, '')],
    ['two client ids', `${good}&client_id=${CLIENT}`],
    ['a malformed client id', good.replace(CLIENT, 'robert')],
    ['a short nonce', good.replace('n-83f1c2aa', 'n-1')],
    ['no scope', good.replace(/scope%5B%5D=[^&]*&/g, '')],
    ['an unknown scope', `${good}&scope[]=root`],
    ['no redirect', good.replace(/&redirect_uri=[^&]*/, '')],
    ['a huge link', `${good}&x=${'a'.repeat(5000)}`],
  ])('refuses %s with words for the person', (_what, link) => {
    expect(() => parseConsentLink(link)).toThrow(ConsentLinkError);
  });

  it('round-trips through consentLink', () => {
    expect(consentLink(parseConsentLink(good))).toBe(good);
  });
});

describe('isOpenableRedirect (RFC 8252)', () => {
  it.each([
    ['https://app.example/cb', true],
    ['http://127.0.0.1:9000/cb', true],
    ['http://[::1]:9000/cb', true],
    ['http://localhost:9000/cb', true],
    ['http://app.example/cb', false],
    ['http://127.0.0.1.evil.example/cb', false],
    ['https://user:pw@app.example/cb', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['myapp://callback', false],
    ['not a url', false],
  ])('%s → %s', (uri, openable) => {
    expect(isOpenableRedirect(uri)).toBe(openable);
  });
});

describe('redirectAfter', () => {
  it('adds request_id and nonce, or error=access_denied, keeping the query it had', () => {
    expect(
      redirectAfter('https://app.example/cb?x=1', { requestId: 'r-1', nonce: 'n-12345678' }),
    ).toBe('https://app.example/cb?x=1&request_id=r-1&nonce=n-12345678');
    expect(redirectAfter('https://app.example/cb', { denied: true, nonce: 'n-12345678' })).toBe(
      'https://app.example/cb?error=access_denied&nonce=n-12345678',
    );
  });
});

describe('scopes', () => {
  it('has plain words for every scope', () => {
    for (const scope of OAUTH_SCOPES) expect(SCOPE_WORDS[scope].length).toBeGreaterThan(10);
  });

  it('grants the requested scopes within the application’s (contract §5)', () => {
    expect(grantedScopes(['data-token:read'], ['data-token:read', 'device:write'])).toEqual([
      'data-token:read',
    ]);
    expect(grantedScopes(['data-token:read', 'profile:read'], ['all'])).toEqual([
      'data-token:read',
      'profile:read',
    ]);
    expect(grantedScopes(['all'], ['storage:read'])).toEqual(['storage:read']);
    expect(grantedScopes(['profile:read'], ['storage:read'])).toEqual([]);
  });
});
