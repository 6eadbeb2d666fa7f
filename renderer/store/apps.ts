import type { StateCreator } from 'zustand';
import type { ConnectedApps, ConsentPrompt, NewAppCredentials } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';

type RegisterInput = Parameters<typeof api.apps.register>[0];

/** The Connected apps screen and the consent prompts opened by privicore:// links. */
export interface AppsSlice {
  connectedApps: ConnectedApps | null;
  appsStatus: LoadStatus;
  appsError: PlainError | null;
  /** Consent prompts main holds, oldest first; the first is the one on screen. */
  consentPrompts: ConsentPrompt[];
  loadApps(): Promise<void>;
  /** The new application's credentials (shown once), or why it failed. */
  registerApp(input: RegisterInput): Promise<NewAppCredentials | PlainError>;
  revokeApp(applicationId: string, name: string): Promise<PlainError | null>;
  revokeAppAccess(clientId: string, name: string): Promise<PlainError | null>;
  loadConsentPrompts(): Promise<void>;
  /** A link reached this computer: show its prompt on Connected apps. */
  applyConsentPrompt(prompt: ConsentPrompt): void;
  /** The consent dialog closed: the next waiting prompt, if any, opens. */
  closeConsent(): void;
  /** The person's answer; null when it went through. */
  answerConsent(prompt: ConsentPrompt, allow: boolean): Promise<PlainError | null>;
  resetApps(): void;
}

const initial = {
  connectedApps: null,
  appsStatus: 'idle' as LoadStatus,
  appsError: null,
  consentPrompts: [] as ConsentPrompt[],
};

export const createAppsSlice: StateCreator<AppState, [], [], AppsSlice> = (set, get) => {
  /** Opens the first waiting prompt unless a consent dialog is already up. */
  const showNextPrompt = () => {
    const next = get().consentPrompts[0];
    if (!next || get().dialog?.kind === 'consent') return;
    get().navigate('apps');
    get().openDialog({ kind: 'consent', prompt: next });
  };

  return {
    ...initial,

    loadApps: async () => {
      set((s) => ({ appsStatus: s.connectedApps ? 'ready' : 'loading' }));
      try {
        set({ connectedApps: await api.apps.list(), appsStatus: 'ready', appsError: null });
      } catch (error) {
        set({ appsStatus: 'error', appsError: describeError(error) });
      }
    },

    registerApp: async (input) => {
      try {
        return await api.apps.register(input);
      } catch (error) {
        return describeError(error);
      } finally {
        void get().loadApps();
      }
    },

    revokeApp: async (applicationId, name) => {
      try {
        await api.apps.revoke({ applicationId });
        get().notify(`${name} was revoked: its codes and tokens no longer work.`, 'success');
        return null;
      } catch (error) {
        return describeError(error);
      } finally {
        void get().loadApps();
      }
    },

    revokeAppAccess: async (clientId, name) => {
      try {
        await api.apps.revokeAccess({ clientId });
        get().notify(`${name} no longer has access to your vault.`, 'success');
        return null;
      } catch (error) {
        return describeError(error);
      } finally {
        void get().loadApps();
      }
    },

    loadConsentPrompts: async () => {
      try {
        set({ consentPrompts: await api.consent.pending() });
        showNextPrompt();
      } catch {
        // Signed out or the window is closing; the next consent:requested event brings them.
      }
    },

    applyConsentPrompt: (prompt) => {
      if (get().consentPrompts.some((p) => p.id === prompt.id)) return;
      set((s) => ({ consentPrompts: [...s.consentPrompts, prompt] }));
      if (get().session?.status === 'signed-in') showNextPrompt();
    },

    closeConsent: () => {
      get().closeDialog();
      showNextPrompt();
    },

    answerConsent: async (prompt, allow) => {
      try {
        const { outcome } = await api.consent.answer({ id: prompt.id, allow });
        const name = prompt.application?.name ?? 'The application';
        if (outcome === 'allowed')
          get().notify(`${name} was given access. Your browser takes you back to it.`, 'success');
        else if (outcome === 'denied')
          get().notify(`${name} was denied access. Your browser tells it so.`, 'info');
        set((s) => ({ consentPrompts: s.consentPrompts.filter((p) => p.id !== prompt.id) }));
        return null;
      } catch (error) {
        const failure = describeError(error);
        // Answered or dropped elsewhere: it is gone either way.
        if (failure.reason === 'consent.not_found')
          set((s) => ({ consentPrompts: s.consentPrompts.filter((p) => p.id !== prompt.id) }));
        return failure;
      } finally {
        void get().loadApps();
      }
    },

    resetApps: () => set({ ...initial }),
  };
};

export const appsSelectors = {
  connectedApps: (s: AppState) => s.connectedApps,
  status: (s: AppState) => s.appsStatus,
  error: (s: AppState) => s.appsError,
  /** After an answer closes its dialog, the next waiting prompt opens. */
  nextPrompt: (s: AppState) => s.consentPrompts[0] ?? null,
};
