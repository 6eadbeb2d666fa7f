import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  KeyStatus,
  OrgDetails,
  OrgInvitation,
  OrgOverview,
  OrgPoll,
  OrgSummary,
  SessionState,
} from '../../../../bridge/types.ts';
import { generateInitialPassword as clientPassword } from '../../../../client/initial-password.ts';
import { generateInitialPassword } from '../../../../renderer/model/initial-password.ts';
import { checkDetails } from '../../../../renderer/model/organisation-words.ts';
import {
  createAppStore,
  navigationSelectors,
  organisationSelectors,
  subscribeToBridgeEvents,
} from '../../../../renderer/store/index.ts';
import { StandInError, installVaultStandIn, settle, signedOut } from './vault-stand-in.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

const id = (n: number) => `0190a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`;
const signedIn: SessionState = {
  ...signedOut,
  status: 'signed-in',
  username: 'ann',
  profileId: id(1),
};
const workspace = {
  'session:get': async () => signedIn,
  'files:list': async () => ({ items: [], count: 0, page: 1, perPage: 50 }),
  'files:contexts': async () => [],
  'files:transfers': async () => [],
  'app:state': async () => ({ pendingApprovals: 0, openBallots: 0, transfersPaused: false }),
  'vault:keyStatus': async (): Promise<KeyStatus> => ({
    state: 'ready',
    deviceIdentifier: null,
    notice: null,
    code: null,
  }),
};
const org = (n: number, role: OrgSummary['role'] = 'owner'): OrgSummary => ({
  directoryId: id(100 + n),
  name: `Org ${n}`,
  role,
  memberCount: 1,
  ownerProfileId: id(1),
  createdAt: '2026-01-01T00:00:00+00:00',
  meta: {},
});
const invitation = (n: number): OrgInvitation => ({
  invitationId: id(200 + n),
  directoryId: id(100 + n),
  directoryName: `Org ${n}`,
  username: 'ann',
  role: 'member',
  status: 'pending',
  invitedBy: id(9),
  createdAt: '2026-01-01T00:00:00+00:00',
  processedAt: null,
});
const details = (summary: OrgSummary): OrgDetails => ({
  organisation: summary,
  members: [],
  invitations: [],
  devices: [],
});

describe('organisation slice', () => {
  it('shows the Organisation tab only with an organisation or an invitation to one', async () => {
    let overview: OrgOverview = { organisations: [], invitations: [] };
    const vault = installVaultStandIn({ ...workspace, 'org:overview': async () => overview });
    const store = createAppStore();
    const off = subscribeToBridgeEvents(store);
    await store.getState().loadSession();
    await settle();
    expect(navigationSelectors.tabs(store.getState())).not.toContain('organisation');

    // An invitation arrives: the event makes the store look again; the tab and its badge show.
    overview = { organisations: [], invitations: [invitation(1)] };
    vault.emit('org:invitation', { invitationId: id(201), directoryName: 'Org 1' });
    await settle();
    expect(vault.callsTo('org:overview')).toHaveLength(2);
    expect(navigationSelectors.tabs(store.getState())).toContain('organisation');
    expect(navigationSelectors.pendingInvitations(store.getState())).toBe(1);
    // The arrow keys' order: Organisation, then Connected apps, then Account.
    expect(navigationSelectors.tabs(store.getState()).slice(-3)).toEqual([
      'organisation',
      'apps',
      'account',
    ]);
    off();
  });

  it('answers an invitation and picks the organisation it joined', async () => {
    let overview: OrgOverview = { organisations: [], invitations: [invitation(1)] };
    const vault = installVaultStandIn({
      ...workspace,
      'org:overview': async () => overview,
      'org:answer': async ({ accept }) => {
        overview = { organisations: accept ? [org(1, 'member')] : [], invitations: [] };
        return overview;
      },
      'org:details': async ({ directoryId }) => details({ ...org(1, 'member'), directoryId }),
    });
    const store = createAppStore();
    await store.getState().loadSession();
    await settle();
    const answering = store.getState().answerInvitation(id(201), true);
    expect(organisationSelectors.answering(id(201))(store.getState())).toBe('accept');
    await answering;
    expect(vault.callsTo('org:answer')).toEqual([{ invitationId: id(201), accept: true }]);
    expect(organisationSelectors.invitations(store.getState())).toEqual([]);
    expect(organisationSelectors.selected(store.getState())?.name).toBe('Org 1');
    expect(organisationSelectors.administers(store.getState())).toBe(false);
    expect(store.getState().notices.at(-1)?.text).toBe('You joined Org 1.');
  });

  it('shows the organisation picked, and its details only once they are of that one', async () => {
    installVaultStandIn({
      ...workspace,
      'org:overview': async () => ({ organisations: [org(1), org(2, 'admin')], invitations: [] }),
      'org:details': async ({ directoryId }) =>
        details(directoryId === id(101) ? org(1) : org(2, 'admin')),
    });
    const store = createAppStore();
    await store.getState().loadSession();
    await settle();
    expect(organisationSelectors.selected(store.getState())?.name).toBe('Org 1');
    expect(organisationSelectors.isOwner(store.getState())).toBe(true);
    await store.getState().loadOrgDetails();
    expect(organisationSelectors.details(store.getState())?.organisation.name).toBe('Org 1');
    store.getState().selectOrganisation(id(102));
    // Org 1's details are not shown as Org 2's while Org 2's load.
    expect(organisationSelectors.details(store.getState())).toBeNull();
    await settle();
    expect(organisationSelectors.details(store.getState())?.organisation.name).toBe('Org 2');
    expect(organisationSelectors.isOwner(store.getState())).toBe(false);
    expect(organisationSelectors.administers(store.getState())).toBe(true);
  });

  it('forgets everything on sign-out', async () => {
    installVaultStandIn({
      ...workspace,
      'org:overview': async () => ({ organisations: [org(1)], invitations: [invitation(2)] }),
    });
    const store = createAppStore();
    await store.getState().loadSession();
    await settle();
    expect(organisationSelectors.organisations(store.getState())).toHaveLength(1);
    store.getState().leaveSignedIn();
    expect(organisationSelectors.overview(store.getState())).toBeNull();
    expect(organisationSelectors.invitations(store.getState())).toEqual([]);
  });
});

