import type { StateCreator } from 'zustand';
import type { PoliciesOverview, VotingDefaultsInfo, VotingOverview } from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';

type ConfigurationInput = Parameters<typeof api.voting.saveConfiguration>[0];
type PolicyInput = Parameters<typeof api.policies.create>[0];

/** The Voting and Policies screens: who votes, how votes are decided, what waits for a vote. */
export interface GovernanceSlice {
  votingOverview: VotingOverview | null;
  votingStatus: LoadStatus;
  votingError: PlainError | null;
  policiesOverview: PoliciesOverview | null;
  policiesStatus: LoadStatus;
  policiesError: PlainError | null;
  loadVoting(): Promise<void>;
  loadPolicies(): Promise<void>;
  addAuthenticator(deviceIdentifier: string): Promise<PlainError | null>;
  removeAuthenticator(deviceIdentifier: string): Promise<PlainError | null>;
  saveDefaults(change: Partial<VotingDefaultsInfo>): Promise<PlainError | null>;
  saveConfiguration(input: ConfigurationInput): Promise<PlainError | null>;
  deleteConfiguration(votingConfigurationId: string): Promise<PlainError | null>;
  createPolicy(input: PolicyInput): Promise<PlainError | null>;
  setPolicyActive(policyId: string, active: boolean): Promise<PlainError | null>;
  deletePolicy(policyId: string): Promise<PlainError | null>;
  resetGovernance(): void;
}

const initial = {
  votingOverview: null,
  votingStatus: 'idle' as LoadStatus,
  votingError: null,
  policiesOverview: null,
  policiesStatus: 'idle' as LoadStatus,
  policiesError: null,
};

export const createGovernanceSlice: StateCreator<AppState, [], [], GovernanceSlice> = (
  set,
  get,
) => {
  /** Runs a change, then reloads what it touched; the error in words, or null. */
  const change = async (
    work: () => Promise<unknown>,
    reload: ('voting' | 'policies')[],
    done?: string,
  ): Promise<PlainError | null> => {
    try {
      await work();
      if (done) get().notify(done, 'success');
      return null;
    } catch (error) {
      return describeError(error);
    } finally {
      if (reload.includes('voting')) void get().loadVoting();
      if (reload.includes('policies')) void get().loadPolicies();
    }
  };

  return {
    ...initial,

    loadVoting: async () => {
      set((s) => ({ votingStatus: s.votingOverview ? 'ready' : 'loading' }));
      try {
        set({ votingOverview: await api.voting.get(), votingStatus: 'ready', votingError: null });
      } catch (error) {
        set({ votingStatus: 'error', votingError: describeError(error) });
      }
    },

    loadPolicies: async () => {
      set((s) => ({ policiesStatus: s.policiesOverview ? 'ready' : 'loading' }));
      try {
        set({
          policiesOverview: await api.policies.get(),
          policiesStatus: 'ready',
          policiesError: null,
        });
      } catch (error) {
        set({ policiesStatus: 'error', policiesError: describeError(error) });
      }
    },

    addAuthenticator: (deviceIdentifier) =>
      change(() => api.voting.addAuthenticator({ deviceIdentifier }), ['voting'], 'It now votes.'),
    removeAuthenticator: (deviceIdentifier) =>
      change(async () => {
        await api.voting.removeAuthenticator({ deviceIdentifier });
        void get().loadApprovals();
      }, ['voting']),
    saveDefaults: (defaults) =>
      change(() => api.voting.setDefaults(defaults), ['voting'], 'Voting defaults saved.'),
    saveConfiguration: (input) =>
      change(() => api.voting.saveConfiguration(input), ['voting', 'policies'], 'Saved.'),
    deleteConfiguration: (votingConfigurationId) =>
      change(
        () => api.voting.deleteConfiguration({ votingConfigurationId }),
        ['voting', 'policies'],
      ),
    createPolicy: (input) =>
      change(() => api.policies.create(input), ['policies'], 'The policy was added.'),
    setPolicyActive: (policyId, active) =>
      change(() => api.policies.setActive({ policyId, active }), ['policies']),
    deletePolicy: (policyId) => change(() => api.policies.delete({ policyId }), ['policies']),

    resetGovernance: () => set({ ...initial }),
  };
};

export const governanceSelectors = {
  voting: (s: AppState) => s.votingOverview,
  votingStatus: (s: AppState) => s.votingStatus,
  votingError: (s: AppState) => s.votingError,
  policies: (s: AppState) => s.policiesOverview,
  policiesStatus: (s: AppState) => s.policiesStatus,
  policiesError: (s: AppState) => s.policiesError,
};
