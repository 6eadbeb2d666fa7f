// examples/oauth-client run as its README says (`node server.js`) against a real engine, with the
// consenting person's side done over the wire: it registers itself with an owner token, sends
// the person to a consent link, takes the answer, lists the files, refreshes, shows a clear page
// on denial, refuses answers it did not ask for, and loses access when the application is
// revoked. The desktop app's side of the same flow is test/e2e/oauth-consent.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeInline } from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import { browserSession, startExampleApp, type RunningExample } from '../support/example-app.ts';
import { wire, type Wire } from '../support/http.ts';
import { consent } from '../support/oauth.ts';
import { awaitStatus, commandId, createProfile, type TestProfile } from '../support/profiles.ts';
import { addStorageDevice, startDevice } from '../support/storage-devices.ts';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let example: RunningExample;
let stopDevice: () => Promise<void>;

beforeAll(async () => {
  engine = await startTestEngine();
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  const { bundle } = await addStorageDevice(api, owner.token);
  const device = await startDevice(bundle);
  stopDevice = () => device.stop();
  await storeInline(api, owner.token, Buffer.from('ciphertext'), {
    fileName: 'tax-return',
    extension: 'pdf',
    context: '/tax/2026',
  });
  example = await startExampleApp({
    PRIVICORE_API_URL: engine.apiUrl,
    PRIVICORE_OWNER_TOKEN: owner.token,
  });
});
afterAll(async () => {
  await example?.stop();
  await stopDevice?.();
  await engine.close();
});

/** The consent link of /connect, and its parts. */
function linkIn(html: string) {
  const href = /href="([^"]+)" data-testid="consent-link"/.exec(html)![1]!.replace(/&amp;/g, '&');
  const url = new URL(href);
  return {
    href,
    clientId: url.searchParams.get('client_id')!,
    nonce: url.searchParams.get('nonce')!,
    scopes: url.searchParams.getAll('scope[]'),
    redirectUri: url.searchParams.get('redirect_uri')!,
  };
}

describe('the example application', () => {
  it('registers itself with the owner token, printing its credentials once', () => {
    expect(example.lines[0]).toMatch(/^Registered: CLIENT_ID=[0-9a-f-]{36} CLIENT_SECRET=S-/);
  });

  it('runs the flow: consent link, answer, code, tokens, files, refresh', async () => {
    const browser = browserSession(example.url);
    expect((await browser('/')).html).toContain('Connect your Privicore vault');
    const link = linkIn((await browser('/connect')).html);
    expect(link.href.startsWith('privicore://oauth/authorize?')).toBe(true);
    expect(link.redirectUri).toBe(`${example.url}/callback`);
    expect(link.scopes).toEqual(['data-token:read']);

    // The person says yes (the desktop app does this in the e2e test).
    const { requestId } = await consent(api, owner.token, link.clientId, link.scopes, link.nonce);
    const back = await browser(`/callback?request_id=${requestId}&nonce=${link.nonce}`);
    expect(back).toMatchObject({ status: 303, location: '/files' });
    const files = await browser('/files');
    expect(files.status).toBe(200);
    expect(files.html).toContain('tax-return.pdf');
    expect(files.html).toContain('/tax/2026');

    expect(await browser('/refresh', { method: 'POST' })).toMatchObject({ status: 303 });
    const refreshed = await browser('/files');
    expect(refreshed.html).toContain('The tokens were refreshed');
    expect(refreshed.html).toContain('tax-return.pdf');
    // Rotation keeps the consent alive: the new pair is the one in use.
    const consents = await api.get('/profile/retrieve-oauth-application-consent-list', owner.token);
    expect((consents.body as { items: { state: string }[] }).items[0]!.state).toBe('active');
  });

  it('shows a clear page when the person denies, and refuses answers it did not ask for', async () => {
    const browser = browserSession(example.url);
    const link = linkIn((await browser('/connect')).html);
    const denied = await browser(`/callback?error=access_denied&nonce=${link.nonce}`);
    expect(denied.status).toBe(200);
    expect(denied.html).toContain('You did not give access');
    // The same answer again, or one for another browser's request, is not taken.
    expect((await browser(`/callback?error=access_denied&nonce=${link.nonce}`)).status).toBe(400);
    const stranger = browserSession(example.url);
    const theirs = linkIn((await stranger('/connect')).html);
    const { requestId } = await consent(
      api,
      owner.token,
      theirs.clientId,
      theirs.scopes,
      theirs.nonce,
    );
    const forged = await browser(`/callback?request_id=${requestId}&nonce=${theirs.nonce}`);
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('not for a request this browser made');
  });

  it('loses access when the owner revokes the application: its next call fails with 401', async () => {
    const browser = browserSession(example.url);
    const link = linkIn((await browser('/connect')).html);
    const { requestId } = await consent(api, owner.token, link.clientId, link.scopes, link.nonce);
    await browser(`/callback?request_id=${requestId}&nonce=${link.nonce}`);
    expect((await browser('/files')).status).toBe(200);
    const list = await api.get('/profile/retrieve-oauth-application-list', owner.token);
    const app = (list.body as { items: { applicationId: string; name: string }[] }).items.find(
      (item) => item.name === 'Example file lister',
    )!;
    const revoke = await api.post(
      '/profile/oauth-application-revoke',
      { applicationId: app.applicationId },
      owner.token,
    );
    expect(await awaitStatus(api, commandId(revoke))).toBe('succeeded');
    const after = await browser('/files');
    expect(after.status).toBe(401);
    expect(after.html).toContain('Access ended');
    expect(after.html).toMatch(/answered 401 (auth\.invalid_token|oauth\.invalid_grant)/);
  });
});