describe('ask the team', () => {
  const poll = (n: number, change: Partial<OrgPoll> = {}): OrgPoll => ({
    poolId: id(300 + n),
    directoryId: id(101),
    subject: `Question ${n}`,
    context: null,
    status: 'pending',
    strategy: 'consensus',
    round: 1,
    voters: 2,
    approvals: 0,
    rejections: 0,
    needed: 2,
    expiresAt: '2026-01-01T00:05:00+00:00',
    resolvedAt: null,
    ...change,
  });

  it('asks, shows the tally, takes the result from the event and keeps it', async () => {
    let next = poll(1);
    const vault = installVaultStandIn({
      ...workspace,
      'org:overview': async () => ({ organisations: [org(1)], invitations: [] }),
      'org:ask': async () => next,
      'org:poll': async () => poll(1, { approvals: 1 }),
    });
    const store = createAppStore();
    const off = subscribeToBridgeEvents(store);
    await store.getState().loadSession();
    await settle();
    expect(
      await store.getState().askTeam({
        subject: 'Question 1',
        context: '  ',
        profileIds: [],
        votingConfigurationId: null,
      }),
    ).toBeNull();
    // Everyone: no profileIds; blank details and no configuration are left out.
    expect(vault.callsTo('org:ask')).toEqual([{ directoryId: id(101), subject: 'Question 1' }]);
    expect(organisationSelectors.polls(store.getState())).toEqual([poll(1)]);

    next = poll(2);
    await store.getState().askTeam({
      subject: 'Question 2',
      context: 'why',
      profileIds: [id(5)],
      votingConfigurationId: id(6),
    });
    expect(vault.callsTo('org:ask')[1]).toEqual({
      directoryId: id(101),
      subject: 'Question 2',
      context: 'why',
      profileIds: [id(5)],
      votingConfigurationId: id(6),
    });
    expect(organisationSelectors.polls(store.getState()).map((p) => p.poolId)).toEqual([
      id(302),
      id(301),
    ]);

    // The result arrives as an event; a look that answered late with the open round is ignored.
    vault.emit('org:poll', poll(1, { status: 'approved', approvals: 2 }));
    await settle();
    store.getState().orgPollChanged(poll(1, { approvals: 1 }));
    const first = organisationSelectors.polls(store.getState()).find((p) => p.poolId === id(301));
    expect(first).toMatchObject({ status: 'approved', approvals: 2 });

    // Only open polls are looked at again.
    await store.getState().refreshOrgPolls();
    expect(vault.callsTo('org:poll')).toEqual([{ directoryId: id(101), poolId: id(302) }]);

    store.getState().leaveSignedIn();
    expect(organisationSelectors.polls(store.getState())).toEqual([]);
    off();
  });

  it('says why the engine refused', async () => {
    installVaultStandIn({
      ...workspace,
      'org:overview': async () => ({ organisations: [org(1)], invitations: [] }),
      'org:ask': async () => {
        throw new StandInError({
          message: 'Nobody can vote.',
          reason: 'voting.no_authenticators',
          status: 422,
        });
      },
    });
    const store = createAppStore();
    await store.getState().loadSession();
    await settle();
    const failure = await store.getState().askTeam({
      subject: 'x',
      context: '',
      profileIds: [],
      votingConfigurationId: null,
    });
    expect(failure?.reason).toBe('voting.no_authenticators');
    expect(organisationSelectors.polls(store.getState())).toEqual([]);
  });
});

describe('first passwords', () => {
  const FORM = /^[a-hj-km-np-z2-9]{5}(-[a-hj-km-np-z2-9]{5}){3}$/;

  it('are made in one form by the window and by the CLI, without look-alike characters', () => {
    for (let i = 0; i < 200; i += 1) {
      expect(generateInitialPassword()).toMatch(FORM);
      expect(clientPassword()).toMatch(FORM);
    }
    expect(new Set(Array.from({ length: 50 }, () => generateInitialPassword())).size).toBe(50);
  });

  it('draw again rather than favour some characters (bytes past the last full alphabet)', () => {
    // 31 letters: bytes 248–255 would make the first letters likelier; they are drawn again.
    const bytes = [255, 250, 248, 0, 30, 247, ...Array.from({ length: 30 }, () => 1)];
    const random = (target: Uint8Array) => {
      target[0] = bytes.shift() ?? 2;
      return target;
    };
    expect(generateInitialPassword(random).slice(0, 4)).toBe('a99b');
  });
});

describe('organisation details', () => {
  it('are checked as the engine checks free-form fields', () => {
    expect(checkDetails([{ key: 'city', value: 'Oslo' }])).toBeNull();
    expect(checkDetails([{ key: 'bad key', value: '' }])).toMatch(/letters, digits/);
    expect(checkDetails([{ key: 'directoryId', value: 'x' }])).toMatch(/cannot be the name/);
    expect(
      checkDetails([
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ]),
    ).toMatch(/twice/);
    expect(checkDetails([{ key: 'a', value: 'v'.repeat(1025) }])).toMatch(/1024/);
  });
});
