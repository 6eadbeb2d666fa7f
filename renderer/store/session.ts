import type { StateCreator } from 'zustand';
import type { SessionState } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';

export type EngineChoice =
  { mode: 'embedded' } | { mode: 'remote'; apiUrl: string; tlsPin?: string };

/** A remote engine whose certificate no trusted authority vouches for: the person decides. */
export interface EngineTrustQuestion {
  apiUrl: string;
  fingerprint: string;
}
export type AuthMode = 'sign-in' | 'sign-up';

/** How an attempt ended: signed in, or which step failed (the form moves focus there). */
export type AuthOutcome = 'signed-in' | 'engine-failed' | 'account-failed';

export interface Credentials {
  username: string;
  password: string;
}

export interface SessionSlice {
  /** Null until main has answered `session:get`. */
  session: SessionState | null;
  sessionLoadError: PlainError | null;
  authBusy: boolean;
  authError: PlainError | null;
  /** Set when the chosen engine's certificate needs the person's confirmation (trust on first use). */
  engineTrust: EngineTrustQuestion | null;
  loadSession(): Promise<void>;
  /** Points main at the chosen engine (when it changed or isn't ready), then signs in or up. */
  authenticate(
    mode: AuthMode,
    engine: EngineChoice,
    credentials: Credentials,
  ): Promise<AuthOutcome>;
  signOut(): Promise<void>;
  /** Signs out, asking first when transfers are still running (they stop if the person agrees). */
  requestSignOut(): void;
  applySession(session: SessionState): void;
  clearAuthError(): void;
  /** The person declined (or set aside) the certificate question. */
  clearEngineTrust(): void;
}

function sameEngine(session: SessionState | null, choice: EngineChoice): boolean {
  if (!session || session.engine.mode !== choice.mode) return false;
  // A fingerprint typed anew is checked by main again, even for the same address.
  return choice.mode === 'embedded' || (session.engine.apiUrl === choice.apiUrl && !choice.tlsPin);
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set, get) => ({
  session: null,
  sessionLoadError: null,
  authBusy: false,
  authError: null,
  engineTrust: null,

  loadSession: async () => {
    set({ sessionLoadError: null });
    try {
      get().applySession(await api.session.get());
    } catch (error) {
      set({ sessionLoadError: describeError(error) });
    }
  },

  authenticate: async (mode, engine, credentials) => {
    if (get().authBusy) return 'account-failed';
    set({ authBusy: true, authError: null, engineTrust: null });
    const engineUrl =
      engine.mode === 'remote' ? engine.apiUrl : (get().engineStatus?.apiUrl ?? null);
    let stage: AuthOutcome = 'engine-failed';
    try {
      if (!sameEngine(get().session, engine) || get().engineStatus?.state !== 'ready') {
        get().applySession(await api.session.useEngine(engine));
      }
      stage = 'account-failed';
      const next =
        mode === 'sign-up'
          ? await api.session.signUp(credentials)
          : await api.session.signIn(credentials);
      set({ authBusy: false });
      get().applySession(next);
      return next.status === 'signed-in' ? 'signed-in' : 'account-failed';
    } catch (error) {
      const problem = describeError(error, { engineUrl });
      const fingerprint = problem.details?.['fingerprint'];
      if (problem.reason === 'client.tls_untrusted' && fingerprint && engine.mode === 'remote') {
        set({ authBusy: false, engineTrust: { apiUrl: engine.apiUrl, fingerprint } });
        return stage;
      }
      set({ authBusy: false, authError: problem });
      return stage;
    }
  },

  requestSignOut: () => {
    const running = get().transfers.filter(
      (t) => t.state === 'queued' || t.state === 'running',
    ).length;
    if (running > 0) get().openDialog({ kind: 'sign-out', running });
    else void get().signOut();
  },

  signOut: async () => {
    try {
      get().applySession(await api.session.signOut());
    } catch (error) {
      get().notify(describeError(error).message, 'error');
    }
  },

  applySession: (session) => {
    const before = get().session;
    set({ session });
    const wasIn = before?.status === 'signed-in' && before.username === session.username;
    if (session.status === 'signed-in' && !wasIn) {
      get().enterWorkspace();
      get().enterSignedIn();
    }
    if (session.status === 'signed-out' && before?.status === 'signed-in') {
      get().leaveWorkspace();
      get().leaveSignedIn();
    }
  },

  clearAuthError: () => set({ authError: null }),
  clearEngineTrust: () => set({ engineTrust: null }),
});

export const sessionSelectors = {
  session: (s: AppState) => s.session,
  /** 'loading' until main answered, then the session's own status. */
  phase: (s: AppState): 'loading' | 'failed' | SessionState['status'] =>
    s.session ? s.session.status : s.sessionLoadError ? 'failed' : 'loading',
  username: (s: AppState) => s.session?.username ?? null,
  notice: (s: AppState) => s.session?.notice ?? null,
  engine: (s: AppState) => s.session?.engine ?? null,
  authBusy: (s: AppState) => s.authBusy,
  authError: (s: AppState) => s.authError,
  engineTrust: (s: AppState) => s.engineTrust,
  loadError: (s: AppState) => s.sessionLoadError,
};
