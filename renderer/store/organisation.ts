import type { StateCreator } from 'zustand';
import type {
  OrgDetails,
  OrgDeviceAdded,
  OrgInvitation,
  OrgOverview,
  OrgPoll,
  OrgSummary,
} from '../../bridge/types.ts';
import { api } from '../api.ts';
import { describeError, type PlainError } from '../model/describe-error.ts';
import type { AppState } from './app-store.ts';
import type { LoadStatus } from './files.ts';

export interface OrganisationSlice {
  orgOverview: OrgOverview | null;
  orgOverviewStatus: LoadStatus;
  /** The organisation the screen shows; the first one when none was picked. */
  orgSelected: string | null;
  orgDetails: OrgDetails | null;
  orgDetailsStatus: LoadStatus;
  orgDetailsError: PlainError | null;
  /** Invitations being answered, by id. */
  orgAnswering: Record<string, 'accept' | 'decline'>;
  loadOrgOverview(): Promise<void>;
  selectOrganisation(directoryId: string): void;
  loadOrgDetails(): Promise<void>;
  createOrganisation(name: string): Promise<PlainError | null>;
  addPerson(input: {
    username: string;
    password: string;
    role: 'admin' | 'member';
    displayName: string;
  }): Promise<PlainError | null>;
  invitePerson(username: string, role: 'admin' | 'member'): Promise<PlainError | null>;
  setMemberRole(profileId: string, role: 'admin' | 'member'): Promise<PlainError | null>;
  setMemberPassword(profileId: string, password: string): Promise<PlainError | null>;
  answerInvitation(invitationId: string, accept: boolean): Promise<void>;
  addMemberDevice(
    profileId: string,
    deviceName: string,
    storage: boolean,
  ): Promise<{ added: OrgDeviceAdded | null; error: PlainError | null }>;
  saveOrgDetails(meta: Record<string, string>): Promise<PlainError | null>;
  /** Pools asked from this window ("Ask the team"), newest first. */
  orgPolls: OrgPoll[];
  /** Ask the team: a vote of the chosen members (all when `profileIds` is empty). */
  askTeam(input: {
    subject: string;
    context: string;
    profileIds: string[];
    votingConfigurationId: string | null;
  }): Promise<PlainError | null>;
  /** Looks at the shown organisation's open polls again (their live tally). */
  refreshOrgPolls(): Promise<void>;
  /** A poll's new state (org:poll event or a fresh look). */
  orgPollChanged(poll: OrgPoll): void;
  /** The voting configurations of this profile the ask dialog offers. */
  orgVotingConfigurations(): Promise<{ votingConfigurationId: string; name: string }[]>;
  resetOrganisation(): void;
}

const initialOrganisation = {
  orgOverview: null,
  orgOverviewStatus: 'idle' as LoadStatus,
  orgSelected: null,
  orgDetails: null,
  orgDetailsStatus: 'idle' as LoadStatus,
  orgDetailsError: null,
  orgAnswering: {} as Record<string, 'accept' | 'decline'>,
  orgPolls: [] as OrgPoll[],
};

