import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionState } from '../../../../bridge/types.ts';
import {
  createAppStore,
  sessionSelectors,
  subscribeToBridgeEvents,
} from '../../../../renderer/store/index.ts';
import { installVaultStandIn, readyEngine, signedOut, StandInError } from './vault-stand-in.ts';

afterEach(() => vi.unstubAllGlobals());

const signedIn = (username: string): SessionState => ({
  ...signedOut,
  status: 'signed-in',
  username,
  profileId: 'p1',
});
const workspace = {
  'files:list': async () => ({ items: [], count: 0, page: 1, perPage: 50 }),
  'files:contexts': async () => [],
  'files:transfers': async () => [],
};

describe('session slice', () => {
  it('is loading until main answers, then follows the session', async () => {
    installVaultStandIn({
      'session:get': async () => ({ ...signedOut, notice: 'Your session expired.' }),
    });
    const store = createAppStore();
    expect(sessionSelectors.phase(store.getState())).toBe('loading');
    await store.getState().loadSession();
    expect(sessionSelectors.phase(store.getState())).toBe('signed-out');
    expect(sessionSelectors.notice(store.getState())).toBe('Your session expired.');
  });

  it('switches engine first when the choice changed, then signs up and opens the workspace', async () => {
    const vault = installVaultStandIn({
      ...workspace,
      'session:get': async () => signedOut,
      'session:useEngine': async (choice) => ({
        ...signedOut,
        engine: { mode: choice.mode, apiUrl: choice.mode === 'remote' ? choice.apiUrl : null },
      }),
      'session:signUp': async ({ username }) => signedIn(username),
    });
    const store = createAppStore();
    await store.getState().loadSession();
    store.getState().applyEngineStatus(readyEngine);
    const outcome = await store
      .getState()
      .authenticate(
        'sign-up',
        { mode: 'remote', apiUrl: 'https://vault.example:9009' },
        { username: 'maria', password: 'long enough pw' },
      );
    expect(outcome).toBe('signed-in');
    expect(vault.calls.map((c) => c.channel)).toEqual(
      expect.arrayContaining([
        'session:useEngine',
        'session:signUp',
        'files:list',
        'files:contexts',
        'files:transfers',
      ]),
    );
    expect(sessionSelectors.username(store.getState())).toBe('maria');
  });

  it('skips the engine switch when the same engine is ready', async () => {
    const vault = installVaultStandIn({
      ...workspace,
      'session:get': async () => signedOut,
      'session:signIn': async ({ username }) => signedIn(username),
    });
    const store = createAppStore();
    await store.getState().loadSession();
    store.getState().applyEngineStatus(readyEngine);
    await store
      .getState()
      .authenticate('sign-in', { mode: 'embedded' }, { username: 'maria', password: 'x' });
    expect(vault.callsTo('session:useEngine')).toEqual([]);
  });

  it('says which step failed, in plain words', async () => {
    installVaultStandIn({
      'session:get': async () => signedOut,
      'session:useEngine': async () => {
        throw new StandInError({
          message: 'connect ECONNREFUSED',
          reason: 'client.network',
          status: null,
        });
      },
    });
    const store = createAppStore();
    await store.getState().loadSession();
    const outcome = await store
      .getState()
      .authenticate(
        'sign-in',
        { mode: 'remote', apiUrl: 'https://nowhere.example' },
        { username: 'm', password: 'p' },
      );
    expect(outcome).toBe('engine-failed');
    expect(sessionSelectors.authError(store.getState())?.message).toBe(
      "Can't reach the engine at https://nowhere.example. Check the address and that it is running.",
    );
    expect(sessionSelectors.authBusy(store.getState())).toBe(false);
  });

  it('clears the workspace when main ends the session', async () => {
    const vault = installVaultStandIn({
      ...workspace,
      'session:get': async () => signedIn('maria'),
    });
    const store = createAppStore();
    const unsubscribe = subscribeToBridgeEvents(store);
    expect(subscribeToBridgeEvents(store)).toBe(unsubscribe);
    expect(vault.listenerCount('session:changed')).toBe(1);
    await store.getState().loadSession();
    store.getState().notify('something');
    vault.emit('session:changed', { ...signedOut, notice: 'Your session expired. Sign in again.' });
    expect(sessionSelectors.phase(store.getState())).toBe('signed-out');
    expect(store.getState().notices).toEqual([]);
    expect(store.getState().filePage).toBeNull();
    unsubscribe();
    expect(vault.listenerCount('session:changed')).toBe(0);
  });
});
