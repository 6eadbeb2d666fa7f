// Connected apps and consent links through main's real handlers and VaultApp.openLink, over a
// real engine. A link is untrusted: what the prompt shows comes from the engine's record, a link
// naming another redirect URI or an application registered with an address this app does not
// open gives a refused prompt whose answer opens nothing, a prompt is answered once, a link that
// came while signed out waits for the next sign-in, and bad input stops at the bridge.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentPrompt, NewAppCredentials } from '../../../bridge/types.ts';
import { consentLink } from '../../../client/oauth-consent.ts';
import { inProcessEngineHandle } from '../../../main/engine-handle.ts';
import { startDesktop, shared, type Desktop } from '../../support/desktop.ts';
import { PASSWORD, uniqueName } from '../../support/profiles.ts';
import { startVaultEngine } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let a: Desktop;
const username = uniqueName('apps');
const REDIRECT = 'http://127.0.0.1:8123/callback';
let lister: NewAppCredentials;

beforeAll(async () => {
  engine = await startVaultEngine();
  a = await startDesktop({ engine: shared(inProcessEngineHandle(engine)) });
  await a.call('session:signUp', { username, password: PASSWORD });
  lister = await a.call('apps:register', {
    name: 'File lister',
    redirectUri: REDIRECT,
    scopes: ['data-token:read'],
  });
});

afterAll(async () => {
  await a?.close();
  await engine?.close();
});

let nonces = 0;
function link(clientId: string, redirectUri: string, scopes: string[] = ['data-token:read']) {
  nonces += 1;
  return consentLink({
    clientId,
    nonce: `nonce-${nonces}-${Date.now()}`,
    scopes: scopes as never,
    redirectUri,
  });
}

/** The consent prompts main emitted so far, oldest first. */
function requested(): ConsentPrompt[] {
  return a.events
    .filter((entry) => entry.event === 'consent:requested')
    .map((entry) => entry.payload as ConsentPrompt);
}

/** The prompt after the `before`th, once main has emitted it. */
async function promptAfter(before: number): Promise<ConsentPrompt> {
  await a.event('consent:requested', () => requested().length > before);
  return requested()[before]!;
}

/** Opens a link as the OS hands it over and takes the prompt main emits for it. */
async function prompted(raw: string): Promise<ConsentPrompt> {
  const before = requested().length;
  await a.app.openLink(raw);
  return promptAfter(before);
}

describe('Connected apps', () => {
  it('registers with the secret shown once: the list never carries it', async () => {
    expect(lister).toMatchObject({
      name: 'File lister',
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientSecret: expect.any(String),
      redirectUri: REDIRECT,
    });
    const apps = await a.call('apps:list');
    expect(apps.registered.map((app) => app.name)).toEqual(['File lister']);
    expect(JSON.stringify(apps)).not.toContain(lister.clientSecret);
  });
});

