import { useEffect, useId, useState, type FormEvent } from 'react';
import { printable } from '../../bridge/printable.ts';
import type { OrgDevice, OrgInvitation, OrgMember, OrgPoll } from '../../bridge/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { Spinner } from '../components/spinner.tsx';
import { useNow } from '../components/use-now.ts';
import { describeCountdown, formatCountdown, secondsUntil } from '../model/countdown.ts';
import { deviceLabel } from '../model/device-words.ts';
import { formatDate } from '../model/format-date.ts';
import { formatSize } from '../model/format-size.ts';
import {
  checkDetails,
  memberLabel,
  orgDeviceKind,
  ROLE_WORDS,
  yourRole,
} from '../model/organisation-words.ts';
import { describeLastSeen } from '../model/relative-time.ts';
import { organisationSelectors, useAppStore } from '../store/index.ts';

/** Devices come and go online without an event: look again this often while the screen shows. */
const REFRESH_EVERY_MS = 5000;

function MemberRow({ member }: { member: OrgMember }) {
  const administers = useAppStore(organisationSelectors.administers);
  const isOwner = useAppStore(organisationSelectors.isOwner);
  const selfId = useAppStore((s) => s.session?.profileId ?? null);
  const openDialog = useAppStore((s) => s.openDialog);
  const name = memberLabel(member);
  const isSelf = member.profileId === selfId;
  // Admins act on members and themselves; the owner on everyone (the engine says the same).
  const mayManage =
    administers && member.role !== 'owner' && (isOwner || member.role === 'member' || isSelf);
  const counts = member.counts;
  return (
    <tr
      className="member-row"
      data-testid="member-row"
      data-profile-id={member.profileId}
      data-role={member.role}
    >
      <td>
        <span className="member-name">
          <Icon name="user" className="device-icon" />
          <span>
            <span className="member-label">{name}</span>
            {member.displayName ? (
              <span className="muted member-username">{member.username}</span>
            ) : null}
          </span>
          {isSelf ? <span className="chip chip-you">You</span> : null}
        </span>
      </td>
      <td>
        <span className={`chip chip-role chip-role-${member.role}`}>{ROLE_WORDS[member.role]}</span>
      </td>
      <td className="muted" data-testid="member-account">
        {member.role === 'owner' ? 'Owner' : member.managed ? 'Managed' : 'Invited'}
      </td>
      {counts ? (
        <>
          <td className="num">
            <span className="cell-main" data-testid="member-devices">
              {counts.devices}
            </span>
            <span className="cell-sub muted">
              {counts.storageDevices} storage · {counts.authenticators}{' '}
              {counts.authenticators === 1 ? 'authenticator' : 'authenticators'}
            </span>
          </td>
          <td className="num">
            <span className="cell-main" data-testid="member-files">
              {counts.files}
            </span>
            <span className="cell-sub muted">{formatSize(counts.storedBytes)}</span>
          </td>
        </>
      ) : null}
      {administers ? (
        <td className="cell-actions member-actions">
          {mayManage ? (
            <div className="row-buttons">
              {isOwner && !isSelf ? (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => openDialog({ kind: 'org-role', member })}
                >
                  {member.role === 'admin' ? 'Make member' : 'Make admin'}
                </button>
              ) : null}
              {member.managed && !isSelf ? (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => openDialog({ kind: 'org-password', member })}
                  aria-description={`Set a new password for ${name}`}
                >
                  Set password
                </button>
              ) : null}
              <button
                type="button"
                className="button button-small"
                onClick={() => openDialog({ kind: 'org-device', member, storage: false })}
                aria-description={`Add a device for ${name}`}
              >
                Add device
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => openDialog({ kind: 'org-device', member, storage: true })}
                aria-description={`Add a storage device for ${name}`}
              >
                Add storage
              </button>
            </div>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

function MembersCard({ members }: { members: readonly OrgMember[] }) {
  const administers = useAppStore(organisationSelectors.administers);
  const openDialog = useAppStore((s) => s.openDialog);
  const withCounts = members.some((m) => m.counts !== null);
  return (
    <section className="card" aria-labelledby="members-title" data-testid="members-card">
      <div className="card-header">
        <h2 id="members-title" className="card-title">
          <Icon name="users" size={16} /> Members
          <span className="count-pill">{members.length}</span>
        </h2>
        {administers ? (
          <div className="card-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => openDialog({ kind: 'org-invite' })}
              data-testid="invite-person-button"
            >
              <Icon name="mail" size={13} />
              Invite someone
            </button>
            <button
              type="button"
              className="button button-small button-primary"
              onClick={() => openDialog({ kind: 'org-add-person' })}
              data-testid="add-person-button"
            >
              <Icon name="plus" size={13} />
              Add a person
            </button>
          </div>
        ) : null}
      </div>
      {withCounts ? (
        <p className="muted card-intro">
          You see how many devices and files each member has. Their files stay theirs: nobody in the
          organisation can open them.
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="data-table" aria-labelledby="members-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Account</th>
              {withCounts ? (
                <>
                  <th scope="col" className="num">
                    Devices
                  </th>
                  <th scope="col" className="num">
                    Files
                  </th>
                </>
              ) : null}
              {administers ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <MemberRow key={member.profileId} member={member} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function InvitationsCard({ invitations }: { invitations: readonly OrgInvitation[] }) {
  if (invitations.length === 0) return null;
  const words = { pending: 'Waiting for an answer', accepted: 'Joined', declined: 'Declined' };
  return (
    <section className="card" aria-labelledby="invitations-title" data-testid="invitations-card">
      <h2 id="invitations-title" className="card-title">
        <Icon name="mail" size={16} /> Invitations
      </h2>
      <ul className="invitation-list">
        {invitations.map((invitation) => (
          <li
            key={invitation.invitationId}
            className="invitation-item"
            data-testid="invitation-item"
            data-status={invitation.status}
          >
            <span className="invitation-who">{invitation.username}</span>
            <span className="muted">as {invitation.role}</span>
            <span className={`chip invitation-status invitation-${invitation.status}`}>
              {words[invitation.status]}
            </span>
            <span className="muted">
              <time dateTime={invitation.processedAt ?? invitation.createdAt}>
                {formatDate(invitation.processedAt ?? invitation.createdAt)}
              </time>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function DeviceRow({ device, owner, now }: { device: OrgDevice; owner: string; now: number }) {
  return (
    <tr data-testid="org-device-row" data-device-id={device.deviceIdentifier}>
      <td>
        <span className="device-cell-name">
          <Icon
            name={
              device.role === 'storage'
                ? 'drive'
                : device.role === 'authenticator'
                  ? 'key'
                  : 'computer'
            }
            className="device-icon"
          />
          <span className="device-name-text">{deviceLabel(device.name)}</span>
        </span>
      </td>
      <td>{owner}</td>
      <td className="muted">{orgDeviceKind(device)}</td>
      <td>
        <span className="device-state" data-testid="org-device-online">
          <span
            className={`status-dot ${device.online ? 'status-ready' : 'status-unreachable'}`}
            aria-hidden="true"
          />
          {device.online ? 'Online' : 'Offline'}
        </span>
      </td>
      <td className="muted">{device.online ? 'Now' : describeLastSeen(device.lastSeenAt, now)}</td>
    </tr>
  );
}

function DevicesCard({
  devices,
  members,
  now,
}: {
  devices: readonly OrgDevice[];
  members: readonly OrgMember[];
  now: number;
}) {
  const names = new Map(members.map((m) => [m.profileId, memberLabel(m)]));
  const online = devices.filter((d) => d.online).length;
  return (
    <section className="card" aria-labelledby="org-devices-title" data-testid="org-devices-card">
      <h2 id="org-devices-title" className="card-title">
        <Icon name="devices" size={16} /> Devices
        {devices.length > 0 ? (
          <span className="count-pill">
            {online}/{devices.length} online
          </span>
        ) : null}
      </h2>
      {devices.length === 0 ? (
        <p className="muted card-intro" data-testid="org-devices-empty">
          No devices yet. Add one for a member from the Members list.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-labelledby="org-devices-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Member</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <DeviceRow
                  key={device.deviceIdentifier}
                  device={device}
                  owner={names.get(device.profileId) ?? device.profileId}
                  now={now}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DetailsCard() {
  const details = useAppStore(organisationSelectors.details);
  const administers = useAppStore(organisationSelectors.administers);
  const saveOrgDetails = useAppStore((s) => s.saveOrgDetails);
  const notify = useAppStore((s) => s.notify);
  const [editing, setEditing] = useState<{ key: string; value: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = useId();
  if (!details) return null;
  const organisation = details.organisation;
  const entries = Object.entries(organisation.meta);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!editing || busy) return;
    const rows = editing
      .map((row) => ({ key: row.key.trim(), value: row.value }))
      .filter((row) => row.key !== '' || row.value !== '');
    const problem = checkDetails(rows);
    if (problem) return setError(problem);
    setBusy(true);
    const failure = await saveOrgDetails(Object.fromEntries(rows.map((r) => [r.key, r.value])));
    setBusy(false);
    if (failure) return setError(failure.message);
    setEditing(null);
    notify('Saved the organisation’s details.', 'success');
  };

  return (
    <section className="card" aria-labelledby="org-details-title" data-testid="org-details-card">
      <div className="card-header">
        <h2 id="org-details-title" className="card-title">
          <Icon name="info" size={16} /> Details
        </h2>
        {administers && !editing ? (
          <div className="card-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setError(null);
                setEditing(
                  entries.length > 0
                    ? entries.map(([key, value]) => ({ key, value }))
                    : [{ key: 'address', value: '' }],
                );
              }}
              data-testid="edit-details-button"
            >
              <Icon name="pencil" size={13} />
              Edit
            </button>
          </div>
        ) : null}
      </div>
      {editing ? (
        <form id={formId} className="details-form" onSubmit={(e) => void save(e)} noValidate>
          {editing.map((row, index) => (
            <div className="details-form-row" key={index}>
              <input
                className="input"
                aria-label={`Detail ${index + 1} name`}
                value={row.key}
                onChange={(e) =>
                  setEditing(
                    editing.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)),
                  )
                }
                spellCheck={false}
              />
              <input
                className="input"
                aria-label={`Detail ${index + 1} value`}
                value={row.value}
                onChange={(e) =>
                  setEditing(
                    editing.map((r, i) => (i === index ? { ...r, value: e.target.value } : r)),
                  )
                }
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove detail ${index + 1}`}
                onClick={() => setEditing(editing.filter((_, i) => i !== index))}
              >
                <Icon name="x" />
              </button>
            </div>
          ))}
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="form-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => setEditing([...editing, { key: '', value: '' }])}
            >
              <Icon name="plus" size={13} />
              Add a detail
            </button>
            <span className="spacer" />
            <button type="button" className="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={busy}
              aria-busy={busy || undefined}
            >
              {busy ? <Spinner size={12} /> : null}
              Save details
            </button>
          </div>
        </form>
      ) : (
        <dl className="details-list">
          <div className="detail-pair">
            <dt>Name</dt>
            <dd data-testid="org-name">{printable(organisation.name)}</dd>
          </div>
          <div className="detail-pair">
            <dt>Created</dt>
            <dd>{formatDate(organisation.createdAt)}</dd>
          </div>
          {entries.map(([key, value]) => (
            <div className="detail-pair" key={key} data-testid="org-detail">
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

const POLL_WORDS: Record<OrgPoll['status'], string> = {
  pending: 'Open',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired — not enough votes in time',
  cancelled: 'Cancelled',
};

function PollItem({ poll }: { poll: OrgPoll }) {
  const open = poll.status === 'pending';
  const now = useNow(open);
  const left = open ? secondsUntil(poll.expiresAt, now) : null;
  const tally = `${poll.approvals} yes · ${poll.rejections} no · ${poll.voters} ${poll.voters === 1 ? 'voter' : 'voters'}`;
  return (
    <li
      className="poll-item"
      data-testid="org-poll"
      data-pool-id={poll.poolId}
      data-status={poll.status}
    >
      <div className="poll-head">
        <span className="poll-subject">{poll.subject}</span>
        <span className={`chip poll-status poll-${poll.status}`} data-testid="org-poll-status">
          {POLL_WORDS[poll.status]}
        </span>
      </div>
      {poll.context ? <p className="muted poll-context">{poll.context}</p> : null}
      <p className="poll-tally" aria-live="polite" data-testid="org-poll-tally">
        {open
          ? `Waiting for approval — ${poll.approvals} of ${poll.needed} yes votes needed (${tally})`
          : `${tally}${poll.resolvedAt ? ` · ${formatDate(poll.resolvedAt)}` : ''}`}
        {left !== null ? (
          <span className="muted poll-countdown" aria-label={describeCountdown(left)}>
            {' '}
            · {left > 0 ? `${formatCountdown(left)} left` : 'closing'}
            {poll.round > 1 ? ` · round ${poll.round}` : ''}
          </span>
        ) : null}
      </p>
    </li>
  );
}

/** Ask the team: directory votes asked from this window, their live tally and result. */
function PollsCard({ directoryId }: { directoryId: string }) {
  const administers = useAppStore(organisationSelectors.administers);
  const all = useAppStore(organisationSelectors.polls);
  const openDialog = useAppStore((s) => s.openDialog);
  const polls = all.filter((p) => p.directoryId === directoryId);
  if (!administers) return null;
  return (
    <section className="card" aria-labelledby="org-polls-title" data-testid="org-polls-card">
      <div className="card-header">
        <h2 id="org-polls-title" className="card-title">
          <Icon name="check" size={16} /> Ask the team
        </h2>
        <div className="card-actions">
          <button
            type="button"
            className="button button-small button-primary"
            onClick={() => openDialog({ kind: 'org-ask' })}
            data-testid="ask-team-button"
          >
            <Icon name="plus" size={13} />
            Ask the team
          </button>
        </div>
      </div>
      {polls.length === 0 ? (
        <p className="muted card-intro">
          Put a question to the members: each votes yes or no from their authenticators, by the
          rules of your voting settings.
        </p>
      ) : (
        <ul className="poll-list">
          {polls.map((poll) => (
            <PollItem key={poll.poolId} poll={poll} />
          ))}
        </ul>
      )}
    </section>
  );
}

function NoOrganisation() {
  const openDialog = useAppStore((s) => s.openDialog);
  return (
    <section className="card" aria-labelledby="no-org-title" data-testid="no-organisation">
      <h2 id="no-org-title" className="card-title">
        <Icon name="users" size={16} /> No organisation yet
      </h2>
      <p className="muted card-intro">
        An organisation groups accounts: make accounts for your team or invite people, set up their
        devices and storage, and ask them to vote. Each person keeps their own files.
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => openDialog({ kind: 'org-create' })}
        >
          <Icon name="plus" size={14} />
          Create an organisation
        </button>
      </div>
    </section>
  );
}

/** The organisation the profile belongs to: its people, their devices, its details. */
export function OrganisationScreen() {
  const organisations = useAppStore(organisationSelectors.organisations);
  const selected = useAppStore(organisationSelectors.selected);
  const details = useAppStore(organisationSelectors.details);
  const status = useAppStore(organisationSelectors.detailsStatus);
  const error = useAppStore(organisationSelectors.detailsError);
  const loadOrgOverview = useAppStore((s) => s.loadOrgOverview);
  const loadOrgDetails = useAppStore((s) => s.loadOrgDetails);
  const selectOrganisation = useAppStore((s) => s.selectOrganisation);
  const refreshOrgPolls = useAppStore((s) => s.refreshOrgPolls);
  const [now, setNow] = useState(() => Date.now());
  const selectedId = selected?.directoryId ?? null;
  const pickerId = useId();
  // The roster is fresher than the overview the tab was drawn from.
  const memberCount = details?.members.length ?? selected?.memberCount ?? 0;

  useEffect(() => {
    void loadOrgOverview();
  }, [loadOrgOverview]);

  useEffect(() => {
    if (!selectedId) return;
    void loadOrgDetails();
    const timer = setInterval(() => {
      setNow(Date.now());
      void loadOrgDetails();
      // Open votes' tallies move without an event (only the result has one).
      void refreshOrgPolls();
    }, REFRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [selectedId, loadOrgDetails, refreshOrgPolls]);

  return (
    <PageLayout
      screen="organisation"
      title={selected ? printable(selected.name) : 'Organisation'}
      testId="organisation-screen"
      actions={
        organisations.length > 1 ? (
          <div className="field field-inline">
            <label htmlFor={pickerId}>Organisation</label>
            <select
              id={pickerId}
              className="input"
              value={selectedId ?? ''}
              onChange={(event) => selectOrganisation(event.target.value)}
            >
              {organisations.map((o) => (
                <option key={o.directoryId} value={o.directoryId}>
                  {printable(o.name)}
                </option>
              ))}
            </select>
          </div>
        ) : undefined
      }
    >
      {selected ? (
        <p className="muted page-intro" data-testid="org-role" data-role={selected.role}>
          {yourRole(selected.role)} · {memberCount} {memberCount === 1 ? 'member' : 'members'}
        </p>
      ) : null}
      {!selected ? <NoOrganisation /> : null}
      {selected && status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load the organisation."
          message={error.message}
          onRetry={() => void loadOrgDetails()}
        />
      ) : null}
      {selected && !details && status !== 'error' ? (
        <p className="muted">
          <Spinner size={12} /> Loading the organisation…
        </p>
      ) : null}
      {details ? (
        <>
          <MembersCard members={details.members} />
          <InvitationsCard invitations={details.invitations} />
          {details.organisation.role !== 'member' ? (
            <DevicesCard devices={details.devices} members={details.members} now={now} />
          ) : null}
          <PollsCard directoryId={details.organisation.directoryId} />
          <DetailsCard />
        </>
      ) : null}
    </PageLayout>
  );
}
