import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../../engine/domain/authorization.ts';
import { endpoints, parseEndpointLine } from '../../../../engine/http/endpoints.ts';
import {
  accessVerdict,
  mayReach,
  missingOAuthDecisions,
  tokenAccess,
  tokenHolder,
  type Surface,
} from '../../../../engine/http/token-access.ts';
import { OAUTH_SCOPES } from '../../../../engine/domain/oauth-scopes.ts';
import type { DeviceRole } from '../../../../engine/store/device-store.ts';

function caller(kind: 'profile' | 'device', role: DeviceRole | null = null) {
  return {
    token: { kind },
    device: kind === 'device' ? { role } : null,
  } as unknown as Pick<Caller, 'token' | 'device'>;
}

const profile = caller('profile');
const computer = caller('device');
const storage = caller('device', 'storage');
const authenticator = caller('device', 'authenticator');
const oauth = (...scopes: string[]) =>
  ({
    token: { kind: 'oauth' },
    device: null,
    oauth: { grantId: 'g', applicationId: 'a', clientId: 'c', scopes },
  }) as unknown as Pick<Caller, 'token' | 'device' | 'oauth'>;

describe('token access table', () => {
  it('has a row for every token endpoint of the endpoint table and for the two sockets', () => {
    const tokenEndpoints = endpoints.filter((e) => e.auth === 'token').map((e) => e.id);
    expect([...tokenAccess.keys()].sort()).toEqual(
      [...tokenEndpoints, 'websocket.join-channel', 'device-bus.connect'].sort(),
    );
  });

  it('names the holder of each token', () => {
    expect(tokenHolder(profile)).toBe('profile');
    expect(tokenHolder(computer)).toBe('computer');
    expect(tokenHolder(storage)).toBe('storage-device');
    expect(tokenHolder(authenticator)).toBe('authenticator');
  });

  it('lets a storage device reach only the bus and its own token', () => {
    const reach = [...tokenAccess.keys()].filter((s) => mayReach(storage, s)).sort();
    expect(reach).toEqual([
      'device-bus.connect',
      'profile.authorization-token-expiry',
      'profile.reauthorize-authorization-token',
      'profile.revoke-authorization-token',
    ]);
  });

  it('lets an authenticator reach its own token, the channel and cast-vote', () => {
    const reach = [...tokenAccess.keys()].filter((s) => mayReach(authenticator, s)).sort();
    expect(reach).toEqual([
      'device-bus.connect',
      'profile.authorization-token-expiry',
      'profile.reauthorize-authorization-token',
      'profile.revoke-authorization-token',
      'voting.cast-vote',
      'websocket.join-channel',
    ]);
  });

  it('keeps credentials and the profile key to profile tokens; the owner does the rest', () => {
    const profileOnly: Surface[] = [
      'profile.generate-token-qr',
      'profile.change-password',
      'device.download-device-configuration',
      'public-key.register-public-key',
      'directory.create-user',
      'directory.set-profile-password',
    ];
    for (const surface of profileOnly) {
      expect(mayReach(profile, surface), surface).toBe(true);
      expect(mayReach(computer, surface), surface).toBe(false);
    }
    for (const surface of ['device.remove', 'device.configure-meta', 'data-token.delete-data'])
      expect(mayReach(computer, surface as Surface), surface).toBe(true);
    expect(mayReach(profile, 'voting.cast-vote')).toBe(false);
    expect(mayReach(computer, 'voting.cast-vote')).toBe(false);
    expect(mayReach(computer, 'device-bus.connect')).toBe(false);
    expect(mayReach(profile, 'device-bus.connect')).toBe(false);
  });

  it('gives a device token a directory admin minted for a member only its own token, until a role', () => {
    const minted = (role: DeviceRole | null) =>
      ({
        token: { kind: 'device', profileId: 'member', issuedBy: 'admin' },
        device: { role },
      }) as unknown as Pick<Caller, 'token' | 'device'>;
    expect(tokenHolder(minted(null))).toBe('provisioned-device');
    expect([...tokenAccess.keys()].filter((s) => mayReach(minted(null), s)).sort()).toEqual([
      'profile.authorization-token-expiry',
      'profile.reauthorize-authorization-token',
      'profile.revoke-authorization-token',
    ]);
    // Once the device has a role, the role says what its token reaches.
    expect(tokenHolder(minted('storage'))).toBe('storage-device');
    expect(tokenHolder(minted('authenticator'))).toBe('authenticator');
    // Minted by the member itself: a computer, acting as the member.
    const own = {
      token: { kind: 'device', profileId: 'member', issuedBy: 'member' },
      device: { role: null },
    } as unknown as Pick<Caller, 'token' | 'device'>;
    expect(tokenHolder(own)).toBe('computer');
  });
});

describe('the OAuth column', () => {
  it('gives every surface a decision: refused, open to any OAuth token, or a known scope', () => {
    for (const [surface, access] of tokenAccess) {
      expect(['refused', 'own-token', ...OAUTH_SCOPES], surface).toContain(access.oauth);
      expect(access.holders.has('oauth'), surface).toBe(access.oauth !== 'refused');
    }
  });

  it('names an OAuth access token as its own holder', () => {
    expect(tokenHolder(oauth('all'))).toBe('oauth');
  });

  it('checks the kind before the scope, and lets `all` reach what the kind allows', () => {
    expect(accessVerdict(oauth('all'), 'profile.change-password')).toBe('token-kind');
    expect(accessVerdict(oauth('profile:read'), 'profile.change-password')).toBe('token-kind');
    expect(accessVerdict(oauth('profile:read'), 'data-token.list-data-tokens')).toBe('scope');
    expect(accessVerdict(oauth('data-token:read'), 'data-token.list-data-tokens')).toBe('allowed');
    expect(accessVerdict(oauth('all'), 'data-token.list-data-tokens')).toBe('allowed');
    expect(accessVerdict(oauth('data-token:read'), 'policy.register')).toBe('scope');
    expect(accessVerdict(oauth('all'), 'policy.register')).toBe('allowed');
    expect(accessVerdict(oauth(), 'profile.authorization-token-expiry')).toBe('allowed');
    expect(accessVerdict(oauth(), 'websocket.join-channel')).toBe('allowed');
    expect(accessVerdict(oauth('all'), 'device-bus.connect')).toBe('token-kind');
  });

  it('leaves the other holders as they were: a scope never widens a device token', () => {
    expect(accessVerdict(storage, 'data-token.list-data-tokens')).toBe('token-kind');
    expect(accessVerdict(computer, 'data-token.list-data-tokens')).toBe('allowed');
  });
});

describe('the OAuth column', () => {
  it('has a decision for every token endpoint of the table', () => {
    expect(missingOAuthDecisions()).toEqual([]);
  });

  it('names a token endpoint added without one (the module then refuses to load)', () => {
    const added = parseEndpointLine(
      '+data-token.shred POST /data-token/shred token async-command form 202 form: +token',
    );
    const publicOne = parseEndpointLine('+utility.ping GET /ping public sync none 200');
    expect(missingOAuthDecisions([...endpoints, added, publicOne])).toEqual(['data-token.shred']);
  });
});
