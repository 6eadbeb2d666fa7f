import type { StateCreator } from 'zustand';
import type { AppState as AppStatus } from '../../bridge/types.ts';
import { api } from '../api.ts';
import type { AppState } from './app-store.ts';
import { organisationSelectors } from './organisation.ts';

export type Screen =
  | 'files'
  | 'approvals'
  | 'devices'
  | 'storage'
  | 'policies'
  | 'voting'
  | 'organisation'
  | 'apps'
  | 'account';
/**
 * Every signed-in screen, in tab order. The Organisation tab shows only while the profile
 * belongs to an organisation or is invited to one (navigationSelectors.tabs); the screen itself
 * is always reachable (Account's "Create an organisation", a notification).
 */
export const SCREENS: readonly Screen[] = [
  'files',
  'approvals',
  'devices',
  'storage',
  'policies',
  'voting',
  'organisation',
  'apps',
  'account',
];

/** What the signed-out window shows: the sign-in form, or joining a vault by pairing code. */
export type OnboardingView = 'auth' | 'join';

export interface NavigationSlice {
  screen: Screen;
  /** Main's app-wide state (approvals waiting, transfers paused); null until it answered. */
  appStatus: AppStatus | null;
  onboardingView: OnboardingView;
  navigate(screen: Screen): void;
  loadAppStatus(): Promise<void>;
  applyAppStatus(status: AppStatus): void;
  setOnboardingView(view: OnboardingView): void;
  /** Signed in: back to Files, with the key and approvals state fresh. */
  enterSignedIn(): void;
  /** Signed out: every signed-in area forgets what it held. */
  leaveSignedIn(): void;
}

export const createNavigationSlice: StateCreator<AppState, [], [], NavigationSlice> = (
  set,
  get,
) => ({
  screen: 'files',
  appStatus: null,
  onboardingView: 'auth',

  navigate: (screen) => {
    if (get().session?.status !== 'signed-in') return;
    if (get().screen !== screen) set({ screen, dialog: null });
  },

  loadAppStatus: async () => {
    try {
      get().applyAppStatus(await api.app.state());
    } catch {
      // The badge stays as it was; the next app:state event corrects it.
    }
  },

  applyAppStatus: (status) => set({ appStatus: status }),

  setOnboardingView: (view) => set({ onboardingView: view }),

  enterSignedIn: () => {
    set({ screen: 'files', onboardingView: 'auth' });
    void get().loadKeyStatus();
    void get().loadAppStatus();
    void get().loadApprovals();
    void get().loadOrgOverview();
    // Consent links that came while the window was away (or before sign-in) are asked about now.
    void get().loadConsentPrompts();
  },

  leaveSignedIn: () => {
    set({ screen: 'files', appStatus: null });
    get().resetApps();
    get().resetDevices();
    get().resetStorage();
    get().resetAccount();
    get().resetPairing();
    get().resetVaultKey();
    get().resetApprovals();
    get().resetGovernance();
    get().resetHolds();
    get().resetOrganisation();
  },
});

export const navigationSelectors = {
  screen: (s: AppState) => s.screen,
  onboardingView: (s: AppState) => s.onboardingView,
  /** Approvals waiting for this computer's answer (the Devices tab's badge). */
  pendingApprovals: (s: AppState) => s.appStatus?.pendingApprovals ?? 0,
  /** Ballots waiting for this computer's vote (the Approvals tab's badge). */
  openBallots: (s: AppState) => s.appStatus?.openBallots ?? 0,
  /** The tabs shown: Organisation only when there is one to show (or an invitation to one). */
  tabs: (s: AppState): readonly Screen[] =>
    organisationSelectors.hasArea(s) || s.screen === 'organisation' ? SCREENS : WITHOUT_ORG,
  /** Invitations waiting (the Organisation tab's badge). */
  pendingInvitations: (s: AppState) => organisationSelectors.invitations(s).length,
};

const WITHOUT_ORG: readonly Screen[] = SCREENS.filter((screen) => screen !== 'organisation');