describe('consent links', () => {
  it('shows the engine’s record; Allow opens the registered redirect URI, once', async () => {
    const prompt = await prompted(link(lister.clientId, REDIRECT));
    expect(prompt).toMatchObject({
      state: 'ready',
      application: { clientId: lister.clientId, name: 'File lister', redirectUri: REDIRECT },
      scopes: [{ scope: 'data-token:read', words: expect.stringContaining('download') }],
    });
    expect((await a.call('consent:pending')).map((p) => p.id)).toContain(prompt.id);
    const outcome = await a.call('consent:answer', { id: prompt.id, allow: true });
    expect(outcome.outcome).toBe('allowed');
    expect(outcome.opened).toMatch(/^http:\/\/127\.0\.0\.1:8123\/callback\?request_id=.+&nonce=/);
    expect(a.platform.opened).toContain(outcome.opened);
    // Answered: a second answer (a double click, a replayed IPC call) gives nothing more.
    expect(await a.reply('consent:answer', { id: prompt.id, allow: true })).toMatchObject({
      ok: false,
      error: { reason: 'consent.not_found' },
    });
    const apps = await a.call('apps:list');
    expect(apps.allowed).toEqual([
      expect.objectContaining({ clientId: lister.clientId, state: 'waiting' }),
    ]);
  });

  it('refuses a link naming another redirect URI: its answer opens nothing', async () => {
    const opened = a.platform.opened.length;
    const prompt = await prompted(link(lister.clientId, 'https://attacker.example/callback'));
    expect(prompt.state).toBe('refused');
    expect(prompt.message).toContain('https://attacker.example/callback');
    expect(await a.call('consent:answer', { id: prompt.id, allow: true })).toEqual({
      outcome: 'closed',
      opened: null,
    });
    expect(a.platform.opened.length).toBe(opened);
  });

  it('refuses an application registered with plain http to another computer (RFC 8252)', async () => {
    const remote = await a.call('apps:register', {
      name: 'Plain http elsewhere',
      redirectUri: 'http://app.example/callback',
      scopes: ['data-token:read'],
    });
    const opened = a.platform.opened.length;
    const prompt = await prompted(link(remote.clientId, 'http://app.example/callback'));
    expect(prompt).toMatchObject({ state: 'refused', application: { name: remote.name } });
    expect(prompt.message).toContain('does not open');
    expect(await a.call('consent:answer', { id: prompt.id, allow: false })).toEqual({
      outcome: 'closed',
      opened: null,
    });
    expect(a.platform.opened.length).toBe(opened);
  });

  it('refuses an unknown client id and a link that is not a consent link', async () => {
    const unknown = await prompted(link('0193a5c8-0000-7000-8000-000000000000', REDIRECT));
    expect(unknown).toMatchObject({ state: 'refused', application: null });
    const junk = await prompted('privicore://oauth/authorize?client_id=%00&scope[]=all');
    expect(junk).toMatchObject({ state: 'refused', application: null });
  });

  it('Deny opens the registered redirect URI with error=access_denied and gives nothing', async () => {
    const prompt = await prompted(link(lister.clientId, REDIRECT));
    const outcome = await a.call('consent:answer', { id: prompt.id, allow: false });
    expect(outcome.outcome).toBe('denied');
    expect(outcome.opened).toMatch(/^http:\/\/127\.0\.0\.1:8123\/callback\?error=access_denied/);
    expect(outcome.opened).not.toContain('request_id');
    expect((await a.call('apps:list')).allowed).toHaveLength(1);
  });

  it('keeps a link that came while signed out for the next sign-in', async () => {
    await a.call('session:signOut');
    const raw = link(lister.clientId, REDIRECT);
    const before = requested().length;
    await a.app.openLink(raw);
    expect(requested().length).toBe(before);
    expect(await a.call('consent:pending')).toEqual([]);
    await a.call('session:signIn', { username, password: PASSWORD });
    const prompt = await promptAfter(before);
    expect(prompt).toMatchObject({ state: 'ready', application: { name: 'File lister' } });
  });
});

describe('bad input at the bridge', () => {
  it('answers in the error shape and reaches no engine', async () => {
    for (const [channel, input] of [
      ['apps:register', { name: 'Good\u202eevil', redirectUri: REDIRECT, scopes: ['all'] }],
      ['apps:register', { name: 'x', redirectUri: REDIRECT, scopes: ['files:everything'] }],
      ['apps:register', { name: 'x', redirectUri: REDIRECT, scopes: [] }],
      ['apps:register', { name: 'x', redirectUri: '', scopes: ['all'] }],
      ['apps:revoke', { applicationId: '../../etc' }],
      ['apps:revokeAccess', { clientId: 42 }],
      ['consent:answer', { id: 'some-prompt-id', allow: 'yes' }],
      ['consent:answer', { id: '', allow: true }],
      ['consent:answer', { id: 'x', allow: true, extra: 1 }],
    ] as const) {
      expect(await a.reply(channel, input), `${channel} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { reason: 'bridge.invalid_input', message: expect.any(String) },
      });
    }
    expect((await a.call('apps:list')).registered).toHaveLength(2);
  });
});
