import { useEffect, useId, useState } from 'react';
import type { OrgMember } from '../../bridge/types.ts';
import { checkDeviceName } from '../model/device-words.ts';
import { generateInitialPassword } from '../model/initial-password.ts';
import { memberLabel } from '../model/organisation-words.ts';
import { organisationSelectors, useAppStore } from '../store/index.ts';
import { CopyButton } from './copy-button.tsx';
import { Dialog } from './dialog.tsx';
import { TextField } from './text-field.tsx';
import { useDialogAction } from './use-dialog-action.ts';

const FALLBACK = '[data-testid="organisation-screen"] h1';

function RoleChoice({
  value,
  onChange,
}: {
  value: 'member' | 'admin';
  onChange: (role: 'member' | 'admin') => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Role</label>
      <select
        id={id}
        className="input"
        value={value}
        onChange={(event) => onChange(event.target.value === 'admin' ? 'admin' : 'member')}
        aria-describedby={`${id}-hint`}
      >
        <option value="member">Member</option>
        <option value="admin">Admin</option>
      </select>
      <p className="field-hint" id={`${id}-hint`}>
        Admins add people, set up their devices and see how many files each member has — never the
        files.
      </p>
    </div>
  );
}

/** A password shown once, to read out or copy, with what to do with it. */
function OncePassword({ username, password }: { username: string; password: string }) {
  return (
    <div className="once-password" data-testid="initial-password-box">
      <p>
        The password for <strong>{username}</strong>, shown this once:
      </p>
      <div className="once-password-value">
        <code className="token" data-testid="initial-password">
          {password}
        </code>
        <CopyButton text={password} label="Copy the password" />
      </div>
      <p className="muted">
        Hand it over in person. They sign in with it; the app makes their own keys on that first
        sign-in, and they should change the password then (Account → Change password).
      </p>
    </div>
  );
}