export const createOrganisationSlice: StateCreator<AppState, [], [], OrganisationSlice> = (
  set,
  get,
) => {
  let overviewRequest = 0;
  let detailsRequest = 0;

  const selectedId = () => selectedOf(get())?.directoryId ?? null;

  /** Runs an action on the shown organisation, then looks at it again. */
  const onSelected = async (
    action: (directoryId: string) => Promise<unknown>,
  ): Promise<PlainError | null> => {
    const directoryId = selectedId();
    if (!directoryId) return { message: 'Choose an organisation first.', reason: null };
    try {
      await action(directoryId);
      void get().loadOrgDetails();
      return null;
    } catch (error) {
      return describeError(error);
    }
  };

  return {
    ...initialOrganisation,

    loadOrgOverview: async () => {
      const mine = ++overviewRequest;
      set((s) => ({ orgOverviewStatus: s.orgOverview ? s.orgOverviewStatus : 'loading' }));
      try {
        const overview = await api.org.overview();
        if (mine !== overviewRequest) return;
        set({ orgOverview: overview, orgOverviewStatus: 'ready' });
      } catch {
        if (mine !== overviewRequest) return;
        // The tab and the banner stay as they were; the next look corrects them.
        set((s) => ({ orgOverviewStatus: s.orgOverview ? 'ready' : 'error' }));
      }
    },

    selectOrganisation: (directoryId) => {
      if (get().orgSelected === directoryId) return;
      set({ orgSelected: directoryId, orgDetails: null, orgDetailsStatus: 'idle' });
      void get().loadOrgDetails();
    },

    loadOrgDetails: async () => {
      const directoryId = selectedId();
      if (!directoryId) return;
      const mine = ++detailsRequest;
      set((s) => ({
        orgDetailsStatus:
          s.orgDetails?.organisation.directoryId === directoryId ? s.orgDetailsStatus : 'loading',
      }));
      try {
        const details = await api.org.details({ directoryId });
        if (mine !== detailsRequest) return;
        set({ orgDetails: details, orgDetailsStatus: 'ready', orgDetailsError: null });
      } catch (error) {
        if (mine !== detailsRequest) return;
        set({ orgDetailsStatus: 'error', orgDetailsError: describeError(error) });
      }
    },

    createOrganisation: async (name) => {
      try {
        const created = await api.org.create({ name });
        set({ orgSelected: created.directoryId, orgDetails: null });
        await get().loadOrgOverview();
        get().navigate('organisation');
        void get().loadOrgDetails();
        get().notify(`${created.name} is ready. Add people or invite them.`, 'success');
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    addPerson: (input) =>
      onSelected((directoryId) =>
        api.org.addPerson({
          directoryId,
          username: input.username,
          password: input.password,
          role: input.role,
          ...(input.displayName ? { displayName: input.displayName } : {}),
        }),
      ),

    invitePerson: (username, role) =>
      onSelected((directoryId) => api.org.invite({ directoryId, username, role })),

    setMemberRole: (profileId, role) =>
      onSelected((directoryId) => api.org.setRole({ directoryId, profileId, role })),

    setMemberPassword: (profileId, password) =>
      onSelected((directoryId) => api.org.setPassword({ directoryId, profileId, password })),

    answerInvitation: async (invitationId, accept) => {
      if (get().orgAnswering[invitationId]) return;
      const invitation = get().orgOverview?.invitations.find(
        (i) => i.invitationId === invitationId,
      );
      set((s) => ({
        orgAnswering: { ...s.orgAnswering, [invitationId]: accept ? 'accept' : 'decline' },
      }));
      try {
        const overview = await api.org.answer({ invitationId, accept });
        set({ orgOverview: overview, orgOverviewStatus: 'ready' });
        if (accept && invitation) {
          set({ orgSelected: invitation.directoryId, orgDetails: null });
          get().notify(`You joined ${invitation.directoryName}.`, 'success');
        } else if (invitation) {
          get().notify(`You declined the invitation to ${invitation.directoryName}.`, 'info');
        }
      } catch (error) {
        get().notify(`Couldn't answer the invitation. ${describeError(error).message}`, 'error');
        void get().loadOrgOverview();
      } finally {
        set((s) => ({
          orgAnswering: Object.fromEntries(
            Object.entries(s.orgAnswering).filter(([id]) => id !== invitationId),
          ),
        }));
      }
    },

    addMemberDevice: async (profileId, deviceName, storage) => {
      const directoryId = selectedId();
      if (!directoryId)
        return { added: null, error: { message: 'Choose an organisation first.', reason: null } };
      try {
        const added = await api.org.addDevice({ directoryId, profileId, deviceName, storage });
        if (added) void get().loadOrgDetails();
        return { added, error: null };
      } catch (error) {
        return { added: null, error: describeError(error) };
      }
    },

    saveOrgDetails: (meta) =>
      onSelected(async (directoryId) => {
        await api.org.saveDetails({ directoryId, meta });
        void get().loadOrgOverview();
      }),

    askTeam: async ({ subject, context, profileIds, votingConfigurationId }) => {
      const directoryId = selectedId();
      if (!directoryId) return { message: 'Choose an organisation first.', reason: null };
      try {
        const poll = await api.org.ask({
          directoryId,
          subject,
          ...(context.trim() ? { context } : {}),
          ...(profileIds.length > 0 ? { profileIds } : {}),
          ...(votingConfigurationId ? { votingConfigurationId } : {}),
        });
        get().orgPollChanged(poll);
        return null;
      } catch (error) {
        return describeError(error);
      }
    },

    refreshOrgPolls: async () => {
      const directoryId = selectedId();
      const open = get().orgPolls.filter(
        (p) => p.directoryId === directoryId && p.status === 'pending',
      );
      await Promise.all(
        open.map(async (p) => {
          try {
            get().orgPollChanged(
              await api.org.poll({ directoryId: p.directoryId, poolId: p.poolId }),
            );
          } catch {
            // The next look (or the org:poll event) tells.
          }
        }),
      );
    },

    orgPollChanged: (poll) =>
      set((s) => {
        const known = s.orgPolls.find((p) => p.poolId === poll.poolId);
        // A late reply about an open round never undoes a result already shown.
        if (known && known.status !== 'pending' && poll.status === 'pending') return {};
        return {
          orgPolls: known
            ? s.orgPolls.map((p) => (p.poolId === poll.poolId ? poll : p))
            : [poll, ...s.orgPolls],
        };
      }),

    orgVotingConfigurations: async () => {
      try {
        return (await api.voting.get()).configurations.map((c) => ({
          votingConfigurationId: c.votingConfigurationId,
          name: c.name,
        }));
      } catch {
        return [];
      }
    },

    resetOrganisation: () => {
      overviewRequest += 1;
      detailsRequest += 1;
      set({ ...initialOrganisation });
    },
  };
};

function selectedOf(s: AppState): OrgSummary | null {
  const all = s.orgOverview?.organisations ?? [];
  return all.find((o) => o.directoryId === s.orgSelected) ?? all[0] ?? null;
}

export const organisationSelectors = {
  overview: (s: AppState) => s.orgOverview,
  organisations: (s: AppState) => s.orgOverview?.organisations ?? EMPTY_ORGS,
  /** The invitations waiting for this profile's answer (the banner). */
  invitations: (s: AppState): readonly OrgInvitation[] =>
    s.orgOverview?.invitations ?? EMPTY_INVITATIONS,
  /** Whether the Organisation tab shows: the profile belongs to one, or is invited to one. */
  hasArea: (s: AppState) =>
    (s.orgOverview?.organisations.length ?? 0) > 0 || (s.orgOverview?.invitations.length ?? 0) > 0,
  selected: selectedOf,
  details: (s: AppState) => {
    const selected = selectedOf(s);
    return selected && s.orgDetails?.organisation.directoryId === selected.directoryId
      ? s.orgDetails
      : null;
  },
  detailsStatus: (s: AppState) => s.orgDetailsStatus,
  detailsError: (s: AppState) => s.orgDetailsError,
  /** Owners and admins run the organisation; members see the roster. */
  administers: (s: AppState) => {
    const role = selectedOf(s)?.role;
    return role === 'owner' || role === 'admin';
  },
  isOwner: (s: AppState) => selectedOf(s)?.role === 'owner',
  /** Every poll asked from this window; the screen keeps the shown organisation's. */
  polls: (s: AppState): readonly OrgPoll[] => s.orgPolls,
  answering: (invitationId: string) => (s: AppState) => s.orgAnswering[invitationId] ?? null,
};

const EMPTY_ORGS: readonly OrgSummary[] = [];
const EMPTY_INVITATIONS: readonly OrgInvitation[] = [];
