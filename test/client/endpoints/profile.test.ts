import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollCommand } from '../../../client/await-command.ts';
import { generateProfileKeyPair } from '../../../client/crypto/profile-key.ts';
import {
  authenticate,
  authorizationTokenExpiry,
  changePassword,
  generateTokenQr,
  reauthorizeAuthorizationToken,
  redeemTokenQr,
  registerProfile,
  retrieveProfileId,
  revokeAuthorizationToken,
} from '../../../client/endpoints/profile.ts';
import { HttpClient } from '../../../client/http.ts';
import { startTestEngine } from '../../support/engine.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { signUpVaultUser, type VaultUser } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let http: HttpClient;
let user: VaultUser;

beforeAll(async () => {
  engine = await startTestEngine();
  http = new HttpClient({ apiUrl: engine.apiUrl });
  user = await signUpVaultUser(engine, { storage: false });
});

afterAll(async () => {
  user.session.close();
  http.close();
  await engine.close();
});

const withToken = (token: string) => new HttpClient({ apiUrl: engine.apiUrl, token: () => token });

describe('profile endpoints', () => {
  it('register-profile: the profile id is the command id; a taken name is rejected with its reason', async () => {
    const username = uniqueName();
    const accepted = await registerProfile(http, { username, password: PASSWORD });
    expect(await pollCommand(http, accepted, { timeoutMs: 10_000 })).toEqual({
      profileId: accepted.commandId,
    });
    const again = await registerProfile(http, {
      username: username.toUpperCase(),
      password: PASSWORD,
    });
    await expect(pollCommand(http, again, { timeoutMs: 10_000 })).rejects.toMatchObject({
      name: 'PrivicoreError',
      reason: 'profile.username_taken',
      status: 0,
    });
  });

  it('register-profile: invalid input fails synchronously with validation errors', async () => {
    await expect(
      registerProfile(http, { username: uniqueName(), password: 'short' }),
    ).rejects.toMatchObject({
      status: 422,
      reason: 'validation.failed',
      errors: { password: expect.any(Array) },
    });
  });

  it('authenticate, retrieve-profile-id, token expiry', async () => {
    const issued = await authenticate(http, { username: user.username, password: PASSWORD });
    expect(issued.authorizationToken).toMatch(/^T-[A-Za-z0-9_-]{43}$/);
    const authed = withToken(issued.authorizationToken);
    expect(await retrieveProfileId(authed)).toEqual({ profileId: user.profileId });
    expect(await authorizationTokenExpiry(authed)).toEqual({ expiresAt: issued.expiresAt });
    authed.close();
    await expect(
      authenticate(http, { username: user.username, password: 'wrong password here' }),
    ).rejects.toMatchObject({
      status: 401,
      reason: 'auth.invalid_credentials',
    });
  });

  it('change-password over the channel: success, then rejection with its reason', async () => {
    const { session } = user;
    const newPassword = 'another correct horse';
    await session.run(() =>
      changePassword(session.http, { currentPassword: PASSWORD, newPassword }),
    );
    await authenticate(http, { username: user.username, password: newPassword });
    await expect(
      session.run(() =>
        changePassword(session.http, { currentPassword: PASSWORD, newPassword: PASSWORD }),
      ),
    ).rejects.toMatchObject({
      reason: 'auth.invalid_credentials',
    });
    await session.run(() =>
      changePassword(session.http, { currentPassword: newPassword, newPassword: PASSWORD }),
    );
  });

  it('generate-token-qr and redeem-token-qr (single use)', async () => {
    const qr = await generateTokenQr(user.session.http);
    expect(qr.qrPayload).toBe(
      `privicore://authorize?token=${qr.qrToken}&engine=${encodeURIComponent(engine.apiUrl)}`,
    );
    const paired = new Promise((resolve) => user.session.channel.on('device-paired', resolve));
    const keys = generateProfileKeyPair();
    const redeemed = await redeemTokenQr(http, {
      qrToken: qr.qrToken,
      deviceName: 'Phone',
      publicKey: keys.publicKey,
    });
    expect(redeemed.authorizationToken).toMatch(/^T-/);
    expect(await paired).toMatchObject({
      deviceIdentifier: redeemed.deviceIdentifier,
      deviceName: 'Phone',
    });
    const device = withToken(redeemed.authorizationToken);
    expect(await retrieveProfileId(device)).toEqual({ profileId: user.profileId });
    device.close();
    await expect(
      redeemTokenQr(http, { qrToken: qr.qrToken, deviceName: 'Again' }),
    ).rejects.toMatchObject({ status: 401, reason: 'qr.invalid' });
  });

  it('reauthorize: a new token; the session switches to it', async () => {
    const issued = await authenticate(http, { username: user.username, password: PASSWORD });
    const authed = withToken(issued.authorizationToken);
    const renewed = await reauthorizeAuthorizationToken(authed, { ttl: 600 });
    expect(renewed.authorizationToken).not.toBe(issued.authorizationToken);
    authed.close();
    const before = user.session.authorizationToken;
    await user.session.reauthorize();
    expect(user.session.authorizationToken).not.toBe(before);
    expect(await retrieveProfileId(user.session.http)).toEqual({ profileId: user.profileId });
  });

  it('revoke: the token stops working at once', async () => {
    const issued = await authenticate(http, { username: user.username, password: PASSWORD });
    const authed = withToken(issued.authorizationToken);
    expect(await revokeAuthorizationToken(authed)).toEqual({ revoked: true });
    await expect(retrieveProfileId(authed)).rejects.toMatchObject({
      status: 401,
      reason: 'auth.invalid_token',
    });
    authed.close();
  });
});