export function CreateOrganisationDialog({ onClose }: { onClose: () => void }) {
  const createOrganisation = useAppStore((s) => s.createOrganisation);
  const [name, setName] = useState('');
  const { busy, error, setError, run } = useDialogAction(onClose);
  const submit = async () => {
    const typed = name.trim();
    if (typed === '' || typed.length > 200) return setError('The name is 1–200 characters.');
    await run(() => createOrganisation(typed));
  };
  return (
    <Dialog
      title="Create an organisation"
      description={
        <p>
          An organisation groups accounts: you make accounts for your team or invite people who have
          one, set up their devices and storage, and can ask them to vote. Everyone keeps their own
          files; you see how many they have, never what they are.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      confirmLabel="Create organisation"
      testId="create-organisation-dialog"
      fallbackFocus='[data-testid="account-screen"] h1'
    >
      <TextField
        label="Organisation name"
        value={name}
        onChange={(value) => {
          setName(value);
          setError(null);
        }}
        error={error}
        autoComplete="organization"
        data-autofocus=""
      />
    </Dialog>
  );
}

export function AddPersonDialog({ onClose }: { onClose: () => void }) {
  const addPerson = useAppStore((s) => s.addPerson);
  const isOwner = useAppStore(organisationSelectors.isOwner);
  const organisation = useAppStore(organisationSelectors.selected);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [made, setMade] = useState<{ username: string; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (made) {
    return (
      <Dialog
        title="Account made"
        onClose={onClose}
        onSubmit={onClose}
        hideConfirm
        cancelLabel="Done"
        confirmLabel="Done"
        testId="add-person-done-dialog"
        fallbackFocus={FALLBACK}
      >
        <OncePassword username={made.username} password={made.password} />
      </Dialog>
    );
  }

  const submit = async () => {
    const typed = username.trim();
    if (typed.length < 3 || typed.length > 254)
      return setError('The username is 3–254 characters.');
    const password = generateInitialPassword();
    setBusy(true);
    const failure = await addPerson({
      username: typed,
      password,
      role,
      displayName: displayName.trim(),
    });
    setBusy(false);
    if (failure) setError(failure.message);
    else setMade({ username: typed, password });
  };

  return (
    <Dialog
      title={`Add a person to ${organisation?.name ?? 'the organisation'}`}
      description={
        <p>
          Makes a new account that the organisation manages. The app makes a first password and
          shows it once; you can set a new one later if it is lost.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel="Make the account"
      testId="add-person-dialog"
      fallbackFocus={FALLBACK}
    >
      <TextField
        label="Username"
        value={username}
        onChange={(value) => {
          setUsername(value);
          setError(null);
        }}
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
      />
      <TextField
        label="Name (optional)"
        value={displayName}
        onChange={setDisplayName}
        maxLength={200}
        autoComplete="off"
      />
      {isOwner ? <RoleChoice value={role} onChange={setRole} /> : null}
    </Dialog>
  );
}

export function InvitePersonDialog({ onClose }: { onClose: () => void }) {
  const invitePerson = useAppStore((s) => s.invitePerson);
  const isOwner = useAppStore(organisationSelectors.isOwner);
  const organisation = useAppStore(organisationSelectors.selected);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const { busy, error, setError, run } = useDialogAction(onClose);
  const submit = async () => {
    const typed = username.trim();
    if (typed === '') return setError('Type the username of the account to invite.');
    await run(() => invitePerson(typed, role));
  };
  return (
    <Dialog
      title={`Invite someone to ${organisation?.name ?? 'the organisation'}`}
      description={
        <p>
          For someone who has an account already. They see the invitation when they open the app and
          choose whether to join; until then they are not a member.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel="Send invitation"
      testId="invite-person-dialog"
      fallbackFocus={FALLBACK}
    >
      <TextField
        label="Their username"
        value={username}
        onChange={(value) => {
          setUsername(value);
          setError(null);
        }}
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
      />
      {isOwner ? <RoleChoice value={role} onChange={setRole} /> : null}
    </Dialog>
  );
}

export function MemberRoleDialog({ member, onClose }: { member: OrgMember; onClose: () => void }) {
  const setMemberRole = useAppStore((s) => s.setMemberRole);
  const { busy, error, run } = useDialogAction(onClose);
  const next = member.role === 'admin' ? 'member' : 'admin';
  const name = memberLabel(member);
  return (
    <Dialog
      title={next === 'admin' ? `Make ${name} an admin?` : `Make ${name} a member?`}
      description={
        <p>
          {next === 'admin'
            ? `${name} will add people, set up their devices and storage, set managed members' passwords and see how many files each member has (never the files).`
            : `${name} keeps their account and files but no longer runs the organisation.`}
        </p>
      }
      onClose={onClose}
      onSubmit={() => void run(() => setMemberRole(member.profileId, next))}
      busy={busy}
      error={error}
      confirmLabel={next === 'admin' ? 'Make admin' : 'Make member'}
      testId="member-role-dialog"
      fallbackFocus={FALLBACK}
    />
  );
}

export function MemberPasswordDialog({
  member,
  onClose,
}: {
  member: OrgMember;
  onClose: () => void;
}) {
  const setMemberPassword = useAppStore((s) => s.setMemberPassword);
  const [made, setMade] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = memberLabel(member);
  if (made) {
    return (
      <Dialog
        title={`New password for ${name}`}
        onClose={onClose}
        onSubmit={onClose}
        hideConfirm
        cancelLabel="Done"
        confirmLabel="Done"
        testId="member-password-done-dialog"
        fallbackFocus={FALLBACK}
      >
        <OncePassword username={member.username} password={made} />
      </Dialog>
    );
  }
  const submit = async () => {
    const password = generateInitialPassword();
    setBusy(true);
    const failure = await setMemberPassword(member.profileId, password);
    setBusy(false);
    if (failure) setError(failure.message);
    else setMade(password);
  };
  return (
    <Dialog
      title={`Set a new password for ${name}?`}
      description={
        <p>
          The old password stops working; {name}'s signed-in computers stay signed in. The app makes
          the new password and shows it once for you to hand over.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel="Set a new password"
      confirmTone="danger"
      testId="member-password-dialog"
      fallbackFocus={FALLBACK}
    />
  );
}

export function MemberDeviceDialog({
  member,
  storage,
  onClose,
}: {
  member: OrgMember;
  storage: boolean;
  onClose: () => void;
}) {
  const addMemberDevice = useAppStore((s) => s.addMemberDevice);
  const notify = useAppStore((s) => s.notify);
  const [deviceName, setDeviceName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = memberLabel(member);
  const submit = async () => {
    const typed = deviceName.trim();
    const problem = checkDeviceName(typed);
    if (problem) return setError(problem);
    setBusy(true);
    const { added, error: failure } = await addMemberDevice(member.profileId, typed, storage);
    setBusy(false);
    if (failure) return setError(failure.message);
    // The save dialog was cancelled: nothing was made.
    if (!added) return;
    notify(
      `${typed} is set up for ${name}. Its configuration file is ${added.savedTo}; hand it over in person.`,
      'success',
    );
    onClose();
  };
  return (
    <Dialog
      title={storage ? `Add a storage device for ${name}` : `Add a device for ${name}`}
      description={
        <p>
          {storage
            ? `A storage device keeps encrypted copies of ${name}'s files. `
            : `A device such as an authenticator acts for ${name}. `}
          Next you choose where to save its configuration file. It lets the device sign in as {name}
          's device, so keep it safe and hand it over in person. It never gives access to {name}'s
          files.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel={storage ? 'Add storage device…' : 'Add device…'}
      testId="member-device-dialog"
      fallbackFocus={FALLBACK}
    >
      <TextField
        label="Device name"
        value={deviceName}
        onChange={(value) => {
          setDeviceName(value);
          setError(null);
        }}
        autoComplete="off"
        data-autofocus=""
      />
    </Dialog>
  );
}

/**
 * Ask the team: a subject, who votes (everyone ticked by default) and by which of this
 * profile's voting configurations. Each chosen member votes from their own authenticators; a
 * member without one is simply not asked, and nobody able to vote is the engine's error.
 */
export function AskTeamDialog({ onClose }: { onClose: () => void }) {
  const askTeam = useAppStore((s) => s.askTeam);
  const loadConfigurations = useAppStore((s) => s.orgVotingConfigurations);
  const details = useAppStore(organisationSelectors.details);
  const organisation = useAppStore(organisationSelectors.selected);
  const members = details?.members ?? [];
  const [subject, setSubject] = useState('');
  const [context, setContext] = useState('');
  const [voters, setVoters] = useState<string[]>(() => members.map((m) => m.profileId));
  const [configurations, setConfigurations] = useState<
    { votingConfigurationId: string; name: string }[]
  >([]);
  const [configuration, setConfiguration] = useState('');
  const { busy, error, setError, run } = useDialogAction(onClose);
  const selectId = useId();
  useEffect(() => {
    let live = true;
    void loadConfigurations().then((found) => {
      if (live) setConfigurations(found);
    });
    return () => {
      live = false;
    };
  }, [loadConfigurations]);
  const submit = async () => {
    const typed = subject.trim();
    if (typed === '') return setError('Say what the team votes on.');
    if (typed.length > 500) return setError('The question is at most 500 characters.');
    if (context.length > 1024) return setError('The details are at most 1024 characters.');
    if (voters.length === 0) return setError('Tick at least one person to vote.');
    const everyone = voters.length === members.length;
    await run(() =>
      askTeam({
        subject: typed,
        context,
        profileIds: everyone ? [] : voters,
        votingConfigurationId: configuration || null,
      }),
    );
  };
  return (
    <Dialog
      title={`Ask ${organisation?.name ?? 'the team'} to vote`}
      description={
        <p>
          Each person you tick votes yes or no from their authenticators. You see the tally here
          while the vote is open, then the result.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      error={error}
      confirmLabel="Ask the team"
      testId="ask-team-dialog"
      fallbackFocus={FALLBACK}
    >
      <TextField
        label="Question"
        value={subject}
        onChange={(value) => {
          setSubject(value);
          setError(null);
        }}
        hint="For example: Close the office on Friday?"
        testId="ask-subject"
        data-autofocus=""
      />
      <TextField
        label="Details (optional)"
        value={context}
        onChange={(value) => {
          setContext(value);
          setError(null);
        }}
        testId="ask-context"
      />
      <fieldset className="field checkbox-group">
        <legend className="section-label">Who votes</legend>
        {members.map((m) => (
          <label key={m.profileId} className="checkbox">
            <input
              type="checkbox"
              checked={voters.includes(m.profileId)}
              data-testid="ask-voter"
              onChange={(event) => {
                setError(null);
                setVoters((current) =>
                  event.target.checked
                    ? [...current, m.profileId]
                    : current.filter((id) => id !== m.profileId),
                );
              }}
            />
            {memberLabel(m)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={selectId}>How the vote is decided</label>
        <select
          id={selectId}
          className="input"
          value={configuration}
          onChange={(event) => setConfiguration(event.target.value)}
          data-testid="ask-configuration"
        >
          <option value="">Your voting defaults</option>
          {configurations.map((c) => (
            <option key={c.votingConfigurationId} value={c.votingConfigurationId}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
    </Dialog>
  );
}
