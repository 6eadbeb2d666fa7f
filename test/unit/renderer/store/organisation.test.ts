import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  KeyStatus,
  OrgDetails,
  OrgInvitation,
  OrgOverview,
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
import { installVaultStandIn, settle, signedOut } from './vault-stand-in.ts';

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
    // The arrow keys' order: Organisation sits just before Account.
    expect(navigationSelectors.tabs(store.getState()).slice(-2)).toEqual([
      'organisation',
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
